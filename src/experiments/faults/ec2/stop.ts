import { z } from 'zod';
import { positiveDuration, strict } from '../../../scenario/common.js';
import { parseDurationMs } from '../../../util/units.js';
import { call, tagged } from '../../plan/context.js';
import { confirmByAction, defineFault } from '../definition.js';
import { dryRunCheck } from '../dry-run.js';
import { requestIds } from '../inverse.js';
import { M, planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction, FaultContext, PreflightCheckResult, WatchSpec } from '../types.js';
import {
  autoScalingOption,
  autoScalingPlanCalls,
  autoScalingScope,
  resumeProcesses,
  withAutoScaling,
} from './auto-scaling.js';
import {
  ec2WatchCalls,
  instanceArns,
  instancesOfStep,
  resolveInstancesCalls,
  startInstancesCall,
  targetGroupWatch,
} from './common.js';
import { instancesInState, STOPPED_OR_REPLACED } from './confirm.js';
import { startInstances, startInstancesSpec } from './inverses.js';
import { describeStates, waitForStates } from './state.js';

export const ec2StopFault = strict({
  ...stepShape,
  type: z.literal('ec2-stop'),
  resource: resourceName,
  force: z.boolean().default(false).meta({ description: 'Force stop (no graceful OS shutdown).' }),
  startAfter: positiveDuration
    .optional()
    .meta({ description: 'Start the instances again this long after stopping them (else at rollback).' }),
  autoScaling: autoScalingOption,
}).meta({ description: 'Stop EC2 instances (inverse: start them).' });

/**
 * Only a running instance can be stopped: one already stopped (by another drill, by hand) would
 * make the drill measure nothing and report RTO 0.
 */
async function runningCheck(c: FaultContext, ids: string[]): Promise<PreflightCheckResult> {
  const states = await describeStates(c.aws, ids);
  const not = ids.filter((id) => states.get(id)?.state !== 'running');
  return {
    check: 'instances running',
    ok: not.length === 0,
    detail: not.length
      ? `${not.map((id) => `${id} is ${states.get(id)?.state ?? 'absent'}`).join(', ')}: only a running instance can be stopped`
      : `${ids.join(', ')} running`,
    ...(not.length ? { hint: 'start the instances (or wait for the drill that stopped them) and run again' } : {}),
  };
}

/**
 * The stop action: StopInstances, its start-instances inverse journaled first, DryRun checks of
 * both calls, and the instance (and target health) watchers. az-impairment uses it too.
 */
export function stopInstancesAction(o: {
  stepId: string;
  fault: string;
  ids: string[];
  force: boolean;
  region: string;
  watch: WatchSpec[];
  /** Instances their Auto Scaling group may replace (`autoScaling: replace`). */
  replaceable?: string[];
}): FaultAction {
  const { ids } = o;
  return {
    stepId: o.stepId,
    fault: o.fault,
    action: 'ec2:StopInstances',
    targets: ids,
    inverse: startInstancesSpec(ids, o.region, o.replaceable),
    preflight: async (c) => [
      await runningCheck(c, ids),
      await dryRunCheck('ec2:StopInstances', () => c.aws.ec2.stopInstances({ InstanceIds: ids, DryRun: true })),
      await dryRunCheck('ec2:StartInstances', () => c.aws.ec2.startInstances({ InstanceIds: ids, DryRun: true })),
    ],
    run: async (c) => {
      const res = await c.aws.ec2.stopInstances({ InstanceIds: ids, Force: o.force });
      return {
        requestIds: requestIds(res),
        response: {
          instances: (res.StoppingInstances ?? []).map((s) => ({ id: s.InstanceId, state: s.CurrentState?.Name })),
        },
      };
    },
    watch: [{ source: 'ec2', instanceIds: ids }, ...o.watch],
  };
}

/** ec2-stop: StopInstances; inverse StartInstances (and wait running). */
export const ec2StopDefinition = defineFault({
  type: 'ec2-stop',
  schema: ec2StopFault,
  resourceRefs: [{ key: 'resource', types: ['ec2-instance'] }],
  plan(f, ctx) {
    const r = ctx.resources[f.resource];
    const iArns = instanceArns(ctx, r);
    const after = f.startAfter ? ` and starts them again after ${f.startAfter}` : '';
    const asg = autoScalingPlanCalls(ctx, f.autoScaling);
    return {
      title: `stop EC2 instances (${f.resource})`,
      description: `Stops the selected instances${f.force ? ' (force, no OS shutdown)' : ''}${after}.`,
      targets: [planTarget(ctx, f.resource)],
      preflight: [
        ...resolveInstancesCalls(r),
        ...asg.preflight,
        call('ec2', 'StopInstances', iArns, { ...tagged(ctx), dryRun: true, note: 'permission check' }),
      ],
      inject: [...asg.inject, call('ec2', 'StopInstances', iArns, { ...tagged(ctx), params: { Force: f.force } })],
      watch: [...ec2WatchCalls(ctx, r), ...asg.watch],
      inverse: {
        description: `start the stopped instances${f.autoScaling === 'replace' ? ' (not those the Auto Scaling group replaced)' : ''}${f.autoScaling === 'suspend' ? ', then resume the Auto Scaling processes' : ''}`,
        awsCalls: [startInstancesCall(ctx, iArns, 'the instances stopped by this step'), ...asg.inverse],
      },
      inverseActions: [startInstances.action, ...asg.inverseActions],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 8 * S : 70 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverseMs: ctx.lab ? { typical: 2 * S, max: 30 * S } : { typical: 40 * S, max: 5 * M },
    };
  },
  async prepare(step, ctx) {
    const ids = instancesOfStep(step, ctx).map((i) => i.id);
    const scope = await autoScalingScope(step, ctx, ids);
    const inGroups = [...scope.groups.values()].flat();
    const action = stopInstancesAction({
      stepId: step.id,
      fault: step.type,
      ids,
      force: step.force,
      region: ctx.aws.region,
      watch: targetGroupWatch(ctx, [step.resource]),
      ...(scope.choice === 'replace' ? { replaceable: inGroups } : {}),
    });
    if (step.startAfter !== undefined) {
      // startAfter: the fault undoes itself after the duration (like FIS startInstancesAfterDuration).
      const after = parseDurationMs(step.startAfter) ?? 0;
      action.followUp = async (c) => {
        await c.clock.sleep(after, c.signal);
        await waitForStates(c, ids, ['stopped'], c.signal);
        await c.aws.ec2.startInstances({ InstanceIds: ids });
        return { ok: true, detail: `started ${ids.join(', ')} after ${step.startAfter}` };
      };
    }
    return [withAutoScaling(action, scope, ctx.aws.region)];
  },
  inverses: [startInstances, resumeProcesses],
  affects: (step) => [step.resource],
  confirm: confirmByAction({ 'ec2:StopInstances': instancesInState(STOPPED_OR_REPLACED) }),
});
