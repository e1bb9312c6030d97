import type { FisTemplate } from '../fis-template.js';
import { restoredDbPattern } from '../restore-naming.js';
import type { Fault, FaultOf } from '../schema/faults.js';
import { durationMs } from '../schema/helpers.js';
import type { Resource } from '../schema/resources.js';
import {
  arns,
  call,
  dbClusterArns,
  dbInstanceArns,
  instanceArns,
  known,
  type PlanContext,
  tagged,
  targetGroupArns,
} from './context.js';
import { fisTemplateEstimateMs } from './fis-estimate.js';
import { describeSelector } from './selectors.js';
import type { AwsCall, PlanInverse } from './types.js';

/**
 * Per-fault plan descriptors: what the fault does, the AWS calls it makes (preflight, inject,
 * watch), its inverse, and how long it typically takes to recover from. One entry per fault type;
 * the drill engine's fault implementations make exactly these calls.
 */
export interface FaultPlan {
  title: string;
  description: string;
  targets: { resource: string; selector: string }[];
  preflight: AwsCall[];
  inject: AwsCall[];
  watch: AwsCall[];
  inverse: PlanInverse | null;
  destructive: boolean;
  /** Time from injection to users seeing recovery, typically (AWS or lab speeds). */
  recoveryTypicalMs: number;
  /** Time the inject calls themselves take: typical and worst case. */
  injectMs: { typical: number; max: number };
  /** Time the inverse takes: typical and worst case. */
  inverseMs: { typical: number; max: number };
  /** IAM actions the FIS experiment role needs (not the caller). */
  fisRoleActions?: string[];
  notes?: string[];
}

const S = 1000;
const M = 60 * S;

function res(ctx: PlanContext, name: string): Resource | undefined {
  return ctx.scenario.resources[name];
}

function target(ctx: PlanContext, name: string): { resource: string; selector: string } {
  const r = res(ctx, name);
  return { resource: name, selector: r ? describeSelector(r) : name };
}

/** Calls that resolve EC2 selectors: DescribeInstances, plus target health for target-group selectors. */
function resolveInstances(r: Resource | undefined): AwsCall[] {
  const calls = [call('ec2', 'DescribeInstances', ['*'], { note: 'resolve the selector; read tags and AZs' })];
  if (r?.type === 'ec2-instance' && r.targetGroup) {
    calls.push(call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'instances registered in the target group' }));
  }
  return calls;
}

function ec2Watch(ctx: PlanContext, r: Resource | undefined): AwsCall[] {
  const calls = [call('ec2', 'DescribeInstances', ['*'], { note: 'instance states' })];
  const tg = r?.type === 'ec2-instance' ? r.targetGroup : undefined;
  const anyTg = Object.values(ctx.scenario.resources).some((x) => x.type === 'elbv2-target-group');
  if (tg || anyTg) calls.push(call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'target states and reasons' }));
  return calls;
}

const rdsEvents = call('rds', 'DescribeEvents', ['*'], { note: 'RDS events by EventID (failover, restore)' });

function startInstances(ctx: PlanContext, r: Resource | undefined): AwsCall {
  return call('ec2', 'StartInstances', instanceArns(ctx, r), {
    ...tagged(ctx),
    note: 'the instances stopped by this step',
  });
}

function ec2Stop(ctx: PlanContext, f: FaultOf<'ec2-stop'>): FaultPlan {
  const r = res(ctx, f.resource);
  const after = f.startAfter ? ` and starts them again after ${f.startAfter}` : '';
  return {
    title: `stop EC2 instances (${f.resource})`,
    description: `Stops the selected instances${f.force ? ' (force, no OS shutdown)' : ''}${after}.`,
    targets: [target(ctx, f.resource)],
    preflight: [
      ...resolveInstances(r),
      call('ec2', 'StopInstances', instanceArns(ctx, r), { ...tagged(ctx), dryRun: true, note: 'permission check' }),
    ],
    inject: [call('ec2', 'StopInstances', instanceArns(ctx, r), { ...tagged(ctx), params: { Force: f.force } })],
    watch: ec2Watch(ctx, r),
    inverse: { description: 'start the stopped instances', awsCalls: [startInstances(ctx, r)] },
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 8 * S : 70 * S,
    injectMs: { typical: 1 * S, max: 30 * S },
    inverseMs: ctx.lab ? { typical: 2 * S, max: 30 * S } : { typical: 40 * S, max: 5 * M },
  };
}

