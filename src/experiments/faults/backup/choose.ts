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

/** The source's name in its ARN: `db:<id>` for RDS, `table/<name>` for DynamoDB. */
export function sourceNameOf(arn: string): string {
  const m = /:db:([^:]+)$/.exec(arn) ?? /:table\/([^/]+)$/.exec(arn);
  return m?.[1] ?? arn.slice(arn.lastIndexOf(':') + 1);
}

/**
 * StartRestoreJob Metadata: the recovery point's restore metadata (GetRecoveryPointRestoreMetadata)
 * with the new name and the scenario's overrides. RDS keys are those of
 * RestoreDBInstanceFromDBSnapshot (VpcSecurityGroupIds a JSON list); DynamoDB's is targetTableName.
 */
export function restoreMetadata(
  step: BackupRestoreStep,
  md: Record<string, string>,
  newName: string,
): Record<string, string> {
  if (step.resourceType === 'dynamodb-table') return { ...md, targetTableName: newName };
  const o = step.overrides ?? {};
  return {
    ...md,
    DBInstanceIdentifier: newName,
    ...(o.dbSubnetGroupName ? { DBSubnetGroupName: o.dbSubnetGroupName } : {}),
    ...(o.vpcSecurityGroupIds ? { VpcSecurityGroupIds: JSON.stringify(o.vpcSecurityGroupIds) } : {}),
    ...(o.instanceClass ? { DBInstanceClass: o.instanceClass } : {}),
  };
}
