import { DrillproofError } from '../../../errors.js';
import { resolvedOf } from '../../resources/registry.js';
import type { CrossCheckContext, FaultConfirmation } from '../definition.js';
import { defineFault } from '../definition.js';
import { deleteTable } from '../dynamodb/restore.js';
import { deleteInstance, requireDatabaseProbe } from '../rds/restore.js';
import type { FaultAction, FaultContext } from '../types.js';
import { deleteRestoredCluster } from './aurora.js';
import { restoredName, sourceNameOf } from './choose.js';
import { backupRestoreLeftovers, deleteRestored, deleteSpecOf } from './inverses.js';
import { backupRestorePlan } from './plan.js';
import { type BackupRun, backupPreflight, startBackupRestore, verifyBackupRestore } from './run.js';
import { backupRestoreFault, SUPPORTED_BACKUP_TYPES } from './schema.js';

const supported = (t: unknown): t is BackupRun['step']['resourceType'] =>
  (SUPPORTED_BACKUP_TYPES as readonly unknown[]).includes(t);

function crossCheck(f: Record<string, unknown>, c: CrossCheckContext): void {
  if (typeof f.resourceType === 'string' && !supported(f.resourceType)) {
    c.issue(
      ['resourceType'],
      `backup-restore of ${f.resourceType} is not supported yet: use rds-instance, aurora-cluster or dynamodb-table`,
      f.resourceType,
    );
  }
  if (f.resourceType === 'rds-instance' && f.resource === undefined && f.resourceArn === undefined) {
    c.issue(['resource'], 'name the backed-up database: resource (an rds-instance) or resourceArn', f.resource);
  }
  if (f.resourceType === 'aurora-cluster' && f.resource === undefined && f.resourceArn === undefined) {
    c.issue(['resource'], 'name the backed-up cluster: resource (an aurora-cluster) or resourceArn', f.resource);
  }
  const hb = typeof f.heartbeatProbe === 'string' ? f.heartbeatProbe : undefined;
  if (hb !== undefined) {
    const p = c.probes.find((x) => x.name === hb);
    if (!p) c.probeRef(hb, ['heartbeatProbe']);
    else if (!c.isHeartbeat(p.type))
      c.issue(['heartbeatProbe'], `heartbeatProbe "${hb}" is a ${String(p.type)} probe, not a heartbeat`, hb);
  }
  if (f.resourceType === 'rds-instance' || f.resourceType === 'aurora-cluster') requireDatabaseProbe(f, c);
}

/** Confirmed: AWS Backup says the restore job COMPLETED and the restored resource is available. */
const confirm: FaultConfirmation = {
  async check(action: FaultAction, ctx: FaultContext) {
    // What run learned comes through basis(), as for every fault module.
    const b = action.basis?.() ?? {};
    const jobId = typeof b.restoreJobId === 'string' ? b.restoreJobId : undefined;
    const newId = action.targets[1] as string;
    if (!jobId) return { status: 'not-confirmed', detail: 'no restore job was started', answers: [] };
    const job = await ctx.aws.backup.describeRestoreJob({ RestoreJobId: jobId });
    const answers: unknown[] = [
      {
        restoreJobId: jobId,
        status: job.Status,
        percentDone: job.PercentDone,
        createdResourceArn: job.CreatedResourceArn,
      },
    ];
    if (job.Status === 'FAILED' || job.Status === 'ABORTED') {
      return { status: 'declined', detail: `restore job ${job.Status}: ${job.StatusMessage ?? ''}`, answers };
    }
    if (job.Status !== 'COMPLETED') return { status: 'not-confirmed', detail: `restore job is ${job.Status}`, answers };
    let state: string | undefined;
    if (b.resourceType === 'dynamodb-table') {
      state = (await ctx.aws.dynamodb.describeTable({ TableName: newId })).Table?.TableStatus;
    } else if (b.resourceType === 'aurora-cluster') {
      state = (await ctx.aws.rds.describeDBClusters({ DBClusterIdentifier: newId })).DBClusters?.[0]?.Status;
    } else {
      state = (await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: newId })).DBInstances?.[0]
        ?.DBInstanceStatus;
    }
    answers.push({ resource: newId, state });
    const ready = state === 'ACTIVE' || state === 'available';
    return ready
      ? { status: 'confirmed', detail: `restore job COMPLETED, ${newId} is ${state}`, answers }
      : { status: 'not-confirmed', detail: `restore job COMPLETED, ${newId} is ${state ?? 'absent'}`, answers };
  },
};