function ec2Reboot(ctx: PlanContext, f: FaultOf<'ec2-reboot'>): FaultPlan {
  const r = res(ctx, f.resource);
  return {
    title: `reboot EC2 instances (${f.resource})`,
    description: 'Reboots the selected instances; they come back by themselves.',
    targets: [target(ctx, f.resource)],
    preflight: [
      ...resolveInstances(r),
      call('ec2', 'RebootInstances', instanceArns(ctx, r), { ...tagged(ctx), dryRun: true, note: 'permission check' }),
    ],
    inject: [call('ec2', 'RebootInstances', instanceArns(ctx, r), tagged(ctx))],
    watch: ec2Watch(ctx, r),
    inverse: null,
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 8 * S : 90 * S,
    injectMs: { typical: 1 * S, max: 30 * S },
    inverseMs: { typical: 0, max: 0 },
    notes: ['nothing to undo: rebooted instances return by themselves'],
  };
}

function ec2Terminate(ctx: PlanContext, f: FaultOf<'ec2-terminate'>): FaultPlan {
  const r = res(ctx, f.resource);
  return {
    title: `terminate EC2 instances (${f.resource})`,
    description: 'Terminates the selected instances. Cannot be undone: recovery relies on an Auto Scaling group.',
    targets: [target(ctx, f.resource)],
    preflight: [
      ...resolveInstances(r),
      call('ec2', 'TerminateInstances', instanceArns(ctx, r), {
        ...tagged(ctx),
        dryRun: true,
        note: 'permission check',
      }),
    ],
    inject: [call('ec2', 'TerminateInstances', instanceArns(ctx, r), tagged(ctx))],
    watch: ec2Watch(ctx, r),
    inverse: null,
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 10 * S : 5 * M,
    injectMs: { typical: 1 * S, max: 30 * S },
    inverseMs: { typical: 0, max: 0 },
    notes: ['irreversible: rollback cannot bring terminated instances back'],
  };
}

function elbv2Deregister(ctx: PlanContext, f: FaultOf<'elbv2-deregister'>): FaultPlan {
  const r = res(ctx, f.resource);
  const tg = res(ctx, f.targetGroup);
  const tgArns = targetGroupArns(ctx, tg);
  const byName = tg?.type === 'elbv2-target-group' && tg.name !== undefined;
  return {
    title: `deregister instances (${f.resource}) from ${f.targetGroup}`,
    description: 'Removes the selected instances from the target group; traffic drains away from them.',
    targets: [target(ctx, f.resource), target(ctx, f.targetGroup)],
    preflight: [
      ...resolveInstances(r),
      ...(byName ? [call('elbv2', 'DescribeTargetGroups', ['*'], { note: 'find the target group by name' })] : []),
      call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'the instances are registered and healthy' }),
    ],
    inject: [call('elbv2', 'DeregisterTargets', tgArns)],
    watch: [call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'draining / unused states' })],
    inverse: { description: 'register the instances again', awsCalls: [call('elbv2', 'RegisterTargets', tgArns)] },
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 3 * S : 10 * S,
    injectMs: { typical: 1 * S, max: 30 * S },
    inverseMs: ctx.lab ? { typical: 3 * S, max: 30 * S } : { typical: 30 * S, max: 3 * M },
  };
}

function rdsFailover(ctx: PlanContext, f: FaultOf<'rds-failover'>): FaultPlan {
  const r = res(ctx, f.resource);
  const id = r?.type === 'rds-instance' ? r.id : undefined;
  return {
    title: `fail over RDS instance ${id ?? f.resource}`,
    description: 'Reboots the Multi-AZ DB instance with failover: the standby in the other AZ becomes primary.',
    targets: [target(ctx, f.resource)],
    preflight: [call('rds', 'DescribeDBInstances', ['*'], { note: 'instance available and Multi-AZ' })],
    inject: [
      call('rds', 'RebootDBInstance', dbInstanceArns(ctx, id), { ...tagged(ctx), params: { ForceFailover: true } }),
    ],
    watch: [rdsEvents, call('rds', 'DescribeDBInstances', ['*'], { note: 'status and AZ' })],
    inverse: null,
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 5 * S : 90 * S,
    injectMs: { typical: 1 * S, max: 30 * S },
    inverseMs: { typical: 0, max: 0 },
    notes: ['nothing to undo: the former standby stays primary (fail back with another drill if needed)'],
  };
}

