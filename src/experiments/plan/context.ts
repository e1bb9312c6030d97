import type { Resource } from '../schema/resources.js';
import type { Scenario } from '../schema/scenario.js';
import type { AwsCall, AwsService } from './types.js';

/** What every plan descriptor needs: the scenario and ARN builders for its region and accounts. */
export interface PlanContext {
  scenario: Scenario;
  lab: boolean;
  region: string;
  accounts: string[];
  requiredTag?: { key: string; value: string };
}

/** ELBv2 is `elasticloadbalancing` in IAM actions and ARNs. */
const ARN_SERVICE: Record<string, string> = { elbv2: 'elasticloadbalancing' };

export function planContext(scenario: Scenario): PlanContext {
  const region = scenario.target.region.includes('${') ? '*' : scenario.target.region;
  const ctx: PlanContext = {
    scenario,
    lab: scenario.target.provider === 'lab',
    region,
    accounts: scenario.target.allowedAccounts ?? ['*'],
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
  extra: Partial<Pick<AwsCall, 'params' | 'dryRun' | 'note' | 'tagCondition'>> & { iamAction?: string } = {},
): AwsCall {
  const { iamAction, ...rest } = extra;
  const prefix = ARN_SERVICE[service] ?? service;
  return { service, operation, iamAction: iamAction ?? `${prefix}:${operation}`, resources, ...rest };
}

/** Calls on tagged resources carry the required-tag condition when the scenario sets one. */
export function tagged(ctx: PlanContext): Pick<AwsCall, 'tagCondition'> {
  return ctx.requiredTag ? { tagCondition: ctx.requiredTag } : {};
}

export function instanceArns(ctx: PlanContext, r: Resource | undefined): string[] {
  if (r?.type === 'ec2-instance' && r.ids && r.ids.every(known)) {
    return r.ids.flatMap((id) => arns(ctx, 'ec2', `instance/${id}`));
  }
  return arns(ctx, 'ec2', 'instance/*');
}

export function dbInstanceArns(ctx: PlanContext, id: string | undefined): string[] {
  return arns(ctx, 'rds', `db:${known(id) ? id : '*'}`);
}

export function dbClusterArns(ctx: PlanContext, id: string | undefined): string[] {
  return arns(ctx, 'rds', `cluster:${known(id) ? id : '*'}`);
}

export function targetGroupArns(ctx: PlanContext, r: Resource | undefined): string[] {
  if (r?.type === 'elbv2-target-group') {
    if (known(r.arn)) return [r.arn];
    if (known(r.name)) return arns(ctx, 'elbv2', `targetgroup/${r.name}/*`);
  }
  if (r?.type === 'ec2-instance' && known(r.targetGroup)) return [r.targetGroup];
  return arns(ctx, 'elbv2', 'targetgroup/*');
}
