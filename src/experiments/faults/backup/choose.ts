import { restoredDbId } from '../rds/restore-naming.js';
import type { BackupRestoreStep, RecoveryPointChoice } from './schema.js';

/** What the choice needs of a ListRecoveryPointsByBackupVault entry. */
export interface PointSummary {
  RecoveryPointArn?: string;
  Status?: string;
  CreationDate?: Date;
}

/**
 * A continuous (point-in-time) recovery point restores to a time the restore names, not to its
 * creation: `latest` / `before` pick among snapshot points only, so F − creation is the data lost.
 */
export const isContinuous = (arn: string) => /:recovery-point:continuous:/.test(arn);

/** The newest completed snapshot point, at or before `before` when given; undefined: none. */
export function chooseRecoveryPoint<P extends PointSummary>(
  points: readonly P[],
  choice: RecoveryPointChoice,
): P | undefined {
  if (typeof choice === 'object' && 'arn' in choice) return points.find((p) => p.RecoveryPointArn === choice.arn);
  const limit = typeof choice === 'object' ? Date.parse(choice.before) : Number.POSITIVE_INFINITY;
  let best: P | undefined;
  for (const p of points) {
    if (!p.RecoveryPointArn || isContinuous(p.RecoveryPointArn)) continue;
    if (p.Status !== 'COMPLETED' && p.Status !== 'AVAILABLE') continue;
    const t = p.CreationDate?.getTime();
    if (t === undefined || t > limit) continue;
    if (!best || t > (best.CreationDate?.getTime() ?? 0)) best = p;
  }
  return best;
}

/** Name the restore creates; kept restores end in `-keep`, so `sweep` leaves them alone. */
export function restoredName(step: BackupRestoreStep, source: string, runId: string): string {
  if (step.restoredName) return step.restoredName;
  const id = restoredDbId(source, runId, step.id);
  return step.keep ? `${id.slice(0, 58).replace(/-+$/, '')}-keep` : id;
}

/** A restore made by a drill and not kept: `<source>-dp-<yyyymmddthhmmssz>-...`, not `-keep`. */
export function isDrillRestoreName(n: string): boolean {
  return /-dp-\d{8}t\d{6}z-/.test(n) && !n.endsWith('-keep');
}

/** The source's name in its ARN: `db:<id>` for RDS, `cluster:<id>` for Aurora, `table/<name>` for DynamoDB. */
export function sourceNameOf(arn: string): string {
  const m = /:(?:db|cluster):([^:]+)$/.exec(arn) ?? /:table\/([^/]+)$/.exec(arn);
  return m?.[1] ?? arn.slice(arn.lastIndexOf(':') + 1);
}

/**
 * `md` with `key` set to `value`, any key spelled with other letter case dropped: AWS Backup reads
 * restore metadata keys without regard to case, so a second spelling would be a conflict, not an
 * override.
 */
function withKey(md: Record<string, string>, key: string, value: string): Record<string, string> {
  const lower = key.toLowerCase();
  const out = Object.fromEntries(Object.entries(md).filter(([k]) => k.toLowerCase() !== lower));
  return { ...out, [key]: value };
}

/**
 * StartRestoreJob Metadata: the recovery point's restore metadata (GetRecoveryPointRestoreMetadata)
 * with the new name and the scenario's overrides.
 *
 * Sources (AWS Backup Developer Guide): "Restore a backup by resource type" (restoring-a-backup:
 * the metadata is what GetRecoveryPointRestoreMetadata returns, plus a new name where the original
 * exists), API_StartRestoreJob (Metadata, string to string), and "Restore testing inferred
 * metadata" (restore-testing-inferred-metadata: keys are not case sensitive; DynamoDB's name is
 * `targetTableName`). RDS keys are the request parameters of RDS RestoreDBInstanceFromDBSnapshot
 * (API_RestoreDBInstanceFromDBSnapshot: DBInstanceIdentifier, DBSubnetGroupName,
 * VpcSecurityGroupIds, DBInstanceClass), as GetRecoveryPointRestoreMetadata spells them; the
 * security groups are one string holding a JSON list, the form that answer uses. Aurora keys are
 * the parameters of RDS RestoreDBClusterFromSnapshot ("Restoring an Amazon Aurora cluster": the
 * restore options are that call's): the new name is DBClusterIdentifier.
 */
/**
 * The DB instance the drill creates in a restored Aurora cluster (AWS Backup restores the cluster
 * only): `<cluster>-1`, within RDS's 63 characters, so it matches the restore's `<source>-dp-*`.
 */
export function auroraInstanceId(cluster: string): string {
  return `${cluster.slice(0, 61).replace(/-+$/, '')}-1`;
}

/** Class of that instance without `overrides.instanceClass`: the smallest Aurora PostgreSQL / MySQL class. */
export const DEFAULT_AURORA_INSTANCE_CLASS = 'db.t4g.medium';

export function restoreMetadata(
  step: BackupRestoreStep,
  md: Record<string, string>,
  newName: string,
): Record<string, string> {
  if (step.resourceType === 'dynamodb-table') return withKey(md, 'targetTableName', newName);
  const o = step.overrides ?? {};
  const aurora = step.resourceType === 'aurora-cluster';
  let out = withKey(md, aurora ? 'DBClusterIdentifier' : 'DBInstanceIdentifier', newName);
  if (o.dbSubnetGroupName) out = withKey(out, 'DBSubnetGroupName', o.dbSubnetGroupName);
  if (o.vpcSecurityGroupIds) out = withKey(out, 'VpcSecurityGroupIds', JSON.stringify(o.vpcSecurityGroupIds));
  // A cluster has no instance class: it is CreateDBInstance's, after the restore.
  if (o.instanceClass && !aurora) out = withKey(out, 'DBInstanceClass', o.instanceClass);
  return out;
}