function auroraFailover(ctx: PlanContext, f: FaultOf<'aurora-failover'>): FaultPlan {
  const r = res(ctx, f.resource);
  const id = r?.type === 'aurora-cluster' ? r.id : undefined;
  return {
    title: `fail over Aurora cluster ${id ?? f.resource}`,
    description: `Promotes ${f.targetInstance ? `replica ${f.targetInstance}` : 'a replica'} to writer.`,
    targets: [target(ctx, f.resource)],
    preflight: [call('rds', 'DescribeDBClusters', ['*'], { note: 'cluster available with at least one replica' })],
    inject: [
      call('rds', 'FailoverDBCluster', dbClusterArns(ctx, id), {
        ...tagged(ctx),
        params: f.targetInstance ? { TargetDBInstanceIdentifier: f.targetInstance } : {},
      }),
    ],
    watch: [rdsEvents, call('rds', 'DescribeDBClusters', ['*'], { note: 'writer and members' })],
    inverse: null,
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 5 * S : 30 * S,
    injectMs: { typical: 1 * S, max: 30 * S },
    inverseMs: { typical: 0, max: 0 },
    notes: ['nothing to undo: the promoted replica stays writer'],
  };
}

function rdsRestore(ctx: PlanContext, f: FaultOf<'rds-restore'>): FaultPlan {
  const r = res(ctx, f.resource);
  const cluster = r?.type === 'aurora-cluster';
  const id = r && (r.type === 'rds-instance' || r.type === 'aurora-cluster') ? r.id : undefined;
  const restoredPattern = f.restoredId ?? (known(id) ? restoredDbPattern(id) : '*');
  const pointInTime = typeof f.from === 'object' && 'pointInTime' in f.from ? f.from.pointInTime : undefined;
  const fromSnapshot = pointInTime === undefined;
  const snapshotName =
    typeof f.from === 'object' && 'snapshot' in f.from && known(f.from.snapshot) ? f.from.snapshot : '*';
  const source =
    f.from === 'latest-snapshot'
      ? 'the latest snapshot'
      : 'snapshot' in f.from
        ? `snapshot ${f.from.snapshot}`
        : `point in time ${f.from.pointInTime}`;
  const newDb = cluster ? arns(ctx, 'rds', `cluster:${restoredPattern}`) : dbInstanceArns(ctx, restoredPattern);
  const newInstance = dbInstanceArns(ctx, restoredPattern);
  const preflight: AwsCall[] = [
    call('rds', cluster ? 'DescribeDBClusters' : 'DescribeDBInstances', ['*'], {
      note: 'source exists; LatestRestorableTime for point-in-time restores',
    }),
  ];
  if (f.from === 'latest-snapshot') {
    preflight.push(
      call('rds', cluster ? 'DescribeDBClusterSnapshots' : 'DescribeDBSnapshots', ['*'], {
        note: 'find the latest snapshot',
      }),
    );
  }
  const inject: AwsCall[] = [];
  if (cluster) {
    inject.push(
      fromSnapshot
        ? call('rds', 'RestoreDBClusterFromSnapshot', [
            ...newDb,
            ...arns(ctx, 'rds', `cluster-snapshot:${snapshotName}`),
          ])
        : call('rds', 'RestoreDBClusterToPointInTime', [...newDb, ...dbClusterArns(ctx, id)], {
            params: { RestoreType: 'full-copy' },
          }),
      call('rds', 'CreateDBInstance', [...newInstance, ...newDb], {
        note: 'a writer instance in the restored cluster',
      }),
    );
  } else {
    // AWS authorizes an instance restore on the option, parameter and subnet groups it uses too
    // (service authorization reference: og, pg and subgrp are required resource types).
    const groups = ['og:*', 'pg:*', 'subgrp:*'].flatMap((g) => arns(ctx, 'rds', g));
    inject.push(
      fromSnapshot
        ? call('rds', 'RestoreDBInstanceFromDBSnapshot', [
            ...newDb,
            ...arns(ctx, 'rds', `snapshot:${snapshotName}`),
            ...groups,
          ])
        : call('rds', 'RestoreDBInstanceToPointInTime', [...newDb, ...dbInstanceArns(ctx, id), ...groups], {
            params: pointInTime === 'latest' ? { UseLatestRestorableTime: true } : { RestoreTime: pointInTime },
          }),
    );
  }
  inject.push(
    call('rds', 'AddTagsToResource', newDb, { note: 'tag the restore with the run id so leftovers can be found' }),
  );
  const del: AwsCall[] = [call('rds', 'DeleteDBInstance', newInstance, { params: { SkipFinalSnapshot: true } })];
  if (cluster) del.push(call('rds', 'DeleteDBCluster', newDb, { params: { SkipFinalSnapshot: true } }));
  const pitr = !fromSnapshot;
  return {
    title: `restore ${id ?? f.resource} from ${source}`,
    description: `Restores ${source} to a new ${cluster ? 'cluster' : 'instance'} (${restoredPattern}), waits until it is available, then runs ${f.verify.length} verification quer${f.verify.length === 1 ? 'y' : 'ies'}${f.heartbeatProbe ? ` and reads back heartbeat ${f.heartbeatProbe}` : ''}.`,
    targets: [target(ctx, f.resource)],
    preflight,
    inject,
    watch: [
      rdsEvents,
      call('rds', cluster ? 'DescribeDBClusters' : 'DescribeDBInstances', ['*'], { note: 'restore status' }),
    ],
    inverse: f.keep ? null : { description: 'delete the restored database (no final snapshot)', awsCalls: del },
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 5 * S : pitr ? 25 * M : 15 * M,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 2 * S, max: 60 * S },
    notes: f.keep ? ['keep: true, the restored database is left in place'] : [],
  };
}

