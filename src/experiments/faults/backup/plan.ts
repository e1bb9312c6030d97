import { arns, call, known, type PlanContext } from '../../plan/context.js';
import type { AwsCall, FaultPlan } from '../../plan/types.js';
import { dbClusterArns } from '../../resources/aurora-cluster.js';
import { dbInstanceArns } from '../../resources/rds-instance.js';
import { rdsEventsCall } from '../rds/failover.js';
import { restoredDbPattern } from '../rds/restore-naming.js';
import { M, planTarget, S } from '../step.js';
import { sourceNameOf } from './choose.js';
import type { BackupRestoreStep } from './schema.js';

function sourceOf(f: BackupRestoreStep, ctx: PlanContext): string | undefined {
  if (f.resourceArn) return f.resourceArn;
  const r = f.resource ? (ctx.resources[f.resource] as { type: string; id?: string } | undefined) : undefined;
  if (r?.type === 'aurora-cluster' && known(r.id)) return dbClusterArns(ctx, r.id)[0];
  return r?.type === 'rds-instance' && known(r.id) ? dbInstanceArns(ctx, r.id)[0] : undefined;
}

function choiceText(f: BackupRestoreStep): string {
  const c = f.recoveryPoint;
  if (c === 'latest') return 'the latest recovery point';
  return 'before' in c ? `the newest recovery point before ${c.before}` : `recovery point ${c.arn}`;
}

/**
 * Aurora: AWS Backup restores the cluster only; the drill creates an instance in it
 * (rds:CreateDBInstance is authorized on the instance and on the cluster), verifies through the
 * cluster endpoint, and its undo deletes the instance, then the cluster.
 */
function auroraCalls(ctx: PlanContext, pattern: string) {
  const db = dbInstanceArns(ctx, pattern);
  const cluster = dbClusterArns(ctx, pattern);
  return {
    watch: [
      call('rds', 'DescribeDBClusters', ['*'], { note: 'the restored cluster is available, with no instance' }),
      call('rds', 'CreateDBInstance', [...db, ...cluster], {
        params: { DBClusterIdentifier: pattern },
        note: 'an instance in the restored cluster',
      }),
      call('rds', 'DescribeDBInstances', ['*'], { note: 'the instance is available' }),
      rdsEventsCall,
    ],
    inverse: [
      call('rds', 'DescribeDBInstances', ['*'], { note: 'the instances of the restored cluster' }),
      call('rds', 'DeleteDBInstance', db, { params: { SkipFinalSnapshot: true } }),
      // The authorization data lists cluster-snapshot as required too (the final snapshot, skipped here).
      call('rds', 'DeleteDBCluster', [...cluster, ...arns(ctx, 'rds', `cluster-snapshot:${pattern}`)], {
        params: { SkipFinalSnapshot: true },
      }),
      call('rds', 'DescribeDBClusters', ['*'], { note: 'the cluster is gone' }),
    ],
  };
}

/**
 * IAM names a recovery point by its own service's ARN (RDS: the snapshot AWS Backup took, Aurora:
 * the cluster snapshot); the authorization data gives the account as `*`. A DynamoDB recovery
 * point is a DynamoDB backup (`table/<t>/backup/<id>`) unless the table uses AWS Backup's advanced
 * features (a Backup recovery point ARN): both are allowed.
 */
function recoveryPointArns(f: BackupRestoreStep, ctx: PlanContext): string[] {
  if (typeof f.recoveryPoint === 'object' && 'arn' in f.recoveryPoint) return [f.recoveryPoint.arn];
  if (f.resourceType === 'dynamodb-table') {
    return [`arn:aws:backup:${ctx.region}:*:recovery-point:*`, `arn:aws:dynamodb:${ctx.region}:*:table/*/backup/*`];
  }
  return [`arn:aws:rds:${ctx.region}:*:${f.resourceType === 'aurora-cluster' ? 'cluster-snapshot' : 'snapshot'}:*`];
}

function watchCalls(ddb: boolean, restored: string[], au: ReturnType<typeof auroraCalls> | undefined): AwsCall[] {
  return [
    call('backup', 'DescribeRestoreJob', ['*'], { note: 'restore job status and percent done' }),
    ...(au
      ? au.watch
      : ddb
        ? [
            call('dynamodb', 'DescribeTable', restored, { note: 'the restored table is ACTIVE' }),
            call('dynamodb', 'Scan', restored, { params: { Select: 'COUNT' }, note: 'count the restored items' }),
          ]
        : [call('rds', 'DescribeDBInstances', ['*'], { note: 'the restored instance is available' }), rdsEventsCall]),
    call('backup', 'PutRestoreValidationResult', ['*'], { note: 'report the verification to AWS Backup' }),
  ];
}

