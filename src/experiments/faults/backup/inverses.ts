import type { AwsApis } from '../../../aws/apis.js';
import type { Leftover } from '../definition.js';
import { deleteTable } from '../dynamodb/restore.js';
import { deleteInstance } from '../rds/restore.js';
import { RUN_ID_TAG } from '../tags.js';
import { isDrillRestoreName } from './choose.js';

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
