import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import type { BackupResourceType } from './model.js';

/**
 * A DynamoDB recovery point as AWS Backup names it with its advanced features for DynamoDB on (the
 * default for accounts that made their first vault after November 2021): an AWS Backup ARN,
 * `arn:aws:backup:<region>:<account>:recovery-point:<UUID>`, which DynamoDB's ListBackups also
 * shows for the AWS_BACKUP backup. Without them it would be the DynamoDB backup ARN
 * (`table/<name>/backup/<id>`); drillproof handles both, the lab answers the advanced form.
 */
export function advancedPointArn(): string {
  return `arn:aws:backup:${LAB_REGION}:${LAB_ACCOUNT_ID}:recovery-point:${randomUUID().toUpperCase()}`;
}

/** `arn:aws:backup:<region>:<account>:recovery-point:continuous:db-...-<hash>` as AWS names them. */
export function continuousArn(dbiResourceId: string): string {
  return `arn:aws:backup:${LAB_REGION}:${LAB_ACCOUNT_ID}:recovery-point:continuous:${dbiResourceId.toLowerCase()}-0a1b2c3d`;
}

/** What a protected resource ARN names: an RDS DB instance, an Aurora DB cluster or a DynamoDB table. */
export function resourceKind(arn: string): { type: BackupResourceType; name: string } {
  const rds = /^arn:aws:rds:[^:]+:[^:]+:db:(.+)$/.exec(arn);
  if (rds) return { type: 'RDS', name: rds[1] as string };
  const cluster = /^arn:aws:rds:[^:]+:[^:]+:cluster:(.+)$/.exec(arn);
  if (cluster) return { type: 'Aurora', name: cluster[1] as string };
  const ddb = /^arn:aws:dynamodb:[^:]+:[^:]+:table\/([^/]+)$/.exec(arn);
  if (ddb) return { type: 'DynamoDB', name: ddb[1] as string };
  throw new ApiError(
    'InvalidParameterValueException',
    `The lab backs up RDS DB instances, Aurora DB clusters and DynamoDB tables; ${arn} is none of them.`,
  );
}
