import type { ShapeRef } from './model.js';

/**
 * Answer members of ECS, Lambda, ElastiCache, DynamoDB, AWS Backup and Auto Scaling that AWS added
 * after the `aws-sdk` package's last model update: `service:Operation` (or `service:*`) -> path
 * of the structure in the output -> members, each with the API reference page that documents it.
 * Each also exists in the v3 client's types (validate.test.ts checks).
 */
const PITR = 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoveryDescription.html';
const RESTORE_JOB = 'https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRestoreJob.html';
const VAULT = 'https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupVaultListMember.html';
const ECS_SERVICE = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html';
const REPLICATION_GROUP = 'https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ReplicationGroup.html';

const str = (source: string): ShapeRef => ({ type: 'string', source });

const ecsService = { availabilityZoneRebalancing: str(ECS_SERVICE) };
const replicationGroup = { Engine: str(REPLICATION_GROUP) };

export const OUTPUT_SERVICE_SUPPLEMENTS: Record<string, Record<string, Record<string, ShapeRef>>> = {
  'dynamodb:DescribeContinuousBackups': {
    'ContinuousBackupsDescription.PointInTimeRecoveryDescription': {
      RecoveryPeriodInDays: { type: 'integer', source: PITR },
    },
  },
  'backup:ListBackupVaults': { 'BackupVaultList[]': { EncryptionKeyType: str(VAULT) } },
  'backup:DescribeRestoreJob': {
    '': {
      SourceResourceArn: str(RESTORE_JOB),
      BackupVaultArn: str(RESTORE_JOB),
      IsParent: { type: 'boolean', source: RESTORE_JOB },
    },
  },
  'ecs:DescribeServices': { 'services[]': ecsService },
  'ecs:UpdateService': { service: ecsService },
  'elasticache:DescribeReplicationGroups': { 'ReplicationGroups[]': replicationGroup },
  'elasticache:TestFailover': { ReplicationGroup: replicationGroup },
};
