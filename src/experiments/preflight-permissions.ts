import type { AwsApis } from '../aws/apis.js';
import { DrillproofError } from '../errors.js';
import { type MessageSink, message } from '../io/messages.js';
import type { CallerIdentity } from '../run/record.js';
import type { PreflightCheckResult } from './faults/types.js';
import { buildIamPolicy, type IamStatement } from './iam-policy.js';
import type { DrillScenario } from './phases/drill-input.js';
import { buildPlan } from './plan/build.js';

/**
 * Proves before anything runs that the caller may make every call of the drill, not only the
 * ones AWS can DryRun: IAM SimulatePrincipalPolicy for the caller's principal over each statement
 * of the least-privilege policy (`drillproof iam-policy`) built from the resolved scenario, with
 * the condition keys drillproof knows (the guardrails' required tag, the service a role is
 * passed to). Without permission to simulate, preflight falls back to the DryRun checks and says
 * so.
 */
export async function provePermissions(i: {
  scenario: DrillScenario;
  aws: AwsApis;
  caller: CallerIdentity;
  sink: MessageSink;
  /** Files the faults name, by fault id, as the plan reads them. */
  attachments?: Record<string, unknown>;
}): Promise<PreflightCheckResult[]> {
  const principal = principalArn(i.caller.arn);
  if (!principal) {
    return [notProven(i.sink, `the caller ${i.caller.arn} is not an IAM user or role that can be simulated`)];
  }
  const policy = buildIamPolicy(
    buildPlan({ scenario: i.scenario, path: '', sha256: '', ...(i.attachments ? { attachments: i.attachments } : {}) }),
  );
  const denied = new Map<string, { resources: Set<string>; decision: string }>();
  let simulated = 0;
  for (const st of policy.Statement) {
    let res: Awaited<ReturnType<AwsApis['iam']['simulatePrincipalPolicy']>>;
    try {
      res = await i.aws.iam.simulatePrincipalPolicy({
        PolicySourceArn: principal,
        ActionNames: st.Action,
        ...resourcesOf(st),
        ...contextOf(st),
      });
    } catch (err) {
      if (!DrillproofError.is(err)) throw err;
      return [notProven(i.sink, `iam:SimulatePrincipalPolicy for ${principal} failed: ${err.message}`)];
    }
    for (const r of res.EvaluationResults ?? []) {
      simulated++;
      if (r.EvalDecision === 'allowed' || !r.EvalActionName) continue;
      const d = denied.get(r.EvalActionName) ?? { resources: new Set<string>(), decision: r.EvalDecision ?? 'denied' };
      d.resources.add(r.EvalResourceName ?? '*');
      denied.set(r.EvalActionName, d);
    }
  }
  if (denied.size === 0) {
    return [
      {
        check: 'permissions',
        ok: true,
        detail: `${principal} may make every call of the drill (${simulated} action/resource pairs simulated)`,
      },
    ];
  }
  return [...denied].map(([action, d]) => ({
    check: `permission ${action}`,
    ok: false,
    detail: `${principal} may not call ${action} on ${[...d.resources].join(', ')} (${d.decision})`,
    hint: `allow ${action} on ${[...d.resources].join(', ')} for ${principal}; \`drillproof iam-policy <scenario>\` prints the whole policy the drill needs`,
  }));
}

/** `arn:aws:sts::1:assumed-role/Name/session` → `arn:aws:iam::1:role/Name`; users as they are. */
export function principalArn(callerArn: string): string | undefined {
  const role = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (role) return `arn:${role[1]}:iam::${role[2]}:role/${role[3]}`;
  if (/^arn:aws[\w-]*:iam::\d{12}:(user|role)\/.+$/.test(callerArn)) return callerArn;
  return undefined;
}

function resourcesOf(st: IamStatement): { ResourceArns?: string[] } {
  const r = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
  return r.length === 1 && r[0] === '*' ? {} : { ResourceArns: r };
}

function contextOf(st: IamStatement): {
  ContextEntries?: { ContextKeyName: string; ContextKeyValues: string[]; ContextKeyType: 'string' }[];
} {
  const entries = Object.values(st.Condition ?? {}).flatMap((kv) =>
    Object.entries(kv).map(([k, v]) => ({
      ContextKeyName: k,
      ContextKeyValues: [v],
      ContextKeyType: 'string' as const,
    })),
  );
  return entries.length ? { ContextEntries: entries } : {};
}

function notProven(sink: MessageSink, why: string): PreflightCheckResult {
  const detail = `not proven: ${why}; only the calls AWS can DryRun are checked`;
  sink.emit(
    message('warn', 'DP_PREFLIGHT_W2301', `permissions ${detail}`, {
      hint: 'allow iam:SimulatePrincipalPolicy on your own user or role so preflight can prove every permission',
    }),
  );
  return { check: 'permissions', ok: true, detail };
}
