import { z } from 'zod';
import { strict, text } from '../../../scenario/common.js';
import { call, type PlanContext, tagged } from '../../plan/context.js';
import type { AwsCall } from '../../plan/types.js';
import { ecsServiceArns, ecsTaskArns, type ResolvedEcsService, type TaskInfo } from '../../resources/ecs-service.js';
import { loadBalancerCalls } from '../../resources/load-balancers.js';
import { resolvedOf } from '../../resources/registry.js';
import { defineFault } from '../definition.js';
import { requestIds } from '../inverse.js';
import { M, planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction, WatchSpec } from '../types.js';
import {
  awaitReplacement,
  awaitService,
  awaitServiceSpec,
  describeService,
  stopTasksConfirmation,
} from './replacement.js';

export const ecsStopTasksFault = strict({
  ...stepShape,
  type: z.literal('ecs-stop-tasks'),
  resource: resourceName.meta({ description: 'ecs-service resource whose selected tasks are stopped.' }),
  reason: text
    .max(160)
    .optional()
    .meta({ description: 'Added to the StopTask reason (which always names the run and the step).' }),
}).meta({ description: 'Stop running ECS tasks of a service (no inverse: the service scheduler replaces them).' });

/** The StopTask reason: names the run and step, at most 255 characters (the ECS limit). */
export function stopReason(runId: string, stepId: string, extra?: string): string {
  return `drillproof run ${runId} step ${stepId}${extra ? `: ${extra}` : ''}`.slice(0, 255);
}

/** The watchers of a service: tasks, events, deployments and counts, and its target groups. */
export function ecsWatch(svc: ResolvedEcsService, taskArns: string[]): WatchSpec[] {
  return [
    { source: 'ecs', cluster: svc.clusterArn, service: svc.serviceName, taskArns },
    ...svc.targetGroupArns.map((targetGroupArn) => ({ source: 'elbv2' as const, targetGroupArn })),
  ];
}

/**
 * The stop action: StopTask for each task (a reason naming the run). Nothing restarts a stopped
 * task (the service scheduler starts replacements): the follow-up, and the journaled inverse that
 * rollback and `recover` replay, wait for the service to be back at its desired count with healthy
 * targets. az-impairment uses it for the tasks in the AZ.
 */
export function stopTasksAction(o: {
  stepId: string;
  fault: string;
  svc: ResolvedEcsService;
  tasks: TaskInfo[];
  runId: string;
  region: string;
  reason?: string | undefined;
}): FaultAction {
  const { svc, tasks } = o;
  const arns = tasks.map((t) => t.arn);
  const reason = stopReason(o.runId, o.stepId, o.reason);
  return {
    stepId: o.stepId,
    fault: o.fault,
    action: 'ecs:StopTask',
    targets: arns,
    inverse: awaitServiceSpec({
      cluster: svc.clusterArn,
      service: svc.serviceName,
      targetGroupArns: svc.targetGroupArns,
      stopped: arns,
      region: o.region,
    }),
    preflight: async (c) => {
      const s = await describeService(c.aws, svc.clusterArn, svc.serviceName);
      const desired = s.desiredCount ?? 0;
      return [
        {
          check: 'service replaces stopped tasks',
          ok: s.status === 'ACTIVE' && desired > 0 && s.schedulingStrategy !== 'DAEMON',
          detail: `${svc.serviceName}: ${s.status}, ${s.runningCount}/${desired} running, ${s.schedulingStrategy ?? 'REPLICA'}`,
          hint: 'only an active REPLICA service with a desired count above 0 starts replacements; nothing undoes a StopTask',
        },
      ];
    },
    run: async (c) => {
      const answers = [];
      for (const task of arns) answers.push(await c.aws.ecs.stopTask({ cluster: svc.clusterArn, task, reason }));
      return {
        requestIds: requestIds(...answers),
        response: {
          tasks: answers.map((a) => ({
            task: a.task?.taskArn,
            az: a.task?.availabilityZone,
            desired: a.task?.desiredStatus,
          })),
        },
      };
    },
    watch: ecsWatch(svc, arns),
    followUp: awaitReplacement({
      stepId: o.stepId,
      cluster: svc.clusterArn,
      service: svc.serviceName,
      targetGroupArns: svc.targetGroupArns,
      stopped: tasks,
      before: svc.running,
    }),
  };
}

