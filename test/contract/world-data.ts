import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DrillproofError } from '../../src/errors.js';

/**
 * The DynamoDB and AWS Backup part of the in-memory account (world.ts): one table `app`
 * (`pk` S + `sk` N), its continuous backups and one on-demand backup, one vault with one
 * recovery point of the table, and restores that copy the table. Query and Scan answer two
 * items per page, so paging is exercised.
 */
type Item = Record<string, AttributeValue>;
const ACCOUNT = '000000000000';
export const DATA_TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/app`;
export const DATA_BACKUP_ARN = `${DATA_TABLE_ARN}/backup/01700000000000-abcdef12`;
export const DATA_VAULT = 'drills';
export const DATA_RECOVERY_POINT = `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45`;
const at = new Date('2026-03-01T12:00:00Z');

const notFound = (what: string) =>
  DrillproofError.user('AwsResourceNotFound', `no ${what}`, { details: { awsCode: 'ResourceNotFoundException' } });

export function dataWorld() {
  const tables = new Map<string, Map<string, Item>>([['app', new Map()]]);
  const keyOf = (i: Item) => `${i.pk?.S}/${i.sk?.N ?? i.sk?.S}`;
  const table = (name: string) => {
    const t = tables.get(name.replace(/^arn:.*:table\//, ''));
    if (!t) throw notFound(`table ${name}`);
    return t;
  };
  const desc = (name: string, status = 'ACTIVE') => ({
    TableName: name,
    TableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`,
    TableStatus: status,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
  });
  /** Two items a page, the rest behind LastEvaluatedKey (as DynamoDB's 1 MB pages would). */
  const page = (items: Item[], start: Item | undefined) => {
    const from = start ? items.findIndex((i) => keyOf(i) === keyOf(start)) + 1 : 0;
    const slice = items.slice(from, from + 2);
    const last = slice[slice.length - 1];
    return {
      Items: slice,
      Count: slice.length,
      ScannedCount: slice.length,
      ...(from + 2 < items.length && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } as Item } : {}),
    };
  };
  const restored = (name: string) => {
    tables.set(name, new Map(tables.get('app')));
    return {
      TableDescription: {
        ...desc(name, 'CREATING'),
        RestoreSummary: { SourceTableArn: DATA_TABLE_ARN, RestoreDateTime: at, RestoreInProgress: true },
      },
    };
  };
  const point = {
    RecoveryPointArn: DATA_RECOVERY_POINT,
    BackupVaultName: DATA_VAULT,
    ResourceArn: DATA_TABLE_ARN,
    ResourceType: 'DynamoDB',
    Status: 'COMPLETED',
    CreationDate: at,
  };
  const jobs = new Map<
    string,
    { RestoreJobId: string; Status: string; CreatedResourceArn: string; ValidationStatus?: string }
  >();

  const dynamodb = {
    describeTable: (i: { TableName: string }) => {
      table(i.TableName);
      return { Table: desc(i.TableName) };
    },
    listTables: () => ({ TableNames: [...tables.keys()] }),
    listTagsOfResource: () => ({ Tags: [{ Key: 'app', Value: 'web' }] }),
    putItem: (i: { TableName: string; Item: Item }) => {
      table(i.TableName).set(keyOf(i.Item), i.Item);
      return {};
    },
    getItem: (i: { TableName: string; Key: Item }) => {
      const item = table(i.TableName).get(keyOf(i.Key));
      return item ? { Item: item } : {};
    },
    query: (i: { TableName: string; ExpressionAttributeValues: Item; ExclusiveStartKey?: Item }) => {
      const want = Object.values(i.ExpressionAttributeValues)[0]?.S;
      const items = [...table(i.TableName).values()].filter((x) => x.pk?.S === want);
      return page(items, i.ExclusiveStartKey);
    },
    scan: (i: { TableName: string; ExclusiveStartKey?: Item }) =>
      page([...table(i.TableName).values()], i.ExclusiveStartKey),
    describeContinuousBackups: (i: { TableName: string }) => {
      table(i.TableName);
      return {
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: {
            PointInTimeRecoveryStatus: 'ENABLED',
            EarliestRestorableDateTime: at,
            LatestRestorableDateTime: new Date(at.getTime() + 3_600_000),
          },
        },
      };
    },
    restoreTableToPointInTime: (i: { TargetTableName: string }) => restored(i.TargetTableName),
    restoreTableFromBackup: (i: { TargetTableName: string }) => restored(i.TargetTableName),
    describeBackup: (i: { BackupArn: string }) => {
      if (i.BackupArn !== DATA_BACKUP_ARN) throw notFound(`backup ${i.BackupArn}`);
      return {
        BackupDescription: {
          BackupDetails: {
            BackupArn: DATA_BACKUP_ARN,
            BackupName: 'before',
            BackupStatus: 'AVAILABLE',
            BackupType: 'USER',
            BackupCreationDateTime: at,
          },
        },
      };
    },
    listBackups: () => ({
      BackupSummaries: [
        {
          TableName: 'app',
          TableArn: DATA_TABLE_ARN,
          BackupArn: DATA_BACKUP_ARN,
          BackupStatus: 'AVAILABLE',
          BackupType: 'USER',
        },
      ],
    }),
    deleteTable: (i: { TableName: string }) => {
      table(i.TableName);
      tables.delete(i.TableName);
      return { TableDescription: desc(i.TableName, 'DELETING') };
    },
  };

  const backup = {
    listBackupVaults: () => ({
      BackupVaultList: [
        {
          BackupVaultName: DATA_VAULT,
          BackupVaultArn: `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:${DATA_VAULT}`,
        },
      ],
    }),
    listRecoveryPointsByBackupVault: () => ({ RecoveryPoints: [point] }),
    listRecoveryPointsByResource: () => ({
      RecoveryPoints: [
        { RecoveryPointArn: DATA_RECOVERY_POINT, CreationDate: at, Status: 'COMPLETED', BackupVaultName: DATA_VAULT },
      ],
    }),
    describeRecoveryPoint: () => point,
    getRecoveryPointRestoreMetadata: () => ({
      RecoveryPointArn: DATA_RECOVERY_POINT,
      RestoreMetadata: { targetTableName: 'app' },
    }),
    startRestoreJob: (i: { Metadata: Record<string, string> }) => {
      const id = `job-${jobs.size + 1}`;
      const name = i.Metadata.targetTableName ?? 'restored';
      restored(name);
      jobs.set(id, {
        RestoreJobId: id,
        Status: 'COMPLETED',
        CreatedResourceArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${name}`,
      });
      return { RestoreJobId: id };
    },
    describeRestoreJob: (i: { RestoreJobId: string }) => {
      const j = jobs.get(i.RestoreJobId);
      if (!j) throw notFound(`restore job ${i.RestoreJobId}`);
      return j;
    },
    putRestoreValidationResult: (i: { RestoreJobId: string; ValidationStatus: string }) => {
      const j = jobs.get(i.RestoreJobId);
      if (!j) throw notFound(`restore job ${i.RestoreJobId}`);
      j.ValidationStatus = i.ValidationStatus;
      return {};
    },
  };
  return { dynamodb, backup, tables, jobs };
}
