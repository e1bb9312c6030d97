import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import type { DynamoLab } from '../dynamodb/engine.js';
import { createBackup } from '../dynamodb/restore.js';
import { sleep } from '../node-entry.js';
import { auroraState } from '../rds/cluster-snapshots.js';
import { CLUSTER_ID, DB_ID, type RdsLab } from '../rds/lab-rds.js';
import { createSnapshot } from '../rds/restore.js';
import { advancedPointArn, continuousArn, resourceKind } from './arns.js';
import { auroraPoint } from './aurora.js';
import {
  type BackupJob,
  LAB_BACKUP_ROLE_ARN,
  LAB_VAULT,
  type RecoveryPoint,
  type RestoreJob,
  vaultArn,
} from './model.js';
import { rdsRestoreMetadata, runRestore } from './restore.js';

export interface BackupLabOptions {
  rds: RdsLab;
  dynamo: DynamoLab | undefined;
  /** Minimum time a job spends PENDING / RUNNING, as other lab transitions. */
  transitionMs: number;
  onError: (what: string, e: unknown) => void;
}

export const backupError = (code: string, message: string, status = 400) => new ApiError(code, message, status);

/**
 * The lab's AWS Backup: one vault holding recovery points of lab-db (snapshot backups and a
 * continuous backup for point-in-time restores), of lab-aurora (cluster snapshots) and of the
 * lab's DynamoDB table, backup jobs that
 * really take them, and restore jobs that really restore through the lab's RDS and DynamoDB.
 */
export class BackupLab {
  readonly vaultCreated = new Date();
  readonly recoveryPoints = new Map<string, RecoveryPoint>();
  readonly backupJobs = new Map<string, BackupJob>();
  readonly restoreJobs = new Map<string, RestoreJob>();

  constructor(readonly o: BackupLabOptions) {}

  /** The continuous recovery point of lab-db, then one backup of each protected resource. */
  async start(): Promise<void> {
    const db = this.o.rds.instance(DB_ID);
    const first = this.o.rds.instances.get(DB_ID)?.pair?.backups[0];
    const created = first?.endTime ?? new Date();
    this.recoveryPoints.set(continuousArn(db.resourceId), {
      arn: continuousArn(db.resourceId),
      vaultName: LAB_VAULT,
      resourceArn: db.arn,
      resourceName: db.id,
      resourceType: 'RDS',
      status: 'COMPLETED',
      creationDate: created,
      completionDate: created,
      sizeBytes: 0,
      source: { kind: 'rds-continuous', instanceId: db.id },
      restoreMetadata: rdsRestoreMetadata(this.o.rds, db),
    });
    const jobs = [this.startBackupJob(LAB_VAULT, db.arn, LAB_BACKUP_ROLE_ARN)];
    const aurora = this.o.rds.clusters.get(CLUSTER_ID);
    if (aurora) jobs.push(this.startBackupJob(LAB_VAULT, aurora.arn, LAB_BACKUP_ROLE_ARN));
    const table = this.o.dynamo?.tables.get('lab-app');
    if (table) jobs.push(this.startBackupJob(LAB_VAULT, table.arn, LAB_BACKUP_ROLE_ARN));
    const ids = await Promise.all(jobs);
    const end = Date.now() + 120_000;
    while (ids.some((j) => !['COMPLETED', 'FAILED'].includes(this.backupJobs.get(j.BackupJobId)?.state ?? ''))) {
      if (Date.now() > end) throw new Error('the initial backup jobs did not finish');
      await sleep(50);
    }
  }

  vault(name: string): void {
    if (name !== LAB_VAULT) {
      throw backupError('ResourceNotFoundException', `Backup vault ${name} does not exist in this account and region.`);
    }
  }

  recoveryPoint(vault: string, arn: string): RecoveryPoint {
    this.vault(vault);
    const rp = this.recoveryPoints.get(arn);
    if (!rp || rp.vaultName !== vault) {
      throw backupError('ResourceNotFoundException', `Recovery point ${arn} was not found in backup vault ${vault}.`);
    }
    return rp;
  }

