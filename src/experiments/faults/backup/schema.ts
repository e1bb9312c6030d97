import { z } from 'zod';
import { describeInput, name, strict, text } from '../../../scenario/common.js';
import { restoreConnection, verifyCheck } from '../rds/restore-schema.js';
import { resourceName, stepShape } from '../step.js';

const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/, {
  error: (iss) => `invalid time ${describeInput(iss.input)}: write RFC 3339, e.g. "2026-01-31T12:00:00Z"`,
});

/** Resource types the step restores now; the others are reserved and rejected by validate. */
export const SUPPORTED_BACKUP_TYPES = ['rds-instance', 'aurora-cluster', 'dynamodb-table'] as const;
export const BACKUP_RESOURCE_TYPES = [...SUPPORTED_BACKUP_TYPES, 'ebs-volume', 'efs-file-system', 's3-bucket'] as const;
export type BackupResourceType = (typeof BACKUP_RESOURCE_TYPES)[number];

/** AWS Backup's ResourceType (StartRestoreJob) of each supported kind. */
export const AWS_BACKUP_TYPE: Record<(typeof SUPPORTED_BACKUP_TYPES)[number], string> = {
  'rds-instance': 'RDS',
  'aurora-cluster': 'Aurora',
  'dynamodb-table': 'DynamoDB',
};

export const recoveryPointChoice = z.union(
  [
    z.literal('latest'),
    strict({ before: rfc3339.meta({ description: 'The newest recovery point created at or before this time.' }) }),
    strict({ arn: text.meta({ description: 'A recovery point ARN.' }) }),
  ],
  {
    error: (iss) =>
      typeof iss.input === 'string'
        ? `unknown recovery point ${describeInput(iss.input)}: use latest, {before: RFC 3339 time} or {arn: recovery point ARN}`
        : undefined,
  },
);

export const backupRestoreFault = strict({
  ...stepShape,
  type: z.literal('backup-restore'),
  resourceType: z.enum(BACKUP_RESOURCE_TYPES).meta({
    description:
      'What the recovery point holds: rds-instance, aurora-cluster or dynamodb-table (ebs-volume, efs-file-system, s3-bucket: not supported yet).',
  }),
  resource: resourceName.optional().meta({
    description: 'The rds-instance or aurora-cluster resource backed up (its ARN selects the recovery points).',
  }),
  resourceArn: text
    .optional()
    .meta({ description: 'ARN of the backed-up resource (instead of resource; required for a DynamoDB table).' }),
  vault: text.meta({ description: 'Backup vault holding the recovery points.' }),
  recoveryPoint: recoveryPointChoice
    .default('latest')
    .meta({ description: 'latest, {before: time} (newest at or before it) or {arn: recovery point ARN}.' }),
  iamRoleArn: text.meta({
    description: 'Role AWS Backup assumes to create the restored resource (StartRestoreJob IamRoleArn).',
  }),
  restoredName: name.optional().meta({
    description:
      'Name of the restored instance, cluster or table (default: <source>-dp-<run>-<step>; iam-policy scopes to <source>-dp-*). An Aurora restore names its instance <name>-1.',
  }),
  overrides: strict({
    dbSubnetGroupName: text.optional(),
    vpcSecurityGroupIds: z.array(text).min(1).optional(),
    instanceClass: text
      .optional()
      .meta({ description: 'e.g. db.t3.medium; Aurora: the class of the instance created in the restored cluster' }),
  })
    .optional()
    .meta({ description: 'Replace parts of the recovery point restore metadata (RDS, Aurora).' }),
  keep: z.boolean().default(false).meta({ description: 'Keep the restored resource after the drill.' }),
  heartbeatProbe: name
    .optional()
    .meta({ description: 'Heartbeat probe whose rows are read back from the restored database (RPO).' }),
  connection: restoreConnection,
  verify: z
    .array(verifyCheck)
    .default([])
    .meta({ description: 'SQL checks on the restored database (RDS; Aurora: through the cluster endpoint).' }),
  minItems: z
    .number()
    .int()
    .min(0)
    .default(1)
    .meta({ description: 'DynamoDB: the restored table must be ACTIVE and hold at least this many items.' }),
}).meta({
  description: 'Restore an AWS Backup recovery point, verify it, report the validation back (RTO/RPO of a restore).',
});

export type BackupRestoreStep = z.infer<typeof backupRestoreFault>;
export type RecoveryPointChoice = z.infer<typeof recoveryPointChoice>;
