import { restoreFromBackup } from '../dynamodb/restore.js';
import { sleep } from '../node-entry.js';
import { restoreClusterFromSnapshot } from '../rds/cluster-restore.js';
import type { RdsLab } from '../rds/lab-rds.js';
import type { DbInstance } from '../rds/model.js';
import { restoreFromSnapshot, restoreToPointInTime } from '../rds/restore.js';
import type { BackupLab } from './engine.js';
import type { RecoveryPoint, RestoreJob } from './model.js';

/**
 * GetRecoveryPointRestoreMetadata for an RDS DB instance: the instance's configuration at backup
 * time, as strings (VpcSecurityGroupIds is a JSON list), keys as AWS Backup names them.
 */
export function rdsRestoreMetadata(rds: RdsLab, i: DbInstance): Record<string, string> {
  return {
    DBInstanceIdentifier: i.id,
    DBInstanceClass: i.instanceClass,
    Engine: i.engine,
    EngineVersion: i.engineVersion,
    DBName: i.dbName,
    Port: String(rds.endpointOf(i)?.port ?? 5432),
    AvailabilityZone: rds.placement(i).az,
    MultiAZ: String(i.kind === 'multi-az'),
    DBSubnetGroupName: 'lab',
    VpcSecurityGroupIds: JSON.stringify(['sg-0a1b0000000000001']),
    StorageType: 'gp3',
    PubliclyAccessible: 'false',
    AutoMinorVersionUpgrade: 'true',
    CopyTagsToSnapshot: 'false',
    DeletionProtection: String(i.deletionProtection),
    EnableIAMDatabaseAuthentication: 'false',
    LicenseModel: 'postgresql-license',
  };
}

class RestoreFailed extends Error {}

function need(md: Record<string, string>, key: string): string {
  const v = md[key];
  if (typeof v !== 'string' || v === '')
    throw new RestoreFailed(`Metadata ${key} is required to restore this recovery point.`);
  return v;
}

/** Starts the lab restore the recovery point stands for; returns how to tell when it is done. */
async function begin(
  lab: BackupLab,
  rp: RecoveryPoint,
  md: Record<string, string>,
): Promise<() => { done: boolean; failed?: string; arn?: string; progress: number }> {
  const s = rp.source;
  if (s.kind === 'ddb-backup') {
    const ddb = lab.o.dynamo;
    if (!ddb) throw new RestoreFailed('DynamoDB is not enabled in this lab.');
    const target = need(md, 'targetTableName');
    try {
      await restoreFromBackup(ddb, { BackupArn: s.backupArn, TargetTableName: target });
    } catch (e) {
      throw new RestoreFailed((e as Error).message);
    }
    return () => {
      const meta = ddb.tables.get(target);
      if (!meta) return { done: true, failed: `The restore of table ${target} failed.`, progress: 0 };
      return { done: meta.restore?.inProgress === false, arn: meta.arn, progress: meta.restore?.inProgress ? 50 : 100 };
    };
  }
  const rds = lab.o.rds;
  if (s.kind === 'aurora-snapshot') {
    let c: ReturnType<typeof restoreClusterFromSnapshot>;
    try {
      c = restoreClusterFromSnapshot(rds, s.snapshotId, {
        clusterId: need(md, 'DBClusterIdentifier'),
        engine: need(md, 'Engine'),
      });
    } catch (e) {
      throw new RestoreFailed((e as Error).message);
    }
    // The job makes the cluster only: COMPLETED once it is available, with no DB instance in it.
    return () => ({
      done: c.status === 'available' || c.status === 'failed',
      ...(c.status === 'failed'
        ? { failed: `The restore of DB cluster ${c.id} failed: ${c.failure ?? 'unknown error'}` }
        : {}),
      arn: c.arn,
      progress: c.status === 'creating' ? 50 : 100,
    });
  }
  const o = {
    targetId: need(md, 'DBInstanceIdentifier'),
    ...(md.DBInstanceClass ? { instanceClass: md.DBInstanceClass } : {}),
    ...(md.AvailabilityZone ? { az: md.AvailabilityZone } : {}),
    tags: {},
  };
  let inst: DbInstance;
  try {
    if (s.kind === 'rds-snapshot') {
      inst = restoreFromSnapshot(rds, s.snapshotId, o);
    } else {
      const latest = md.UseLatestRestorableTime === 'true' || !md.RestoreTime;
      const t = latest ? ('latest' as const) : new Date(md.RestoreTime as string);
      if (t !== 'latest' && Number.isNaN(t.getTime()))
        throw new RestoreFailed(`Invalid RestoreTime ${md.RestoreTime}.`);
      inst = restoreToPointInTime(rds, s.instanceId, t, o);
    }
  } catch (e) {
    throw new RestoreFailed((e as Error).message);
  }
  return () => ({
    done: inst.status === 'available' || inst.status === 'failed',
    ...(inst.status === 'failed' ? { failed: `The restore of DB instance ${inst.id} failed.` } : {}),
    arn: inst.arn,
    progress: inst.status === 'creating' ? 50 : 100,
  });
}

/** PENDING -> RUNNING (PercentDone) -> COMPLETED with CreatedResourceArn, or FAILED with StatusMessage. */
export async function runRestore(lab: BackupLab, job: RestoreJob, rp: RecoveryPoint, md: Record<string, string>) {
  const step = lab.o.transitionMs;
  try {
    await sleep(step / 2);
    job.status = 'RUNNING';
    const started = Date.now();
    const poll = await begin(lab, rp, md);
    for (;;) {
      const p = poll();
      if (p.failed) throw new RestoreFailed(p.failed);
      if (p.done && Date.now() - started >= step) {
        job.createdResourceArn = p.arn;
        break;
      }
      job.percentDone = Math.min(99, Math.max(job.percentDone, p.progress * 0.9));
      await sleep(50);
    }
    job.status = 'COMPLETED';
    job.percentDone = 100;
    job.completionDate = new Date();
    rp.lastRestoreTime = job.completionDate;
  } catch (e) {
    job.status = 'FAILED';
    job.statusMessage = e instanceof RestoreFailed ? e.message : `Internal error: ${(e as Error).message}`;
    job.completionDate = new Date();
    if (!(e instanceof RestoreFailed)) lab.o.onError(`restore job ${job.id}`, e);
  }
}
