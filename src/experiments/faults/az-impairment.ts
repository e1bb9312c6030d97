import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { strict, text } from '../../scenario/common.js';
import { arns, call, type PlanContext, tagged } from '../plan/context.js';
import type { AwsCall, FaultPlan } from '../plan/types.js';
import { resolvedOf } from '../resources/registry.js';
import { AZ_FIS_ACTIONS, viaFis } from './az-impairment-fis.js';
import { confirmByAction, defineFault } from './definition.js';
import {
  type AutoScalingScope,
  autoScalingOption,
  autoScalingPlanCalls,
  autoScalingScope,
  type Replacement,
  resumeProcesses,
  withAutoScaling,
} from './ec2/auto-scaling.js';
import { instanceArns, resolveInstancesCalls, startInstancesCall, targetGroupWatch } from './ec2/common.js';
import { instancesInState, STOPPED_OR_REPLACED } from './ec2/confirm.js';
import { startInstances } from './ec2/inverses.js';
import { stopInstancesAction } from './ec2/stop.js';
import { flagImpairedAzPlacements } from './ecs/impaired-az.js';
import { awaitService, stopTasksConfirmation } from './ecs/replacement.js';
import {
  awaitServicePlan,
  ecsWatchCalls,
  resolveServiceCalls,
  stopTaskCall,
  stopTasksAction,
} from './ecs/stop-tasks.js';
import { experimentConfirmed } from './fis/confirm.js';
import { fisPermissionCalls } from './fis/experiment.js';
import { deleteTemplate, fisInversePlan, stopExperiment } from './fis/inverses.js';
import { fisRoleActions } from './fis/template.js';
import { clusterFailoverAction, clusterFailoverCall } from './rds/aurora-failover.js';
import { awaitAvailable, awaitAvailablePlan } from './rds/await-available.js';
import { clusterFailedOver, instanceFailedOver } from './rds/confirm.js';
import { instanceFailoverAction, instanceFailoverCall, rdsEventsCall } from './rds/failover.js';
import { M, planTarget, resourceName, S, stepShape } from './step.js';
import type { FaultAction, FaultContext } from './types.js';

export const azImpairmentFault = strict({
  ...stepShape,
  type: z.literal('az-impairment'),
  az: text.meta({ description: 'The Availability Zone to impair, e.g. us-east-1a.' }),
  resources: z
    .array(resourceName)
    .default([])
    .meta({ description: 'ec2-instance resources; every selected instance in the AZ is stopped.' }),
  services: z
    .array(resourceName)
    .default([])
    .meta({ description: 'ecs-service resources; every selected task of the service in the AZ is stopped.' }),
  database: resourceName
    .optional()
    .meta({ description: 'rds-instance or aurora-cluster resource to fail over away from the AZ.' }),
  fis: z
    .boolean()
    .default(false)
    .meta({ description: 'Inject through AWS FIS (aws:ec2:stop-instances + RDS actions) instead of direct calls.' }),
  roleArn: text.optional().meta({ description: 'IAM role FIS assumes (needed with fis: true on AWS).' }),
  autoScaling: autoScalingOption,
})
  .superRefine((f, ctx) => {
    if (f.resources.length === 0 && f.services.length === 0 && f.database === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'az-impairment impairs nothing: give resources (ec2-instance), services (ecs-service) or database',
        input: f,
      });
    }
  })
  .meta({
    description: 'All selected instances and ECS tasks in one AZ stop, and the database fails over away from it.',
  });

type AzStep = z.infer<typeof azImpairmentFault>;

/** The instances of the selectors in the AZ. */
function idsInAz(step: AzStep, ctx: FaultContext): string[] {
  const who = `fault ${step.id} (${step.type})`;
  return step.resources.flatMap((r) =>
    resolvedOf(ctx.resources, r, 'ec2-instance', who)
      .instances.filter((i) => i.az === step.az)
      .map((i) => i.id),
  );
}

/** The ec2-stop and rds-failover / aurora-failover actions, limited to the AZ. */
function directActions(step: AzStep, ctx: FaultContext, ids: string[], scope: AutoScalingScope): FaultAction[] {
  const who = `fault ${step.id} (${step.type})`;
  const region = ctx.aws.region;
  const actions: FaultAction[] = [];
  for (const name of step.services) {
    const svc = resolvedOf(ctx.resources, name, 'ecs-service', who);
    const tasks = svc.tasks.filter((t) => t.az === step.az);
    const stepId = `${step.id}.tasks${step.services.length > 1 ? `-${name}` : ''}`;
    const stop = stopTasksAction({ stepId, fault: step.type, svc, tasks, runId: ctx.runId, region });
    if (tasks.length) actions.push(flagImpairedAzPlacements(stop, step.az));
  }
  if (ids.length) {
    const watch = targetGroupWatch(ctx, step.resources);
    const replaceable = scope.choice === 'replace' ? [...scope.groups.values()].flat() : [];
    const stop = { stepId: `${step.id}.stop`, fault: step.type, ids, force: true, region, watch, replaceable };
    actions.push(stopInstancesAction(stop));
  }
  if (step.database !== undefined) {
    const stepId = `${step.id}.failover`;
    if (ctx.resources.get(step.database)?.type === 'aurora-cluster') {
      const c = resolvedOf(ctx.resources, step.database, 'aurora-cluster', who);
      actions.push(clusterFailoverAction(c, { stepId, fault: step.type, region }));
    } else {
      const db = resolvedOf(ctx.resources, step.database, 'rds-instance', who);
      actions.push(instanceFailoverAction(db, { stepId, fault: step.type, region, onlyIfPrimaryIn: step.az }));
    }
  }
  return actions;
}