function fisPermissions(
  ctx: PlanContext,
  roleArn: string | undefined,
  creates: boolean,
  templateId?: string,
): AwsCall[] {
  const calls: AwsCall[] = [];
  const templateArns = arns(ctx, 'fis', `experiment-template/${known(templateId) ? templateId : '*'}`);
  if (creates) {
    calls.push(
      call('fis', 'CreateExperimentTemplate', [
        ...arns(ctx, 'fis', 'experiment-template/*'),
        ...arns(ctx, 'fis', 'action/*'),
      ]),
      call('iam', 'PassRole', [known(roleArn) && !/<[^>]+>/.test(roleArn) ? roleArn : '*'], {
        note: 'FIS assumes the experiment role',
      }),
    );
  }
  calls.push(
    call('fis', 'StartExperiment', [...templateArns, ...arns(ctx, 'fis', 'experiment/*')]),
    call('fis', 'TagResource', arns(ctx, 'fis', 'experiment/*'), { note: 'tag the experiment with the run id' }),
  );
  return calls;
}

function fisInverse(ctx: PlanContext, creates: boolean): PlanInverse {
  const calls = [
    call('fis', 'ListExperiments', ['*'], { note: 'find the run-tagged experiment after a crash' }),
    call('fis', 'GetExperiment', arns(ctx, 'fis', 'experiment/*'), { note: 'is it still running?' }),
    call('fis', 'StopExperiment', arns(ctx, 'fis', 'experiment/*'), { note: 'only if still running' }),
  ];
  if (creates) calls.push(call('fis', 'DeleteExperimentTemplate', arns(ctx, 'fis', 'experiment-template/*')));
  return {
    description: `stop the experiment if it is still running${creates ? ', delete the template drillproof created' : ''}`,
    awsCalls: calls,
  };
}

function fisExperiment(
  ctx: PlanContext,
  f: FaultOf<'fis-experiment'>,
  templates: Record<string, FisTemplate>,
): FaultPlan {
  const template = f.template ?? templates[f.id];
  const creates = f.templateId === undefined;
  const roleArn = f.roleArn ?? template?.roleArn;
  const actions = template ? Object.values(template.actions).map((a) => a.actionId) : [];
  const est = template ? fisTemplateEstimateMs(template) : 60 * S;
  const what = f.templateId
    ? `template ${f.templateId}`
    : f.templateFile
      ? `template file ${f.templateFile}`
      : 'the inline template';
  return {
    title: `run FIS experiment (${what})`,
    description: template
      ? `Runs ${actions.length} FIS action${actions.length === 1 ? '' : 's'} (${[...new Set(actions)].join(', ')}); tagged with the run id.`
      : `Starts an experiment from FIS ${what}; tagged with the run id.`,
    targets: template
      ? Object.entries(template.targets).map(([n, t]) => ({
          resource: n,
          selector: `${t.resourceType} ${
            t.resourceArns
              ? `arns ${t.resourceArns.join(', ')}`
              : t.resourceTags
                ? `tagged ${Object.entries(t.resourceTags)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}`
                : ''
          } (${t.selectionMode})`,
        }))
      : [],
    preflight: f.templateId
      ? [
          call(
            'fis',
            'GetExperimentTemplate',
            arns(ctx, 'fis', `experiment-template/${known(f.templateId) ? f.templateId : '*'}`),
          ),
        ]
      : [],
    inject: fisPermissions(ctx, roleArn, creates, f.templateId),
    watch: [call('fis', 'GetExperiment', arns(ctx, 'fis', 'experiment/*'), { note: 'experiment and action states' })],
    inverse: fisInverse(ctx, creates),
    destructive: true,
    recoveryTypicalMs: ctx.lab ? Math.min(est, 20 * S) : est,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 5 * S, max: 2 * M },
    fisRoleActions: [...new Set(actions.flatMap((a) => fisRoleActionsFor(a)))].sort(),
  };
}