const KIND_WORD = { 'dynamodb-table': 'table', 'aurora-cluster': 'cluster', 'rds-instance': 'instance' } as const;

/** The plan of a backup-restore step: the Backup calls, iam:PassRole, the check and the cleanup. */
export function backupRestorePlan(f: BackupRestoreStep, ctx: PlanContext, inverseActions: string[]): FaultPlan {
  const ddb = f.resourceType === 'dynamodb-table';
  const aurora = f.resourceType === 'aurora-cluster';
  const src = sourceOf(f, ctx);
  const srcName = src ? sourceNameOf(src) : undefined;
  const pattern = f.restoredName ?? (srcName && known(srcName) ? restoredDbPattern(srcName) : '*');
  // A vault only run time knows (a `${...}` reference): any vault, never the reference as a name.
  const vault = arns(ctx, 'backup', `backup-vault:${known(f.vault) ? f.vault : '*'}`);
  const point = recoveryPointArns(f, ctx);
  const role = known(f.iamRoleArn) ? [f.iamRoleArn] : ctx.accounts.map((a) => `arn:aws:iam::${a}:role/*`);
  const restored = ddb ? arns(ctx, 'dynamodb', `table/${pattern}`) : dbInstanceArns(ctx, pattern);
  const au = aurora ? auroraCalls(ctx, pattern) : undefined;
  const preflight: AwsCall[] = [
    typeof f.recoveryPoint === 'object' && 'arn' in f.recoveryPoint
      ? call('backup', 'DescribeRecoveryPoint', point, { note: 'the named recovery point is completed' })
      : call('backup', 'ListRecoveryPointsByBackupVault', vault, { note: 'choose the recovery point' }),
  ];
  const inject: AwsCall[] = [
    call('backup', 'GetRecoveryPointRestoreMetadata', point, { note: 'the configuration at backup time' }),
    call('backup', 'StartRestoreJob', point, {
      params: { ResourceType: ddb ? 'DynamoDB' : aurora ? 'Aurora' : 'RDS' },
    }),
    call('iam', 'PassRole', role, {
      note: 'AWS Backup restores as this role',
      iamAction: 'iam:PassRole',
      passedToService: 'backup.amazonaws.com',
    }),
  ];
  const watch = watchCalls(ddb, restored, au);
  const del = ddb
    ? call('dynamodb', 'DeleteTable', restored)
    : call('rds', 'DeleteDBInstance', restored, { params: { SkipFinalSnapshot: true } });
  const n = f.verify.length;
  const kind = KIND_WORD[f.resourceType as keyof typeof KIND_WORD] ?? 'resource';
  const what = ddb
    ? `at least ${f.minItems} item(s) in the ACTIVE table`
    : `${n} verification quer${n === 1 ? 'y' : 'ies'}${f.heartbeatProbe ? ` and heartbeat ${f.heartbeatProbe}` : ''}`;
  return {
    title: `restore ${srcName ?? f.resource ?? 'a resource'} from AWS Backup vault ${f.vault}`,
    description: `Restores ${choiceText(f)} to a new ${kind} (${pattern}) with StartRestoreJob, follows the job, ${aurora ? 'creates an instance in the restored cluster (AWS Backup makes none), ' : ''}checks ${what}${aurora ? ' through the cluster endpoint' : ''}, and reports the result with PutRestoreValidationResult.`,
    targets: f.resource ? [planTarget(ctx, f.resource)] : [{ resource: srcName ?? '?', selector: src ?? '?' }],
    preflight,
    inject,
    watch,
    inverse: f.keep
      ? null
      : {
          description: `wait for the restore job to end (it cannot be cancelled), then delete the restored ${ddb ? 'table' : aurora ? "cluster's instances, then the cluster" : 'database'}`,
          awsCalls: [
            call('backup', 'DescribeRestoreJob', ['*'], { note: 'the job has ended' }),
            ...(au ? au.inverse : [del]),
          ],
        },
    inverseActions: f.keep ? [] : inverseActions,
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 10 * S : ddb ? 20 * M : 30 * M,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 5 * S, max: 10 * M },
    notes: f.keep ? ['keep: true, the restored resource is left in place'] : [],
    ...(f.connection?.password
      ? { secrets: [{ password: f.connection.password, user: f.connection.user ?? '*' }] }
      : {}),
    recoveredWhen: 'recovered when the restore job is COMPLETED and the restored resource passes verification',
  };
}