  /** StartBackupJob: an RDS snapshot `awsbackup:job-<id>` of lab-db, or a DynamoDB backup. */
  async startBackupJob(vault: string, resourceArn: string, iamRoleArn: string) {
    this.vault(vault);
    const kind = resourceKind(resourceArn);
    const id = randomUUID().toUpperCase();
    const job: BackupJob = {
      id,
      vaultName: vault,
      resourceArn,
      resourceName: kind.name,
      resourceType: kind.type,
      state: 'CREATED',
      creationDate: new Date(),
      iamRoleArn,
      percentDone: 0,
      sizeBytes: 0,
    };
    let rp: RecoveryPoint;
    if (kind.type === 'Aurora') {
      rp = auroraPoint(this, job, kind.name);
    } else if (kind.type === 'RDS') {
      const inst = this.o.rds.instances.get(kind.name);
      if (!inst) throw backupError('ResourceNotFoundException', `Resource ${resourceArn} was not found.`);
      let snap: ReturnType<typeof createSnapshot>;
      try {
        snap = createSnapshot(this.o.rds, inst.id, `awsbackup:job-${id.toLowerCase()}`, {});
      } catch (e) {
        throw backupError('InvalidRequestException', `Cannot back up ${resourceArn}: ${(e as Error).message}`);
      }
      rp = this.newPoint(
        job,
        snap.arn,
        { kind: 'rds-snapshot', snapshotId: snap.id },
        rdsRestoreMetadata(this.o.rds, inst),
      );
    } else {
      const lab = this.o.dynamo;
      if (!lab)
        throw backupError('InvalidParameterValueException', 'DynamoDB is not enabled in this lab (lab up --dynamodb)');
      if (!lab.tables.has(kind.name))
        throw backupError('ResourceNotFoundException', `Resource ${resourceArn} was not found.`);
      const b = await createBackup(lab, kind.name, `AwsBackup-${id}`, 'AWS_BACKUP', advancedPointArn());
      rp = this.newPoint(
        job,
        b.arn,
        { kind: 'ddb-backup', backupArn: b.arn },
        {
          targetTableName: b.tableName,
          encryptionType: 'Default',
        },
      );
      rp.sizeBytes = b.sizeBytes;
    }
    this.backupJobs.set(id, job);
    job.recoveryPointArn = rp.arn;
    void this.follow(job, rp);
    return { BackupJobId: id, RecoveryPointArn: rp.arn, CreationDate: job.creationDate };
  }

  newPoint(job: BackupJob, arn: string, source: RecoveryPoint['source'], md: Record<string, string>) {
    const rp: RecoveryPoint = {
      arn,
      vaultName: job.vaultName,
      resourceArn: job.resourceArn,
      resourceName: job.resourceName,
      resourceType: job.resourceType,
      status: 'CREATING',
      creationDate: job.creationDate,
      sizeBytes: 0,
      backupJobId: job.id,
      source,
      restoreMetadata: md,
    };
    this.recoveryPoints.set(arn, rp);
    return rp;
  }

  /** A backup job runs while its snapshot / backup is being made. */
  private async follow(job: BackupJob, rp: RecoveryPoint): Promise<void> {
    const started = Date.now();
    job.state = 'RUNNING';
    try {
      for (;;) {
        const done = this.sourceReady(rp);
        if (done === 'failed') throw new Error('the snapshot failed');
        if (done && Date.now() - started >= this.o.transitionMs) break;
        job.percentDone = Math.min(99, ((Date.now() - started) / Math.max(1, this.o.transitionMs)) * 50);
        await sleep(50);
      }
      job.state = 'COMPLETED';
      job.percentDone = 100;
      job.completionDate = new Date();
      job.sizeBytes = rp.sizeBytes;
      rp.status = 'COMPLETED';
      rp.completionDate = job.completionDate;
    } catch (e) {
      job.state = 'FAILED';
      job.statusMessage = (e as Error).message;
      job.completionDate = new Date();
      this.recoveryPoints.delete(rp.arn);
      this.o.onError(`backup job ${job.id}`, e);
    }
  }

