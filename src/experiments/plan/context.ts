import type { AwsCall, AwsService } from './types.js';

/**
 * What every plan descriptor needs: the scenario's resource selectors (by name, as validated) and
 * ARN builders for its region and accounts. Structural on purpose: the fault and resource modules
 * that use it are themselves what the scenario schema is assembled from.
 */
export interface PlanContext {
  resources: Readonly<Record<string, { type: string }>>;
  lab: boolean;
  region: string;
  accounts: string[];
  requiredTag?: { key: string; value: string };
}

/** ELBv2 is `elasticloadbalancing` in IAM actions and ARNs. */
const ARN_SERVICE: Record<string, string> = { elbv2: 'elasticloadbalancing' };

export function planContext(scenario: {
  resources: Readonly<Record<string, { type: string }>>;
  target: { provider: string; region: string; allowedAccounts?: string[] | undefined };
  guardrails: { requiredTag?: { key: string; value: string } | undefined };
}): PlanContext {
  const region = scenario.target.region.includes('${') ? '*' : scenario.target.region;
  const ctx: PlanContext = {
    resources: scenario.resources,
    lab: scenario.target.provider === 'lab',
    region,
    // An account only run time knows (`${env.X}`): any account, as for an unknown region.
    accounts: [...new Set((scenario.target.allowedAccounts ?? ['*']).map((a) => (a.includes('${') ? '*' : a)))],
  };
  if (scenario.guardrails.requiredTag) ctx.requiredTag = scenario.guardrails.requiredTag;
  return ctx;
}

/** A value written with `${...}` is only known at run time: the ARN uses a wildcard instead. */
export function known(s: string | undefined): s is string {
  return s !== undefined && !s.includes('${');
}

/** ARNs of one resource path in every allowed account, e.g. `instance/i-123`. */
export function arns(ctx: PlanContext, service: AwsService, path: string): string[] {
  const svc = ARN_SERVICE[service] ?? service;
  return ctx.accounts.map((a) => `arn:aws:${svc}:${ctx.region}:${a}:${path}`);
}

export function call(
  service: AwsService,
  operation: string,
  resources: string[],
  extra: Partial<Pick<AwsCall, 'params' | 'dryRun' | 'note' | 'tagCondition' | 'passedToService'>> & {
    iamAction?: string;
  } = {},
): AwsCall {
  const { iamAction, ...rest } = extra;
  const prefix = ARN_SERVICE[service] ?? service;
  return { service, operation, iamAction: iamAction ?? `${prefix}:${operation}`, resources, ...rest };
}

/** Calls on tagged resources carry the required-tag condition when the scenario sets one. */
export function tagged(ctx: PlanContext): Pick<AwsCall, 'tagCondition'> {
  return ctx.requiredTag ? { tagCondition: ctx.requiredTag } : {};
}
