import { randomUUID } from 'node:crypto';
import { type BackupLab, backupError } from '../backup/engine.js';
import {
  type BackupJob,
  LAB_BACKUP_PLAN_ID,
  LAB_VAULT,
  percent,
  type RecoveryPoint,
  type RestoreJob,
  vaultArn,
} from '../backup/model.js';
import { LAB_ACCOUNT_ID } from '../types.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiReply, ApiRequest } from './protocol.js';

type Json = Record<string, unknown>;
const secs = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

export function backupReply(status: number, value: unknown): ApiReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: status === 204 ? '' : JSON.stringify(value ?? {}),
  };
}

/** restJson1 errors: the type in `x-amzn-errortype`; AWS Backup's exceptions carry Code and Message. */
export function backupErrorReply(e: ApiError): ApiReply {
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code, 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({ Code: e.code, Message: e.message, Type: e.status >= 500 ? 'Service' : 'User' }),
  };
}

function page<T>(items: T[], q: URLSearchParams): { items: T[]; next?: string } {
  const max = Number(q.get('maxResults') ?? '1000') || 1000;
  const start = Number(q.get('nextToken') ?? '0') || 0;
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, next: String(start + max) } : { items: slice };
}

function lifecycle(rp: RecoveryPoint) {
  return {
    Lifecycle: { DeleteAfterDays: 35 },
    CalculatedLifecycle: { DeleteAt: secs(new Date(rp.creationDate.getTime() + 35 * 86_400_000)) },
  };
}

function pointByVault(rp: RecoveryPoint): Json {
  return {
    RecoveryPointArn: rp.arn,
    BackupVaultName: rp.vaultName,
    BackupVaultArn: vaultArn(rp.vaultName),
    ResourceArn: rp.resourceArn,
    ResourceType: rp.resourceType,
    ResourceName: rp.resourceName,
    CreatedBy: { BackupPlanId: LAB_BACKUP_PLAN_ID },
    IamRoleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
    Status: rp.status,
    ...(rp.statusMessage ? { StatusMessage: rp.statusMessage } : {}),
    CreationDate: secs(rp.creationDate),
    CompletionDate: secs(rp.completionDate),
    BackupSizeInBytes: rp.sizeBytes,
    ...lifecycle(rp),
    IsEncrypted: false,
    IsParent: false,
    LastRestoreTime: secs(rp.lastRestoreTime),
    VaultType: 'BACKUP_VAULT',
  };
}

function restoreJobOut(j: RestoreJob): Json {
  return {
    AccountId: LAB_ACCOUNT_ID,
    RestoreJobId: j.id,
    RecoveryPointArn: j.recoveryPointArn,
    SourceResourceArn: j.sourceResourceArn,
    BackupVaultArn: j.vaultArn,
    CreationDate: secs(j.creationDate),
    CompletionDate: secs(j.completionDate),
    Status: j.status,
    ...(j.statusMessage ? { StatusMessage: j.statusMessage } : {}),
    PercentDone: percent(j.percentDone),
    BackupSizeInBytes: j.sizeBytes,
    IamRoleArn: j.iamRoleArn,
    ExpectedCompletionTimeMinutes: 1,
    ...(j.createdResourceArn ? { CreatedResourceArn: j.createdResourceArn } : {}),
    ResourceType: j.resourceType,
    RecoveryPointCreationDate: secs(j.recoveryPointCreationDate),
    ...(j.validationStatus ? { ValidationStatus: j.validationStatus } : {}),
    ...(j.validationStatusMessage ? { ValidationStatusMessage: j.validationStatusMessage } : {}),
    IsParent: false,
  };
}

function backupJobOut(j: BackupJob): Json {
  return {
    AccountId: LAB_ACCOUNT_ID,
    BackupJobId: j.id,
    BackupVaultName: j.vaultName,
    BackupVaultArn: vaultArn(j.vaultName),
    RecoveryPointArn: j.recoveryPointArn,
    ResourceArn: j.resourceArn,
    ResourceName: j.resourceName,
    ResourceType: j.resourceType,
    CreationDate: secs(j.creationDate),
    CompletionDate: secs(j.completionDate),
    State: j.state,
    ...(j.statusMessage ? { StatusMessage: j.statusMessage } : {}),
    PercentDone: percent(j.percentDone),
    BackupSizeInBytes: j.sizeBytes,
    IamRoleArn: j.iamRoleArn,
    IsParent: false,
    BackupType: '',
    InitiationDate: secs(j.creationDate),
  };
}

/** ListBackupVaults member and DescribeBackupVault answer (same members). */
function vaultOut(lab: BackupLab, name: string): Json {
  return {
    BackupVaultName: name,
    BackupVaultArn: vaultArn(name),
    VaultType: 'BACKUP_VAULT',
    VaultState: 'AVAILABLE',
    CreationDate: secs(lab.vaultCreated),
    NumberOfRecoveryPoints: [...lab.recoveryPoints.values()].filter((r) => r.vaultName === name).length,
    Locked: false,
    EncryptionKeyType: 'AWS_OWNED_KMS_KEY',
  };
}

function body(req: ApiRequest): Json {
  if (!req.body) return {};
  try {
    return JSON.parse(req.body) as Json;
  } catch {
    throw backupError('InvalidParameterValueException', 'The request body is not valid JSON.');
  }
}