/** The undo in words: start what was stopped, end the experiment, or wait for the database. */
function inversePlan(
  f: AzStep,
  ctx: PlanContext,
  iArns: string[],
  dbKind: 'cluster' | 'instance' | null,
): FaultPlan['inverse'] {
  const start = f.resources.length ? [startInstancesCall(ctx, iArns, 'the instances stopped in the AZ')] : [];
  const parts = [
    ...(f.fis ? [fisInversePlan(ctx, true)] : []),
    ...(start.length ? [{ description: `start the instances stopped in ${f.az}`, awsCalls: start }] : []),
    ...(!f.fis && dbKind ? [awaitAvailablePlan(dbKind)] : []),
    ...(f.services.length
      ? [
          awaitServicePlan(
            ctx,
            f.services.map((n) => ctx.resources[n]),
          ),
        ]
      : []),
  ];
  if (parts.length === 0) return null;
  return { description: parts.map((p) => p.description).join('; '), awsCalls: parts.flatMap((p) => p.awsCalls) };
}

/** `replace`: says so when the group launched a replacement into the impaired AZ itself. */
function noteImpairedAzLaunches(a: FaultAction, az: string): FaultAction {
  const followUp = a.followUp;
  if (!followUp) return a;
  return {
    ...a,
    followUp: async (c) => {
      const r = await followUp(c);
      const asg = r.data?.autoScaling as { replacements?: Replacement[] } | undefined;
      const into = (asg?.replacements ?? []).filter((x) => x.az === az).map((x) => x.instanceId);
      if (!asg) return r;
      return {
        ...r,
        detail: into.length
          ? `${r.detail}; the group relaunched into the impaired AZ ${az} (${into.join(', ')})`
          : r.detail,
        data: { ...r.data, autoScaling: { ...asg, impairedAz: az, relaunchedIntoImpairedAz: into } },
      };
    },
  };
}

function plan(f: AzStep, ctx: PlanContext): FaultPlan {
  const db = f.database ? (ctx.resources[f.database] as { type: string; id?: string } | undefined) : undefined;
  const cluster = db?.type === 'aurora-cluster';
  const instanceSelectors = f.resources.map((n) => ctx.resources[n]);
  const services = f.services.map((n) => ctx.resources[n]);
  const ec2 = f.resources.length > 0;
  const iArns = [...new Set(instanceSelectors.flatMap((r) => instanceArns(ctx, r)))];
  const dbCall =
    db?.type === 'rds-instance'
      ? instanceFailoverCall(ctx, db.id, `only if the primary is in ${f.az}`)
      : cluster
        ? clusterFailoverCall(ctx, db?.id, undefined, `to a replica outside ${f.az}, only if the writer is in ${f.az}`)
        : undefined;
  const dbDescribe = cluster
    ? call('rds', 'DescribeDBClusters', ['*'], { note: 'writer AZ and replicas' })
    : call('rds', 'DescribeDBInstances', ['*'], { note: 'primary AZ and Multi-AZ standby' });
  const asg = autoScalingPlanCalls(ctx, f.autoScaling);
  const preflight: AwsCall[] = [
    ...(ec2 ? asg.preflight : []),
    ...resolveInstancesCalls(
      instanceSelectors.find((r) => r?.type === 'ec2-instance' && (r as { targetGroup?: string }).targetGroup),
      `instances of the selectors in ${f.az}`,
    ),
    ...(ec2 ? [call('ec2', 'StopInstances', iArns, { ...tagged(ctx), dryRun: true, note: 'permission check' })] : []),
    ...services.flatMap((r) => resolveServiceCalls(ctx, r)),
    ...(db ? [dbDescribe] : []),
  ];
  const stopTasks = services.map((r) => stopTaskCall(ctx, r, `every selected task in ${f.az}`));
  const stop = call('ec2', 'StopInstances', iArns, { ...tagged(ctx), note: `every selected instance in ${f.az}` });
  const inverse = inversePlan(f, ctx, iArns, db ? (cluster ? 'cluster' : 'instance') : null);
  const dbRecovery = db ? (ctx.lab ? 5 * S : cluster ? 30 * S : 90 * S) : 0;
  const fisActions = [
    ...(ec2 ? [AZ_FIS_ACTIONS.stop] : []),
    ...(services.length ? [AZ_FIS_ACTIONS.stopTasks] : []),
    ...(db?.type === 'rds-instance'
      ? [AZ_FIS_ACTIONS.instanceFailover]
      : cluster
        ? [AZ_FIS_ACTIONS.clusterFailover]
        : []),
  ];
  return {
    title: `impair Availability Zone ${f.az}`,
    ...(services.length
      ? { notes: ['nothing restarts the ECS tasks stopped in the AZ: their services start replacements'] }
      : {}),
    description: `Stops every selected instance${services.length ? ' and ECS task' : ''} in ${f.az}${db ? ` and fails the database ${f.database} over away from it` : ''}${f.fis ? ', through an AWS FIS experiment' : ''}. The FTR RES-004 minimum.`,
    targets: [
      ...f.resources.map((n) => planTarget(ctx, n)),
      ...f.services.map((n) => planTarget(ctx, n)),
      ...(f.database ? [planTarget(ctx, f.database)] : []),
    ],
    preflight,
    inject: [
      ...asg.inject,
      ...(f.fis
        ? fisPermissionCalls(ctx, f.roleArn, true)
        : [...(ec2 ? [stop] : []), ...stopTasks, ...(dbCall ? [dbCall] : [])]),
    ],
    watch: [
      call('ec2', 'DescribeInstances', ['*'], { note: 'instance states' }),
      call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'target states' }),
      ...services.flatMap((r) => ecsWatchCalls(ctx, r).slice(0, 3)),
      ...(db ? [rdsEventsCall, dbDescribe] : []),
      ...(f.fis ? [call('fis', 'GetExperiment', arns(ctx, 'fis', 'experiment/*'))] : []),
      ...asg.watch,
    ],
    inverse: inverse ? { ...inverse, awsCalls: [...inverse.awsCalls, ...asg.inverse] } : null,
    inverseActions: [
      ...(ec2 ? [startInstances.action] : []),
      ...(f.fis ? [stopExperiment.action, deleteTemplate.action] : db ? [awaitAvailable.action] : []),
      ...(services.length ? [awaitService.action] : []),
      ...asg.inverseActions,
    ],
    destructive: true,
    recoveryTypicalMs: Math.max(ctx.lab ? 8 * S : 70 * S, dbRecovery),
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: ctx.lab ? { typical: 3 * S, max: 30 * S } : { typical: 45 * S, max: 5 * M },
    ...(f.fis ? { fisRoleActions: fisRoleActions(fisActions) } : {}),
  };
}

