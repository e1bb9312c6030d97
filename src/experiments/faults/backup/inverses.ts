import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import type { Leftover } from '../definition.js';
import { deleteTable, deleteTableSpec } from '../dynamodb/restore.js';
import { defineInverse } from '../inverse.js';
import { deleteInstance, deleteInstanceSpec } from '../rds/restore.js';
import { RUN_ID_TAG } from '../tags.js';
import type { InverseSpec } from '../types.js';
import { pollUntil } from '../wait.js';
import { deleteRestoredCluster, deleteRestoredClusterSpec } from './aurora.js';
import { isDrillRestoreName } from './choose.js';

export type RestoredKind = 'rds-instance' | 'aurora-cluster' | 'dynamodb-table';

const TERMINAL = ['COMPLETED', 'FAILED', 'ABORTED'];

/**
 * Deletes what a restore job created, once the job has ended. AWS Backup cannot cancel a restore
 * job, and the resource may appear only while it runs: deleting by name before the job ends would
 * find nothing and leave the restore behind. So the undo (rollback, and `recover` after a kill)
 * first waits for DescribeRestoreJob to reach COMPLETED, FAILED or ABORTED, bounded by the wait
 * timeout, then deletes the instance, table or Aurora cluster (its instances first) by its name.
 */
export const deleteRestored = defineInverse({
  action: 'backup.delete-restored',
  params: z.object({
    restoreJobId: z.string(),
    resourceType: z.enum(['rds-instance', 'aurora-cluster', 'dynamodb-table']),
    name: z.string(),
  }),
  async run(ctx, p) {
    const status = await pollUntil(
      async () => {
        const s = (await ctx.aws.backup.describeRestoreJob({ RestoreJobId: p.restoreJobId })).Status ?? '';
        return TERMINAL.includes(s) ? s : undefined;
      },
      {
        clock: ctx.clock,
        intervalMs: ctx.pollMs,
        timeoutMs: ctx.waitTimeoutMs,
        what: `restore job ${p.restoreJobId} to end (AWS Backup cannot cancel it)`,
      },
    );
    ctx.note?.(`restore job ${p.restoreJobId} ${status}; deleting ${p.name}`);
    if (p.resourceType === 'aurora-cluster') return deleteRestoredCluster.run(ctx, { cluster: p.name });
    return p.resourceType === 'dynamodb-table'
      ? deleteTable.run(ctx, { table: p.name })
      : deleteInstance.run(ctx, { id: p.name });
  },
});

/** The undo of a started restore job: wait for it to end, then delete what it created. */
export function deleteRestoredSpec(
  restoreJobId: string,
  resourceType: RestoredKind,
  name: string,
  region: string,
): InverseSpec {
  const del = deleteSpecOf(resourceType, name, region);
  return deleteRestored.spec(
    { restoreJobId, resourceType, name },
    `${del.description} (after restore job ${restoreJobId} ends)`,
    [
      `aws backup describe-restore-job --region ${region} --restore-job-id ${restoreJobId} --query Status  # wait for COMPLETED, FAILED or ABORTED`,
      ...del.manualSteps,
    ],
  );
}

/** The undo of what a restore creates, by name (journaled before StartRestoreJob). */
export function deleteSpecOf(resourceType: RestoredKind, name: string, region: string): InverseSpec {
  if (resourceType === 'aurora-cluster') return deleteRestoredClusterSpec(name, region);
  return resourceType === 'dynamodb-table' ? deleteTableSpec(name, region) : deleteInstanceSpec(name, region);
}

/**
 * Restores of AWS Backup recovery points a drill made and did not keep, found by their name
 * (AWS Backup does not tag what it restores): Aurora clusters (with their instances), DB instances
 * and tables. Instances tagged with a run id are rds-restore's.
 */
export async function backupRestoreLeftovers(aws: AwsApis): Promise<Leftover[]> {
  const out: Leftover[] = [];
  const clusters = await aws.rds.describeDBClusters({});
  for (const c of clusters.DBClusters ?? []) {
    const id = c.DBClusterIdentifier;
    if (!id || !isDrillRestoreName(id) || c.Status === 'deleting') continue;
    out.push({
      kind: 'restored-db-cluster',
      id,
      detail: 'Aurora cluster restored from an AWS Backup recovery point by a drill',
      action: `delete the instances of DB cluster ${id}, then the cluster`,
      inverse: deleteRestoredCluster.spec({ cluster: id }, `delete restored cluster ${id}`, []),
    });
  }
  const dbs = await aws.rds.describeDBInstances({});
  for (const db of dbs.DBInstances ?? []) {
    const id = db.DBInstanceIdentifier;
    if (!id || !isDrillRestoreName(id) || db.DBInstanceStatus === 'deleting') continue;
    // An instance of a restored Aurora cluster goes with its cluster (above).
    if (db.DBClusterIdentifier) continue;
    if ((db.TagList ?? []).some((t) => t.Key === RUN_ID_TAG)) continue;
    out.push({
      kind: 'restored-db-instance',
      id,
      detail: 'restored from an AWS Backup recovery point by a drill',
      action: `delete DB instance ${id}`,
      inverse: deleteInstance.spec({ id }, `delete DB instance ${id}`, []),
    });
  }
  const tables = await aws.dynamodb.listTables({});
  for (const t of tables.TableNames ?? []) {
    if (!isDrillRestoreName(t)) continue;
    out.push({
      kind: 'restored-dynamodb-table',
      id: t,
      detail: 'restored from an AWS Backup recovery point by a drill',
      action: `delete table ${t}`,
      inverse: deleteTable.spec({ table: t }, `delete table ${t}`, []),
    });
  }
  return out;
}