function fisRoleActionsFor(actionId: string): string[] {
  const table: Record<string, string[]> = {
    'aws:ec2:stop-instances': ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances'],
    'aws:ec2:reboot-instances': ['ec2:RebootInstances', 'ec2:DescribeInstances'],
    'aws:ec2:terminate-instances': ['ec2:TerminateInstances', 'ec2:DescribeInstances'],
    'aws:rds:failover-db-cluster': ['rds:FailoverDBCluster', 'rds:DescribeDBClusters', 'tag:GetResources'],
    'aws:rds:reboot-db-instances': ['rds:RebootDBInstance', 'rds:DescribeDBInstances', 'tag:GetResources'],
    'aws:cloudwatch:assert-alarm-state': ['cloudwatch:DescribeAlarms'],
  };
  return table[actionId] ?? [];
}

function azImpairment(ctx: PlanContext, f: FaultOf<'az-impairment'>): FaultPlan {
  const db = f.database ? res(ctx, f.database) : undefined;
  const instanceCalls = f.resources.map((n) => res(ctx, n));
  const iArns = [...new Set(instanceCalls.flatMap((r) => instanceArns(ctx, r)))];
  const dbCall =
    db?.type === 'rds-instance'
      ? call('rds', 'RebootDBInstance', dbInstanceArns(ctx, db.id), {
          ...tagged(ctx),
          params: { ForceFailover: true },
          note: `only if the primary is in ${f.az}`,
        })
      : db?.type === 'aurora-cluster'
        ? call('rds', 'FailoverDBCluster', dbClusterArns(ctx, db.id), {
            ...tagged(ctx),
            note: `to a replica outside ${f.az}, only if the writer is in ${f.az}`,
          })
        : undefined;
  const dbDescribe =
    db?.type === 'aurora-cluster'
      ? call('rds', 'DescribeDBClusters', ['*'], { note: 'writer AZ and replicas' })
      : call('rds', 'DescribeDBInstances', ['*'], { note: 'primary AZ and Multi-AZ standby' });
  const preflight: AwsCall[] = [
    call('ec2', 'DescribeInstances', ['*'], { note: `instances of the selectors in ${f.az}` }),
    ...(instanceCalls.some((r) => r?.type === 'ec2-instance' && r.targetGroup)
      ? [call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'instances registered in the target group' })]
      : []),
    call('ec2', 'StopInstances', iArns, { ...tagged(ctx), dryRun: true, note: 'permission check' }),
    ...(db ? [dbDescribe] : []),
  ];
  const stop = call('ec2', 'StopInstances', iArns, { ...tagged(ctx), note: `every selected instance in ${f.az}` });
  const inject: AwsCall[] = f.fis ? fisPermissions(ctx, f.roleArn, true) : [stop, ...(dbCall ? [dbCall] : [])];
  const start = call('ec2', 'StartInstances', iArns, { ...tagged(ctx), note: 'the instances stopped in the AZ' });
  const inverse: PlanInverse = f.fis
    ? {
        description: `${fisInverse(ctx, true).description}; start the instances stopped in ${f.az}`,
        awsCalls: [...fisInverse(ctx, true).awsCalls, start],
      }
    : {
        description: `start the instances stopped in ${f.az} (the database stays on its new primary)`,
        awsCalls: [start],
      };
  const dbRecovery = db ? (ctx.lab ? 5 * S : db.type === 'aurora-cluster' ? 30 * S : 90 * S) : 0;
  return {
    title: `impair Availability Zone ${f.az}`,
    description: `Stops every selected instance in ${f.az}${db ? ` and fails the database ${f.database} over away from it` : ''}${f.fis ? ', through an AWS FIS experiment' : ''}. The FTR RES-004 minimum.`,
    targets: [...f.resources.map((n) => target(ctx, n)), ...(f.database ? [target(ctx, f.database)] : [])],
    preflight,
    inject,
    watch: [
      call('ec2', 'DescribeInstances', ['*'], { note: 'instance states' }),
      call('elbv2', 'DescribeTargetHealth', ['*'], { note: 'target states' }),
      ...(db ? [rdsEvents, dbDescribe] : []),
      ...(f.fis ? [call('fis', 'GetExperiment', arns(ctx, 'fis', 'experiment/*'))] : []),
    ],
    inverse,
    destructive: true,
    recoveryTypicalMs: Math.max(ctx.lab ? 8 * S : 70 * S, dbRecovery),
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: ctx.lab ? { typical: 3 * S, max: 30 * S } : { typical: 45 * S, max: 5 * M },
    ...(f.fis
      ? {
          fisRoleActions: [
            'ec2:DescribeInstances',
            'ec2:StartInstances',
            'ec2:StopInstances',
            ...(db?.type === 'rds-instance'
              ? ['rds:DescribeDBInstances', 'rds:RebootDBInstance', 'tag:GetResources']
              : []),
            ...(db?.type === 'aurora-cluster'
              ? ['rds:DescribeDBClusters', 'rds:FailoverDBCluster', 'tag:GetResources']
              : []),
          ],
        }
      : {}),
  };
}

