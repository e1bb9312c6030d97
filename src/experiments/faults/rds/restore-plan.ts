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
  if (f.from === 'fresh-snapshot') return 'a snapshot taken now';
  return 'snapshot' in f.from ? `snapshot ${f.from.snapshot}` : `point in time ${f.from.pointInTime}`;
}

/** The ARNs of the snapshot a step restores from (the drill's own for fresh-snapshot). */
function snapshotArns(ctx: PlanContext, f: RdsRestoreStep, restoredPattern: string): string[] {
  if (f.from === 'fresh-snapshot') return arns(ctx, 'rds', `snapshot:${restoredPattern}`);
  const named = typeof f.from === 'object' && 'snapshot' in f.from && known(f.from.snapshot) ? f.from.snapshot : '*';
  return arns(ctx, 'rds', `snapshot:${named}`);
}

/**
 * fresh-snapshot: CreateDBSnapshot of the source (named like the restored instance, by the same
 * rule, so the policy's `snapshot:<source>-dp-*` covers it; tagging on create needs
 * AddTagsToResource on the snapshot), then its status polled until available.
 */
function freshSnapshotCalls(ctx: PlanContext, id: string | undefined, snap: string[]): AwsCall[] {
  return [
    call('rds', 'CreateDBSnapshot', [...snap, ...dbInstanceArns(ctx, id)], {
      note: 'a fresh snapshot of the source, taken after the heartbeat started; not the fault (F is the restore)',
    }),
    call('rds', 'AddTagsToResource', snap, { note: 'the snapshot is tagged with the run id on creation' }),
    call('rds', 'DescribeDBSnapshots', ['*'], { note: 'wait until the snapshot is available' }),
  ];
}

function injectCalls(
  ctx: PlanContext,
  f: RdsRestoreStep,
  o: { cluster: boolean; id: string | undefined; newDb: string[]; newInstance: string[]; snap: string[] },
): AwsCall[] {
  const pointInTime = typeof f.from === 'object' && 'pointInTime' in f.from ? f.from.pointInTime : undefined;
  const snapshot = typeof f.from === 'object' && 'snapshot' in f.from && known(f.from.snapshot) ? f.from.snapshot : '*';
  const inject: AwsCall[] = f.from === 'fresh-snapshot' && !o.cluster ? freshSnapshotCalls(ctx, o.id, o.snap) : [];
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
        ? call('rds', 'RestoreDBInstanceFromDBSnapshot', [...o.newDb, ...o.snap, ...groups])
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
export function rdsRestorePlan(
  f: RdsRestoreStep,
  ctx: PlanContext,
  inverseActions: { instance: string; snapshot: string },
): FaultPlan {
  const r = ctx.resources[f.resource] as { type: string; id?: string } | undefined;
  const cluster = r?.type === 'aurora-cluster';
  const id = r && (r.type === 'rds-instance' || r.type === 'aurora-cluster') ? r.id : undefined;
  const restoredPattern = f.restoredId ?? (known(id) ? restoredDbPattern(id) : '*');
  const source = sourceOf(f);
  const newDb = cluster ? arns(ctx, 'rds', `cluster:${restoredPattern}`) : dbInstanceArns(ctx, restoredPattern);
  const newInstance = dbInstanceArns(ctx, restoredPattern);
  const fresh = f.from === 'fresh-snapshot';
  // The drill's snapshot is named by the naming rule even when restoredId names the instance.
  const snap = snapshotArns(ctx, f, known(id) ? restoredDbPattern(id) : '*');
  const preflight: AwsCall[] = [
    call('rds', cluster ? 'DescribeDBClusters' : 'DescribeDBInstances', ['*'], {
      note: 'source exists; LatestRestorableTime for point-in-time restores',
    }),
  ];
  if (f.from === 'latest-snapshot' || (typeof f.from === 'object' && 'snapshot' in f.from)) {
    preflight.push(
      call('rds', cluster ? 'DescribeDBClusterSnapshots' : 'DescribeDBSnapshots', ['*'], {
        note: 'find the snapshot and its creation time (the RPO basis without heartbeat rows)',
      }),
    );
  }
  const del: AwsCall[] = [call('rds', 'DeleteDBInstance', newInstance, { params: { SkipFinalSnapshot: true } })];
  if (cluster) del.push(call('rds', 'DeleteDBCluster', newDb, { params: { SkipFinalSnapshot: true } }));
  if (fresh) del.push(call('rds', 'DeleteDBSnapshot', snap, { note: 'the snapshot the drill took' }));
  const pitr = typeof f.from === 'object' && 'pointInTime' in f.from;
  const n = f.verify.length;
  return {
    title: `restore ${id ?? f.resource} from ${source}`,
    description: `Restores ${source} to a new ${cluster ? 'cluster' : 'instance'} (${restoredPattern}), waits until it is available, then runs ${n} verification quer${n === 1 ? 'y' : 'ies'}${f.heartbeatProbe ? ` and reads back heartbeat ${f.heartbeatProbe}` : ''}.`,
    targets: [planTarget(ctx, f.resource)],
    preflight,
    inject: injectCalls(ctx, f, { cluster, id, newDb, newInstance, snap }),
    watch: [
      rdsEventsCall,
      call('rds', cluster ? 'DescribeDBClusters' : 'DescribeDBInstances', ['*'], { note: 'restore status' }),
    ],
    inverse: f.keep
      ? null
      : {
          description: `delete the restored database (no final snapshot)${fresh ? ' and the snapshot the drill took' : ''}`,
          awsCalls: del,
        },
    inverseActions: f.keep
      ? []
      : fresh
        ? [inverseActions.snapshot, inverseActions.instance]
        : [inverseActions.instance],
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 5 * S : pitr ? 25 * M : 15 * M,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 2 * S, max: 60 * S },
    notes: [
      ...(f.keep ? [`keep: true, the restored database${fresh ? ' and the snapshot' : ''} are left in place`] : []),
      ...(fresh
        ? ['the snapshot is taken before F: F is the restore request, the snapshot the last backup before it']
        : []),
    ],
    ...(f.connection?.password
      ? { secrets: [{ password: f.connection.password, user: f.connection.user ?? '*' }] }
      : {}),
    recoveredWhen: 'recovered when the restored database is available and answers the verification queries correctly',
  };
}
