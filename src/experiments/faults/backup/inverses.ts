import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import type { Leftover } from '../definition.js';
import { defineInverse, requestIds } from '../inverse.js';
import { deleteInstance } from '../rds/restore.js';
import { RUN_ID_TAG } from '../tags.js';
import { pollUntil } from '../wait.js';
import { isDrillRestoreName } from './choose.js';

/** Deletes a restored DynamoDB table and waits until it is gone (a table still restoring is retried). */
export const deleteTable = defineInverse({
  action: 'dynamodb.delete-table',
  params: z.object({ table: z.string() }),
  async run(ctx, { table }) {
    const rids: string[] = [];
    const poll = { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs };
    const gone = (err: unknown) => DrillproofError.is(err) && err.code === 'AwsResourceNotFound';
    await pollUntil(
      async () => {
        try {
          rids.push(...requestIds(await ctx.aws.dynamodb.deleteTable({ TableName: table })));
          return true;
        } catch (err) {
          if (gone(err)) return true;
          // ResourceInUseException: the table is still being created by the restore.
          if (DrillproofError.is(err) && /ResourceInUse/.test(err.message)) return undefined;
          throw err;
        }
      },
      { ...poll, what: `table ${table} to accept deletion` },
    );
    await pollUntil(
      async () => {
        try {
          await ctx.aws.dynamodb.describeTable({ TableName: table });
          return undefined;
        } catch (err) {
          if (gone(err)) return true;
          throw err;
        }
      },
      { ...poll, what: `table ${table} to be deleted` },
    );
    return rids;
  },
});

export function deleteTableSpec(table: string, region: string) {
  return deleteTable.spec({ table }, `delete restored table ${table}`, [
    `aws dynamodb delete-table --region ${region} --table-name ${table}`,
  ]);
}

/**
 * Restores of AWS Backup recovery points a drill made and did not keep, found by their name
 * (AWS Backup does not tag what it restores). Instances tagged with a run id are rds-restore's.
 */
export async function backupRestoreLeftovers(aws: AwsApis): Promise<Leftover[]> {
  const out: Leftover[] = [];
  const dbs = await aws.rds.describeDBInstances({});
  for (const db of dbs.DBInstances ?? []) {
    const id = db.DBInstanceIdentifier;
    if (!id || !isDrillRestoreName(id) || db.DBInstanceStatus === 'deleting') continue;
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
