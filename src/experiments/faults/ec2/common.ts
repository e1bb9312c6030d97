import { call, type PlanContext, tagged } from '../../plan/context.js';
import type { AwsCall } from '../../plan/types.js';
import { instanceArns } from '../../resources/ec2-instance.js';
import { loadBalancerCalls } from '../../resources/load-balancers.js';
import { resolvedOf } from '../../resources/registry.js';
import type { FaultContext, WatchSpec } from '../types.js';

/** What the EC2 fault types share: their targets, watchers and plan calls. */

/** The instances a step's `resource` selected in preflight. */
export function instancesOfStep(step: { id: string; type: string; resource: string }, ctx: FaultContext) {
  return resolvedOf(ctx.resources, step.resource, 'ec2-instance', `fault ${step.id} (${step.type})`).instances;
}

/** Target health of the target group the selector went through, beside the instance states. */
export function targetGroupWatch(ctx: FaultContext, refs: string[]): WatchSpec[] {
  const arns = new Set<string>();
  for (const ref of refs) {
    const r = ctx.resources.get(ref);
    if (r?.type === 'ec2-instance' && r.targetGroup) arns.add(r.targetGroup);
  }
  return [...arns].map((targetGroupArn) => ({ source: 'elbv2' as const, targetGroupArn }));
}

/** Calls that resolve EC2 selectors: DescribeInstances, plus target health for target-group selectors. */
export function resolveInstancesCalls(
  r: { type: string } | undefined,
  note = 'resolve the selector; read tags and AZs',
): AwsCall[] {
  const calls = [call('ec2', 'DescribeInstances', ['*'], { note })];
  if (r?.type === 'ec2-instance' && (r as { targetGroup?: string }).targetGroup) {
    calls.push(call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'instances registered in the target group' }));
    calls.push(...loadBalancerCalls());
  }
  return calls;
}

export function ec2WatchCalls(ctx: PlanContext, r: { type: string } | undefined): AwsCall[] {
  const calls = [call('ec2', 'DescribeInstances', ['*'], { note: 'instance states' })];
  const tg = r?.type === 'ec2-instance' ? (r as { targetGroup?: string }).targetGroup : undefined;
  const anyTg = Object.values(ctx.resources).some((x) => x.type === 'elbv2-target-group');
  if (tg || anyTg) calls.push(call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'target states and reasons' }));
  return calls;
}

/** StartInstances on the selected instances (the start-instances inverse). */
export function startInstancesCall(ctx: PlanContext, iArns: string[], note: string): AwsCall {
  return call('ec2', 'StartInstances', iArns, { ...tagged(ctx), note });
}

export { instanceArns };
