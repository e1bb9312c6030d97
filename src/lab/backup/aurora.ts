import { createClusterSnapshot } from '../rds/cluster-snapshots.js';
import type { RdsLab } from '../rds/lab-rds.js';
import type { DbCluster } from '../rds/model.js';
import { type BackupLab, backupError } from './engine.js';
import type { BackupJob, RecoveryPoint } from './model.js';

/**
 * GetRecoveryPointRestoreMetadata of an Aurora cluster: its configuration at backup time under the
 * names of RestoreDBClusterFromSnapshot's parameters (AWS Backup Developer Guide, "Restoring an
 * Amazon Aurora cluster": the restore options are that call's), lists as JSON strings.
 */
export function auroraRestoreMetadata(rds: RdsLab, c: DbCluster): Record<string, string> {
  return {
    DBClusterIdentifier: c.id,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    EngineMode: 'provisioned',
    Port: String(c.writer.port),
    DatabaseName: c.dbName,
    AvailabilityZones: JSON.stringify([...new Set(c.pair.members.map((m) => m.az))]),
    DBSubnetGroupName: 'lab',
    VpcSecurityGroupIds: JSON.stringify(['sg-0a1b0000000000001']),
    DBClusterParameterGroupName: `default.${c.engine}${rds.engineVersion.split('.')[0]}`,
    DeletionProtection: 'false',
    CopyTagsToSnapshot: 'false',
    EnableIAMDatabaseAuthentication: 'false',
  };
}

/** StartBackupJob of an Aurora cluster: a cluster snapshot `awsbackup:job-<id>`, its ARN the recovery point's. */
export function auroraPoint(lab: BackupLab, job: BackupJob, clusterId: string): RecoveryPoint {
  const rds = lab.o.rds;
  const c = rds.clusters.get(clusterId);
  if (!c) throw backupError('ResourceNotFoundException', `Resource ${job.resourceArn} was not found.`);
  let snap: ReturnType<typeof createClusterSnapshot>;
  try {
    snap = createClusterSnapshot(rds, c.id, `awsbackup:job-${job.id.toLowerCase()}`);
  } catch (e) {
    throw backupError('InvalidRequestException', `Cannot back up ${job.resourceArn}: ${(e as Error).message}`);
  }
  return lab.newPoint(job, snap.arn, { kind: 'aurora-snapshot', snapshotId: snap.id }, auroraRestoreMetadata(rds, c));
}
