import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';

export const LAB_VAULT = 'lab-vault';
export const vaultArn = (name: string) => `arn:aws:backup:${LAB_REGION}:${LAB_ACCOUNT_ID}:backup-vault:${name}`;
export const LAB_BACKUP_ROLE_ARN = `arn:aws:iam::${LAB_ACCOUNT_ID}:role/service-role/AWSBackupDefaultServiceRole`;
export const LAB_BACKUP_PLAN_ID = '0a1b0000-0000-4000-8000-000000000001';

/** AWS Backup's resource type names (StartRestoreJob ResourceType, recovery point ResourceType). */
export type BackupResourceType = 'RDS' | 'Aurora' | 'DynamoDB';

/** Where the data of a recovery point lives in the lab. */
export type RecoverySource =
  | { kind: 'rds-snapshot'; snapshotId: string }
  | { kind: 'rds-continuous'; instanceId: string }
  | { kind: 'aurora-snapshot'; snapshotId: string }
  | { kind: 'ddb-backup'; backupArn: string };

export interface RecoveryPoint {
  arn: string;
  vaultName: string;
  resourceArn: string;
  resourceName: string;
  resourceType: BackupResourceType;
  status: 'CREATING' | 'COMPLETED' | 'PARTIAL' | 'DELETING' | 'EXPIRED' | 'AVAILABLE' | 'STOPPED';
  statusMessage?: string;
  creationDate: Date;
  completionDate?: Date;
  sizeBytes: number;
  backupJobId?: string;
  source: RecoverySource;
  /** RDS / Aurora: the instance's or cluster's configuration at backup time (GetRecoveryPointRestoreMetadata). */
  restoreMetadata: Record<string, string>;
  lastRestoreTime?: Date;
}

export interface BackupJob {
  id: string;
  vaultName: string;
  resourceArn: string;
  resourceName: string;
  resourceType: BackupResourceType;
  state: 'CREATED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED';
  statusMessage?: string;
  creationDate: Date;
  completionDate?: Date;
  recoveryPointArn?: string;
  iamRoleArn: string;
  percentDone: number;
  sizeBytes: number;
}

export interface RestoreJob {
  id: string;
  recoveryPointArn: string;
  sourceResourceArn: string;
  vaultArn: string;
  resourceType: BackupResourceType;
  iamRoleArn: string;
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'ABORTED' | 'FAILED';
  statusMessage?: string;
  percentDone: number;
  creationDate: Date;
  completionDate?: Date;
  createdResourceArn?: string;
  recoveryPointCreationDate: Date;
  sizeBytes: number;
  validationStatus?: 'FAILED' | 'SUCCESSFUL' | 'TIMED_OUT' | 'VALIDATING';
  validationStatusMessage?: string;
}

/** AWS Backup answers `12.00%` style strings. */
export const percent = (n: number) => `${Math.max(0, Math.min(100, n)).toFixed(2)}%`;