/**
 * az-impairment: the FTR minimum. Stops every selected web instance in one AZ (the ec2-stop
 * action), fails the database over away from that AZ when its primary is there (the rds-failover
 * or aurora-failover action), optionally all through one FIS experiment (the fis-experiment
 * action). Each part is its own step with its own inverse.
 */
export const azImpairmentDefinition = defineFault({
  type: 'az-impairment',
  schema: azImpairmentFault,
  resourceRefs: [
    { key: 'resources', types: ['ec2-instance'], list: true, what: 'az-impairment resources' },
    { key: 'services', types: ['ecs-service'], list: true, what: 'az-impairment services' },
    { key: 'database', types: ['rds-instance', 'aurora-cluster'], what: 'database' },
  ],
  crossCheck(f, c) {
    if (f.fis === true && c.provider === 'aws' && f.roleArn === undefined) {
      c.issue(['fis'], 'fis: true on AWS needs roleArn: the IAM role FIS assumes to stop the instances', f.fis);
    }
  },
  plan,
  async prepare(step, ctx) {
    const ids = idsInAz(step, ctx);
    const scope = await autoScalingScope(step, ctx, ids);
    const direct = directActions(step, ctx, ids, scope);
    const actions = step.fis
      ? viaFis({ id: step.id, type: step.type, az: step.az, direct, roleArn: step.roleArn }, ctx)
      : direct;
    if (actions.length === 0) {
      throw DrillproofError.user('AzNothingToImpair', `fault ${step.id}: nothing selected runs in ${step.az}`, {
        exitCode: 3,
        hint: 'check az and the lists: at least one selected instance (resources), ECS task (services) or the database must run there',
      });
    }
    // The stop (or, through FIS, its restart undo) carries the group handling; it comes first.
    return actions.map((a) =>
      a.stepId === `${step.id}.stop` || a.stepId === `${step.id}.restart`
        ? noteImpairedAzLaunches(withAutoScaling(a, scope, ctx.aws.region), step.az)
        : a,
    );
  },
  inverses: [startInstances, awaitAvailable, stopExperiment, deleteTemplate, resumeProcesses, awaitService],
  affects: (step) => [...step.resources, ...step.services, ...(step.database ? [step.database] : [])],
  // Confirmed part by part: each direct action, or the experiment and the instances it stopped.
  confirm: confirmByAction({
    'ec2:StopInstances': instancesInState(STOPPED_OR_REPLACED),
    'ecs:StopTask': stopTasksConfirmation.check,
    'fis:aws:ec2:stop-instances': instancesInState(STOPPED_OR_REPLACED),
    'rds:RebootDBInstance': instanceFailedOver,
    'rds:FailoverDBCluster': clusterFailedOver,
    'fis:StartExperiment': experimentConfirmed,
  }),
});
