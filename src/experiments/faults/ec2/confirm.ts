import type { ConfirmationResult } from '../definition.js';
import type { FaultAction, FaultContext } from '../types.js';
import { describeStates } from './state.js';

/**
 * What a stop leaves: `stopped`, or, when an Auto Scaling group replaced the stopped instance
 * (`autoScaling: replace`), `shutting-down` / `terminated` (StopInstances alone never terminates).
 */
export const STOPPED_OR_REPLACED = ['stopped', 'shutting-down', 'terminated'] as const;

/**
 * EC2 confirmations, one look at AWS each (the engine polls): the instances reached the state
 * the fault causes, as DescribeInstances reports it.
 */
export function instancesInState(states: readonly string[]) {
  return async (action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> => {
    const ids = action.targets;
    const now = await describeStates(ctx.aws, ids);
    const seen = ids.map((id) => ({ instanceId: id, state: now.get(id)?.state ?? 'absent' }));
    const answers = [{ call: 'ec2:DescribeInstances', instances: seen }];
    const ok = ids.length > 0 && seen.every((s) => states.includes(s.state));
    return {
      status: ok ? 'confirmed' : 'not-confirmed',
      detail: ok
        ? `DescribeInstances: ${seen.map((s) => `${s.instanceId} ${s.state}`).join(', ')}`
        : `DescribeInstances: ${seen.map((s) => `${s.instanceId} ${s.state}`).join(', ')} (waiting for ${states.join(' or ')})`,
      answers,
    };
  };
}

/**
 * A reboot leaves the instance `running`: EC2 reports no reboot. The only AWS answer that shows
 * it is the target health of a target group the instances are registered in (`basis().targetGroupArn`)
 * leaving `healthy`; without one it stays not confirmed.
 */
export async function rebootSeenByTargetHealth(action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> {
  const tg = action.basis?.().targetGroupArn;
  if (typeof tg !== 'string') {
    return {
      status: 'not-confirmed',
      detail:
        'EC2 reports no reboot (the instance stays running) and the instances are not selected through a target group',
      answers: [],
    };
  }
  const h = await ctx.aws.elbv2.describeTargetHealth({ TargetGroupArn: tg });
  const mine = (h.TargetHealthDescriptions ?? [])
    .filter((d) => action.targets.includes(d.Target?.Id ?? ''))
    .map((d) => ({ id: d.Target?.Id, state: d.TargetHealth?.State, reason: d.TargetHealth?.Reason }));
  const left = mine.filter((m) => m.state !== 'healthy');
  return {
    status: left.length > 0 ? 'confirmed' : 'not-confirmed',
    detail: `DescribeTargetHealth ${tg}: ${mine.map((m) => `${m.id} ${m.state}`).join(', ') || 'no targets'}`,
    answers: [{ call: 'elasticloadbalancing:DescribeTargetHealth', targetGroupArn: tg, targets: mine }],
  };
}

/** Deregistered targets are `draining`, then `unused` or gone from the target group. */
export async function targetsDeregistered(action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> {
  const tg = action.basis?.().targetGroupArn as string;
  const h = await ctx.aws.elbv2.describeTargetHealth({ TargetGroupArn: tg });
  const seen = action.targets.map((id) => {
    const d = (h.TargetHealthDescriptions ?? []).find((x) => x.Target?.Id === id);
    return { id, state: d?.TargetHealth?.State ?? 'not registered' };
  });
  const ok = seen.every((s) => ['draining', 'unused', 'not registered'].includes(s.state));
  return {
    status: ok ? 'confirmed' : 'not-confirmed',
    detail: `DescribeTargetHealth ${tg}: ${seen.map((s) => `${s.id} ${s.state}`).join(', ')}`,
    answers: [{ call: 'elasticloadbalancing:DescribeTargetHealth', targetGroupArn: tg, targets: seen }],
  };
}