  private sourceReady(rp: RecoveryPoint): boolean | 'failed' {
    const s = rp.source;
    if (s.kind === 'rds-snapshot') {
      const snap = this.o.rds.snapshots.get(s.snapshotId);
      if (!snap) return 'failed';
      return snap.status === 'available';
    }
    if (s.kind === 'aurora-snapshot')
      return auroraState(this.o.rds).snapshots.get(s.snapshotId)?.status === 'available';
    if (s.kind === 'ddb-backup') return this.o.dynamo?.backups.get(s.backupArn)?.status === 'AVAILABLE';
    return true;
  }

  /** StartRestoreJob: PENDING now; the job runs the real restore in the background. */
  startRestoreJob(input: {
    RecoveryPointArn?: unknown;
    Metadata?: unknown;
    IamRoleArn?: unknown;
    ResourceType?: unknown;
  }): { RestoreJobId: string } {
    if (typeof input.RecoveryPointArn !== 'string') {
      throw backupError('MissingParameterValueException', 'RecoveryPointArn is required.');
    }
    if (typeof input.Metadata !== 'object' || input.Metadata === null) {
      throw backupError('MissingParameterValueException', 'Metadata is required.');
    }
    const rp = this.recoveryPoints.get(input.RecoveryPointArn);
    if (!rp) throw backupError('ResourceNotFoundException', `Recovery point ${input.RecoveryPointArn} was not found.`);
    if (input.ResourceType !== undefined && input.ResourceType !== rp.resourceType) {
      throw backupError(
        'InvalidParameterValueException',
        `ResourceType ${String(input.ResourceType)} does not match the recovery point's resource type ${rp.resourceType}.`,
      );
    }
    if (rp.status !== 'COMPLETED') {
      throw backupError(
        'InvalidRequestException',
        `Recovery point ${rp.arn} is not ready for restore (it is ${rp.status}).`,
      );
    }
    const job: RestoreJob = {
      id: randomUUID().toUpperCase(),
      recoveryPointArn: rp.arn,
      sourceResourceArn: rp.resourceArn,
      vaultArn: vaultArn(rp.vaultName),
      resourceType: rp.resourceType,
      iamRoleArn: typeof input.IamRoleArn === 'string' ? input.IamRoleArn : LAB_BACKUP_ROLE_ARN,
      status: 'PENDING',
      percentDone: 0,
      creationDate: new Date(),
      recoveryPointCreationDate: rp.creationDate,
      sizeBytes: rp.sizeBytes,
    };
    this.restoreJobs.set(job.id, job);
    void runRestore(this, job, rp, input.Metadata as Record<string, string>);
    return { RestoreJobId: job.id };
  }

  restoreJob(id: string): RestoreJob {
    const j = this.restoreJobs.get(id);
    if (!j) throw backupError('ResourceNotFoundException', `Restore job ${id} was not found.`);
    return j;
  }

  putValidation(id: string, status: unknown, message: unknown): void {
    const j = this.restoreJob(id);
    if (!['FAILED', 'SUCCESSFUL', 'TIMED_OUT', 'VALIDATING'].includes(String(status))) {
      throw backupError(
        'InvalidParameterValueException',
        `ValidationStatus must be one of FAILED, SUCCESSFUL, TIMED_OUT, VALIDATING, not ${String(status)}.`,
      );
    }
    if (j.status !== 'COMPLETED') {
      throw backupError(
        'InvalidRequestException',
        `Restore job ${id} is ${j.status}; only a completed restore can be validated.`,
      );
    }
    j.validationStatus = status as RestoreJob['validationStatus'];
    if (typeof message === 'string') j.validationStatusMessage = message;
    else delete j.validationStatusMessage;
  }

  backupJob(id: string): BackupJob {
    const j = this.backupJobs.get(id);
    if (!j) throw backupError('ResourceNotFoundException', `Backup job ${id} was not found.`);
    return j;
  }
}