/**
 * backup-restore: the BAR-002 drill on AWS Backup. Chooses a recovery point, restores it with
 * StartRestoreJob (the recovery point's restore metadata with a new name and the scenario's
 * overrides), follows the restore job, verifies what it created, reports the verdict with
 * PutRestoreValidationResult and deletes the restore afterwards unless `keep: true`. The delete is
 * journaled before StartRestoreJob under the name the restore will create.
 */
export const backupRestoreDefinition = defineFault({
  type: 'backup-restore',
  schema: backupRestoreFault,
  resourceRefs: [{ key: 'resource', types: ['rds-instance', 'aurora-cluster'] }],
  crossCheck,
  measuresRestore: true,
  plan: (f, ctx) =>
    backupRestorePlan(f, ctx, [
      f.resourceType === 'dynamodb-table'
        ? deleteTable.action
        : f.resourceType === 'aurora-cluster'
          ? deleteRestoredCluster.action
          : deleteInstance.action,
      deleteRestored.action,
    ]),
  async prepare(step, ctx) {
    const type = step.resourceType;
    if (!supported(type)) {
      throw DrillproofError.user(
        'BackupRestoreUnsupported',
        `fault ${step.id}: backup-restore of ${type} is not supported yet`,
        {
          hint: 'use resourceType rds-instance, aurora-cluster or dynamodb-table',
        },
      );
    }
    let sourceArn = step.resourceArn;
    if (!sourceArn && step.resource && type === 'aurora-cluster') {
      const cl = resolvedOf(ctx.resources, step.resource, 'aurora-cluster', `fault ${step.id} (${step.type})`);
      const res = await ctx.aws.rds.describeDBClusters({ DBClusterIdentifier: cl.id });
      sourceArn = res.DBClusters?.[0]?.DBClusterArn;
    } else if (!sourceArn && step.resource) {
      const db = resolvedOf(ctx.resources, step.resource, 'rds-instance', `fault ${step.id} (${step.type})`);
      const res = await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: db.id });
      sourceArn = res.DBInstances?.[0]?.DBInstanceArn;
    }
    if (!sourceArn) throw DrillproofError.user('BackupRestoreSource', `fault ${step.id}: name resource or resourceArn`);
    const newId = restoredName(step, sourceNameOf(sourceArn), ctx.runId);
    const r: BackupRun = { step: { ...step, resourceType: type }, sourceArn, newId, state: {} };
    const ddb = type === 'dynamodb-table';
    const action: FaultAction = {
      stepId: step.id,
      fault: step.type,
      action: 'backup:StartRestoreJob',
      targets: [sourceArn, newId],
      inverse: step.keep ? null : deleteSpecOf(type, newId, ctx.aws.region),
      preflight: (c) => backupPreflight(c, r),
      run: (c) => startBackupRestore(c, r),
      watch: [
        { source: 'backup', key: newId, restoreJobId: () => r.state.jobId },
        ...(ddb
          ? []
          : [
              {
                source: 'rds' as const,
                sourceType: type === 'aurora-cluster' ? ('db-cluster' as const) : ('db-instance' as const),
                id: newId,
              },
            ]),
      ],
      followUp: (c) => verifyBackupRestore(c, r),
      basis: () => ({ restoreJobId: r.state.jobId, resourceType: type }),
    };
    return [action];
  },
  // A restore impairs nothing: it creates a copy beside the untouched source, measured by its own
  // verification, so no probe has to exercise a scenario resource.
  affects: () => [],
  confirm,
  inverses: [deleteTable, deleteInstance, deleteRestoredCluster, deleteRestored],
  leftovers: {
    service: 'backup',
    what: 'restored Aurora DB clusters, RDS DB instances and DynamoDB tables',
    find: backupRestoreLeftovers,
  },
});
