import { arns, call, known, type PlanContext } from '../../plan/context.js';
import type { AwsCall, FaultPlan } from '../../plan/types.js';
import { dbClusterArns } from '../../resources/aurora-cluster.js';
import { dbInstanceArns } from '../../resources/rds-instance.js';
import { M, planTarget, S } from '../step.js';
import { rdsEventsCall } from './failover.js';
import { restoredDbPattern } from './restore-naming.js';
import type { RdsRestoreStep } from './restore-schema.js';

function sourceOf(f: RdsRestoreStep): string {
  if (f.from === 'latest-snapshot') return 'the latest snapshot';
  return 'snapshot' in f.from ? `snapshot ${f.from.snapshot}` : `point in time ${f.from.pointInTime}`;
}

function injectCalls(
  ctx: PlanContext,
  f: RdsRestoreStep,
  o: { cluster: boolean; id: string | undefined; newDb: string[]; newInstance: string[] },
): AwsCall[] {
  const pointInTime = typeof f.from === 'object' && 'pointInTime' in f.from ? f.from.pointInTime : undefined;
  const snapshot = typeof f.from === 'object' && 'snapshot' in f.from && known(f.from.snapshot) ? f.from.snapshot : '*';
  const inject: AwsCall[] = [];
  if (o.cluster) {
    inject.push(
      pointInTime === undefined
        ? call('rds', 'RestoreDBClusterFromSnapshot', [...o.newDb, ...arns(ctx, 'rds', `cluster-snapshot:${snapshot}`)])
        : call('rds', 'RestoreDBClusterToPointInTime', [...o.newDb, ...dbClusterArns(ctx, o.id)], {
            params: { RestoreType: 'full-copy' },
          }),
      call('rds', 'CreateDBInstance', [...o.newInstance, ...o.newDb], {
        note: 'a writer instance in the restored cluster',
      }),
    );
  } else {
    // AWS authorizes an instance restore on the option, parameter and subnet groups it uses too
    // (service authorization reference: og, pg and subgrp are required resource types).
    const groups = ['og:*', 'pg:*', 'subgrp:*'].flatMap((g) => arns(ctx, 'rds', g));
    inject.push(
      pointInTime === undefined
        ? call('rds', 'RestoreDBInstanceFromDBSnapshot', [
            ...o.newDb,
            ...arns(ctx, 'rds', `snapshot:${snapshot}`),
            ...groups,
          ])
        : call('rds', 'RestoreDBInstanceToPointInTime', [...o.newDb, ...dbInstanceArns(ctx, o.id), ...groups], {
            params: pointInTime === 'latest' ? { UseLatestRestorableTime: true } : { RestoreTime: pointInTime },
          }),
    );
  }
  inject.push(
    call('rds', 'AddTagsToResource', o.newDb, { note: 'tag the restore with the run id so leftovers can be found' }),
  );
  return inject;
}

/** The plan of an rds-restore step. */
export function rdsRestorePlan(f: RdsRestoreStep, ctx: PlanContext, inverseAction: string): FaultPlan {
  const r = ctx.resources[f.resource] as { type: string; id?: string } | undefined;
  const cluster = r?.type === 'aurora-cluster';
  const id = r && (r.type === 'rds-instance' || r.type === 'aurora-cluster') ? r.id : undefined;
  const restoredPattern = f.restoredId ?? (known(id) ? restoredDbPattern(id) : '*');
  const source = sourceOf(f);
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
  const del: AwsCall[] = [call('rds', 'DeleteDBInstance', newInstance, { params: { SkipFinalSnapshot: true } })];
  if (cluster) del.push(call('rds', 'DeleteDBCluster', newDb, { params: { SkipFinalSnapshot: true } }));
  const pitr = typeof f.from === 'object' && 'pointInTime' in f.from;
  const n = f.verify.length;
  return {
    title: `restore ${id ?? f.resource} from ${source}`,
    description: `Restores ${source} to a new ${cluster ? 'cluster' : 'instance'} (${restoredPattern}), waits until it is available, then runs ${n} verification quer${n === 1 ? 'y' : 'ies'}${f.heartbeatProbe ? ` and reads back heartbeat ${f.heartbeatProbe}` : ''}.`,
    targets: [planTarget(ctx, f.resource)],
    preflight,
    inject: injectCalls(ctx, f, { cluster, id, newDb, newInstance }),
    watch: [
      rdsEventsCall,
      call('rds', cluster ? 'DescribeDBClusters' : 'DescribeDBInstances', ['*'], { note: 'restore status' }),
    ],
    inverse: f.keep ? null : { description: 'delete the restored database (no final snapshot)', awsCalls: del },
    inverseActions: f.keep ? [] : [inverseAction],
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 5 * S : pitr ? 25 * M : 15 * M,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 2 * S, max: 60 * S },
    notes: f.keep ? ['keep: true, the restored database is left in place'] : [],
    ...(f.connection?.password
      ? { secrets: [{ password: f.connection.password, user: f.connection.user ?? '*' }] }
      : {}),
    recoveredWhen: 'recovered when the restored database is available and answers the verification queries correctly',
  };
}