/** Calls that resolve an ecs-service selector. */
export function resolveServiceCalls(ctx: PlanContext, r: { type: string } | undefined): AwsCall[] {
  const byTags = r?.type === 'ecs-service' && !(r as { service?: string }).service;
  return [
    ...(byTags
      ? [
          call('ecs', 'ListClusters', ['*'], { note: 'find the service by its tags' }),
          call('ecs', 'ListServices', ['*'], { note: 'find the service by its tags' }),
        ]
      : []),
    call('ecs', 'DescribeServices', ecsServiceArns(ctx, r), { note: 'desired and running count, target groups' }),
    call('ecs', 'ListTasks', ['*'], { note: "the service's running tasks" }),
    call('ecs', 'DescribeTasks', ecsTaskArns(ctx, r), { note: 'task AZs and IPs' }),
    ...loadBalancerCalls(),
  ];
}

/** What watching a service reads. */
export function ecsWatchCalls(ctx: PlanContext, r: { type: string } | undefined): AwsCall[] {
  return [
    call('ecs', 'DescribeServices', ecsServiceArns(ctx, r), { note: 'counts, deployments, service events' }),
    call('ecs', 'ListTasks', ['*'], { note: 'replacement tasks' }),
    call('ecs', 'DescribeTasks', ecsTaskArns(ctx, r), { note: 'task states, stop codes and reasons' }),
    call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'IP target health with reason codes' }),
  ];
}

/** The wait rollback and `recover` do after a task stop, in words and calls. */
export function awaitServicePlan(ctx: PlanContext, rs: ({ type: string } | undefined)[]) {
  return {
    description: `wait until the service${rs.length > 1 ? 's are' : ' is'} back at the desired count with healthy targets (nothing is restarted)`,
    awsCalls: rs.flatMap((r) => ecsWatchCalls(ctx, r)),
  };
}

export function stopTaskCall(ctx: PlanContext, r: { type: string } | undefined, note?: string): AwsCall {
  return call('ecs', 'StopTask', ecsTaskArns(ctx, r), { ...tagged(ctx), ...(note ? { note } : {}) });
}

/** ecs-stop-tasks: StopTask on the selected tasks; the service replaces them (nothing to undo). */
export const ecsStopTasksDefinition = defineFault({
  type: 'ecs-stop-tasks',
  schema: ecsStopTasksFault,
  resourceRefs: [{ key: 'resource', types: ['ecs-service'] }],
  plan(f, ctx) {
    const r = ctx.resources[f.resource];
    return {
      title: `stop ECS tasks (${f.resource})`,
      description:
        'Stops the selected running tasks (StopTask, the reason names the run). The service scheduler starts replacements; the drill waits until the service is back at its desired count with healthy targets.',
      targets: [planTarget(ctx, f.resource)],
      preflight: resolveServiceCalls(ctx, r),
      inject: [stopTaskCall(ctx, r)],
      watch: ecsWatchCalls(ctx, r),
      inverse: awaitServicePlan(ctx, [r]),
      inverseActions: [awaitService.action],
      destructive: true,
      notes: ['nothing to undo: a stopped task cannot be started again; the ECS service scheduler replaces it'],
      recoveredWhen:
        'recovered when the probes hold and the service is back at its desired count with every task healthy in its target groups',
      recoveryTypicalMs: ctx.lab ? 5 * S : 90 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverseMs: { typical: 0, max: ctx.lab ? 30 * S : 5 * M },
    };
  },
  async prepare(step, ctx) {
    const svc = resolvedOf(ctx.resources, step.resource, 'ecs-service', `fault ${step.id} (${step.type})`);
    return [
      stopTasksAction({
        stepId: step.id,
        fault: step.type,
        svc,
        tasks: svc.tasks,
        runId: ctx.runId,
        region: ctx.aws.region,
        reason: step.reason,
      }),
    ];
  },
  inverses: [awaitService],
  affects: (step) => [step.resource],
  confirm: stopTasksConfirmation,
});
