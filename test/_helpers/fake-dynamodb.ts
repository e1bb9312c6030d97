import { DrillproofError } from '../../src/errors.js';

/** A table of the in-memory DynamoDB: enough for the restore fault's resolve, inject and undo. */
export interface FakeTable {
  name: string;
  status: string;
  tags: Record<string, string>;
  pitr: boolean;
  restoredFrom?: string;
  /** What a Scan counts (items themselves are not kept). */
  items?: number;
}

type Wrap = <I, O>(
  service: string,
  op: string,
  fn: (i: I) => O,
) => (i: I) => Promise<O & { $metadata: { requestId: string; attempts: number } }>;

const arnOf = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const nameOf = (arn: string | undefined) => (arn ?? '').slice((arn ?? '').indexOf(':table/') + 7).split('/')[0] ?? '';

function notFound(what: string): DrillproofError {
  return DrillproofError.user('AwsResourceNotFound', `${what} not found`, {
    details: { awsCode: 'ResourceNotFoundException' },
  });
}

/** DynamoDB in memory: restores are ACTIVE at once, items are not kept (the lab tests hold the data). */
export function dynamoApi(wrap: Wrap, tables: Map<string, FakeTable>) {
  const table = (name: string | undefined) => {
    const t = tables.get(name ?? '');
    if (!t) throw notFound(`table ${name}`);
    return t;
  };
  const describe = (t: FakeTable) => ({
    TableName: t.name,
    TableArn: arnOf(t.name),
    TableStatus: t.status,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    ...(t.restoredFrom ? { RestoreSummary: { SourceTableArn: arnOf(t.restoredFrom), RestoreInProgress: false } } : {}),
  });
  const restore = (source: string, target: string | undefined) => {
    if (!target) throw DrillproofError.user('AwsCallFailed', 'TargetTableName missing');
    const t: FakeTable = { name: target, status: 'ACTIVE', tags: {}, pitr: false, restoredFrom: source };
    tables.set(target, t);
    return { TableDescription: describe(t) };
  };
  return {
    describeTable: wrap('dynamodb', 'DescribeTable', (i: { TableName?: string }) => ({
      Table: describe(table(i.TableName)),
    })),
    listTables: wrap('dynamodb', 'ListTables', () => ({ TableNames: [...tables.keys()].sort() })),
    listTagsOfResource: wrap('dynamodb', 'ListTagsOfResource', (i: { ResourceArn?: string }) => ({
      Tags: Object.entries(table(nameOf(i.ResourceArn)).tags).map(([Key, Value]) => ({ Key, Value })),
    })),
    tagResource: wrap(
      'dynamodb',
      'TagResource',
      (i: { ResourceArn?: string; Tags?: { Key: string; Value: string }[] }) => {
        const t = table(nameOf(i.ResourceArn));
        for (const x of i.Tags ?? []) t.tags[x.Key] = x.Value;
        return {};
      },
    ),
    describeContinuousBackups: wrap('dynamodb', 'DescribeContinuousBackups', (i: { TableName?: string }) => {
      const t = table(i.TableName);
      return {
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: t.pitr
            ? {
                PointInTimeRecoveryStatus: 'ENABLED',
                EarliestRestorableDateTime: new Date(0),
                LatestRestorableDateTime: new Date(4_000_000_000_000),
              }
            : { PointInTimeRecoveryStatus: 'DISABLED' },
        },
      };
    }),
    restoreTableToPointInTime: wrap(
      'dynamodb',
      'RestoreTableToPointInTime',
      (i: { SourceTableArn?: string; SourceTableName?: string; TargetTableName?: string }) => {
        const src = table(i.SourceTableName ?? nameOf(i.SourceTableArn));
        return restore(src.name, i.TargetTableName);
      },
    ),
    restoreTableFromBackup: wrap(
      'dynamodb',
      'RestoreTableFromBackup',
      (i: { BackupArn?: string; TargetTableName?: string }) => restore(nameOf(i.BackupArn), i.TargetTableName),
    ),
    describeBackup: wrap('dynamodb', 'DescribeBackup', (i: { BackupArn?: string }) => ({
      BackupDescription: { BackupDetails: { BackupArn: i.BackupArn, BackupStatus: 'AVAILABLE' } },
    })),
    deleteTable: wrap('dynamodb', 'DeleteTable', (i: { TableName?: string }) => {
      const t = table(i.TableName);
      tables.delete(t.name);
      return { TableDescription: { ...describe(t), TableStatus: 'DELETING' } };
    }),
    getItem: wrap('dynamodb', 'GetItem', (i: { TableName?: string }) => {
      table(i.TableName);
      return {};
    }),
    scan: wrap('dynamodb', 'Scan', (i: { TableName?: string }) => {
      const n = table(i.TableName).items ?? 0;
      return { Items: [], Count: n, ScannedCount: n };
    }),
    query: wrap('dynamodb', 'Query', (i: { TableName?: string }) => {
      table(i.TableName);
      return { Items: [], Count: 0 };
    }),
    putItem: wrap('dynamodb', 'PutItem', (i: { TableName?: string }) => {
      table(i.TableName);
      return {};
    }),
  };
}