const timeQuery = (q: URLSearchParams, k: string) => (q.get(k) ? new Date(q.get(k) as string).getTime() : undefined);

/** AWS Backup over restJson1 (signing name `backup`), routed by method and path. */
export function backupHandler(lab: BackupLab): (req: ApiRequest) => Promise<ApiReply> {
  return async (req) => {
    try {
      const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
      const m = req.method;
      const q = req.query;
      const write = (op: string) => {
        if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('backup', op);
      };
      const [a, b, c, d, e] = parts;
      if (a === 'backup-vaults' && m === 'GET') {
        if (!b) {
          return backupReply(200, { BackupVaultList: [vaultOut(lab, LAB_VAULT)] });
        }
        lab.vault(b);
        if (!c) {
          return backupReply(200, vaultOut(lab, b));
        }
        if (c === 'recovery-points' && !d) {
          const after = timeQuery(q, 'createdAfter');
          const before = timeQuery(q, 'createdBefore');
          const all = [...lab.recoveryPoints.values()]
            .filter(
              (rp) =>
                rp.vaultName === b &&
                (!q.get('resourceArn') || rp.resourceArn === q.get('resourceArn')) &&
                (!q.get('resourceType') || rp.resourceType === q.get('resourceType')) &&
                (after === undefined || rp.creationDate.getTime() >= after) &&
                (before === undefined || rp.creationDate.getTime() <= before),
            )
            .sort((x, y) => y.creationDate.getTime() - x.creationDate.getTime());
          const p = page(all, q);
          return backupReply(200, { RecoveryPoints: p.items.map(pointByVault), NextToken: p.next });
        }
        if (c === 'recovery-points' && d && !e) return backupReply(200, pointByVault(lab.recoveryPoint(b, d)));
        if (c === 'recovery-points' && d && e === 'restore-metadata') {
          const rp = lab.recoveryPoint(b, d);
          return backupReply(200, {
            BackupVaultArn: vaultArn(b),
            RecoveryPointArn: rp.arn,
            ResourceType: rp.resourceType,
            RestoreMetadata: rp.restoreMetadata,
          });
        }
      }
      if (a === 'resources' && b && c === 'recovery-points' && m === 'GET') {
        const all = [...lab.recoveryPoints.values()]
          .filter((rp) => rp.resourceArn === b)
          .sort((x, y) => y.creationDate.getTime() - x.creationDate.getTime());
        const p = page(all, q);
        return backupReply(200, {
          RecoveryPoints: p.items.map((rp) => ({
            RecoveryPointArn: rp.arn,
            CreationDate: secs(rp.creationDate),
            Status: rp.status,
            ...(rp.statusMessage ? { StatusMessage: rp.statusMessage } : {}),
            BackupSizeBytes: rp.sizeBytes,
            BackupVaultName: rp.vaultName,
            IsParent: false,
            ResourceName: rp.resourceName,
            VaultType: 'BACKUP_VAULT',
          })),
          NextToken: p.next,
        });
      }
      if (a === 'restore-jobs') {
        if (m === 'PUT' && !b) {
          write('StartRestoreJob');
          return backupReply(200, lab.startRestoreJob(body(req)));
        }
        if (m === 'GET' && !b) {
          const after = timeQuery(q, 'createdAfter');
          const before = timeQuery(q, 'createdBefore');
          const all = [...lab.restoreJobs.values()].filter(
            (j) =>
              (!q.get('status') || j.status === q.get('status')) &&
              (!q.get('resourceType') || j.resourceType === q.get('resourceType')) &&
              (after === undefined || j.creationDate.getTime() >= after) &&
              (before === undefined || j.creationDate.getTime() <= before),
          );
          const p = page(all, q);
          return backupReply(200, { RestoreJobs: p.items.map(restoreJobOut), NextToken: p.next });
        }
        if (m === 'GET' && b && !c) return backupReply(200, restoreJobOut(lab.restoreJob(b)));
        if (m === 'PUT' && b && c === 'validations') {
          write('PutRestoreValidationResult');
          const x = body(req);
          lab.putValidation(b, x.ValidationStatus, x.ValidationStatusMessage);
          return backupReply(204, undefined);
        }
      }
      if (a === 'backup-jobs') {
        if (m === 'PUT' && !b) {
          write('StartBackupJob');
          const x = body(req);
          if (
            typeof x.BackupVaultName !== 'string' ||
            typeof x.ResourceArn !== 'string' ||
            typeof x.IamRoleArn !== 'string'
          ) {
            throw backupError(
              'MissingParameterValueException',
              'BackupVaultName, ResourceArn and IamRoleArn are required.',
            );
          }
          const r = await lab.startBackupJob(x.BackupVaultName, x.ResourceArn, x.IamRoleArn);
          return backupReply(200, { ...r, CreationDate: secs(r.CreationDate), IsParent: false });
        }
        if (m === 'GET' && b && !c) return backupReply(200, backupJobOut(lab.backupJob(b)));
      }
      throw backupError('UnknownOperationException', `the lab's AWS Backup has no route ${m} ${req.path}`, 404);
    } catch (e) {
      if (e instanceof ApiError) {
        return backupErrorReply(e.code === 'AccessDenied' ? new ApiError('AccessDeniedException', e.message, 403) : e);
      }
      return backupErrorReply(
        new ApiError('ServiceUnavailableException', `internal error in the lab: ${(e as Error).message}`, 500),
      );
    }
  };
}
