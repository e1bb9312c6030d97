import { experimentAction } from './fis/action.js';
import type { FaultAction, FaultContext } from './types.js';

/** The FIS action of each part of the impairment (the experiment role's needs follow from them). */
export const AZ_FIS_ACTIONS = {
  stop: 'aws:ec2:stop-instances',
  instanceFailover: 'aws:rds:reboot-db-instances',
  clusterFailover: 'aws:rds:failover-db-cluster',
  stopTasks: 'aws:ecs:stop-task',
} as const;

/** One experiment template doing what the direct actions would (instances stop, database fails over). */
function templateFor(
  az: string,
  stop: FaultAction | undefined,
  failover: FaultAction | undefined,
  tasks: FaultAction[],
  ctx: FaultContext,
  roleArn: string | undefined,
) {
  const account = ctx.account ?? '000000000000';
  const region = ctx.aws.region;
  const targets: Record<string, unknown> = {};
  const actions: Record<string, unknown> = {};
  if (stop) {
    targets.instances = {
      resourceType: 'aws:ec2:instance',
      resourceArns: stop.targets.map((i) => `arn:aws:ec2:${region}:${account}:instance/${i}`),
      selectionMode: 'ALL',
    };
    actions.stopInstances = { actionId: AZ_FIS_ACTIONS.stop, parameters: {}, targets: { Instances: 'instances' } };
  }
  tasks.forEach((t, i) => {
    targets[`tasks${i}`] = { resourceType: 'aws:ecs:task', resourceArns: t.targets, selectionMode: 'ALL' };
    actions[`stopTasks${i}`] = { actionId: AZ_FIS_ACTIONS.stopTasks, parameters: {}, targets: { Tasks: `tasks${i}` } };
  });
  if (failover) {
    const cluster = failover.action === 'rds:FailoverDBCluster';
    const dbId = failover.targets[0] as string;
    targets.database = {
      resourceType: cluster ? 'aws:rds:cluster' : 'aws:rds:db',
      resourceArns: [`arn:aws:rds:${region}:${account}:${cluster ? 'cluster' : 'db'}:${dbId}`],
      selectionMode: 'ALL',
    };
    actions.failover = cluster
      ? { actionId: AZ_FIS_ACTIONS.clusterFailover, parameters: {}, targets: { Clusters: 'database' } }
      : {
          actionId: AZ_FIS_ACTIONS.instanceFailover,
          parameters: { forceFailover: 'true' },
          targets: { DBInstances: 'database' },
        };
  }
  return {
    description: `drillproof az-impairment of ${az}`,
    // The fault's roleArn is the role iam-policy grants iam:PassRole on; the variable and the
    // default name serve the lab, where validate does not ask for one.
    roleArn: roleArn ?? ctx.env.DRILLPROOF_FIS_ROLE_ARN ?? `arn:aws:iam::${account}:role/drillproof-fis`,
    stopConditions: [{ source: 'none' }],
    targets,
    actions,
    tags: {},
  };
}

/**
 * `fis: true`: the same impairment injected by one AWS FIS experiment (the fis-experiment
 * fault's action on a template built from the direct actions), so the drill also proves the FIS
 * setup. The instances stay stopped after the experiment, so the start-instances inverse is kept
 * (recorded first, drained last) next to the experiment's own.
 */
export function viaFis(
  o: { id: string; type: string; az: string; direct: FaultAction[]; roleArn?: string | undefined },
  ctx: FaultContext,
): FaultAction[] {
  const stop = o.direct.find((a) => a.stepId.endsWith('.stop'));
  const failover = o.direct.find((a) => a.stepId.endsWith('.failover'));
  const tasks = o.direct.filter((a) => a.action === 'ecs:StopTask');
  const template = templateFor(o.az, stop, failover, tasks, ctx, o.roleArn);
  const experiment = experimentAction({ stepId: `${o.id}.fis`, fault: o.type, template }, ctx);
  const out: FaultAction[] = [];
  if (stop) {
    // Only the undo: the stop itself is the experiment's aws:ec2:stop-instances action.
    out.push({
      ...stop,
      stepId: `${o.id}.restart`,
      action: 'fis:aws:ec2:stop-instances',
      run: async () => ({ requestIds: [], response: { via: 'fis experiment', instances: stop.targets } }),
    });
  }
  // The experiment's aws:ecs:stop-task stops the tasks; the ECS watchers and the wait for the
  // replacements stay with a step of their own.
  for (const t of tasks) {
    out.push({
      ...t,
      stepId: `${t.stepId}.replaced`,
      action: 'fis:aws:ecs:stop-task',
      run: async () => ({ requestIds: [], response: { via: 'fis experiment', tasks: t.targets } }),
    });
  }
  out.push(experiment);
  return out;
}