function exec(_ctx: PlanContext, f: FaultOf<'exec'>): FaultPlan {
  const t = durationMs(f.timeout);
  return {
    title: `run ${f.command[0]}`,
    description: `Runs ${JSON.stringify(f.command)} (no shell, timeout ${f.timeout}).`,
    targets: [],
    preflight: [],
    inject: [],
    watch: [],
    inverse: f.inverse ? { description: `run ${JSON.stringify(f.inverse)}`, awsCalls: [], command: f.inverse } : null,
    destructive: true,
    recoveryTypicalMs: 10 * S,
    injectMs: { typical: Math.min(t, 1 * S), max: t },
    inverseMs: f.inverse ? { typical: Math.min(t, 1 * S), max: t } : { typical: 0, max: 0 },
    notes: f.inverse ? [] : ['no inverse: rollback does not undo this command'],
  };
}

function http(_ctx: PlanContext, f: FaultOf<'http'>): FaultPlan {
  const t = durationMs(f.timeout);
  const inv = f.inverse;
  return {
    title: `${f.method} ${f.url}`,
    description: `Calls ${f.method} ${f.url}, expecting status ${f.expectStatus.join(' or ')}.`,
    targets: [],
    preflight: [],
    inject: [],
    watch: [],
    inverse: inv
      ? { description: `call ${inv.method} ${inv.url}`, awsCalls: [], http: { method: inv.method, url: inv.url } }
      : null,
    destructive: true,
    recoveryTypicalMs: 10 * S,
    injectMs: { typical: Math.min(t, 1 * S), max: t },
    inverseMs: inv ? { typical: 1 * S, max: durationMs(inv.timeout) } : { typical: 0, max: 0 },
    notes: inv ? [] : ['no inverse: rollback does not undo this call'],
  };
}

/** The plan descriptor of one fault. */
export function planFault(ctx: PlanContext, f: Fault, templates: Record<string, FisTemplate>): FaultPlan {
  switch (f.type) {
    case 'ec2-stop':
      return ec2Stop(ctx, f);
    case 'ec2-reboot':
      return ec2Reboot(ctx, f);
    case 'ec2-terminate':
      return ec2Terminate(ctx, f);
    case 'elbv2-deregister':
      return elbv2Deregister(ctx, f);
    case 'rds-failover':
      return rdsFailover(ctx, f);
    case 'aurora-failover':
      return auroraFailover(ctx, f);
    case 'rds-restore':
      return rdsRestore(ctx, f);
    case 'fis-experiment':
      return fisExperiment(ctx, f, templates);
    case 'az-impairment':
      return azImpairment(ctx, f);
    case 'exec':
      return exec(ctx, f);
    case 'http':
      return http(ctx, f);
  }
}
