import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DDB_SEED_ITEMS, DDB_TABLE } from '../../../src/lab/dynamodb/setup.js';
import { eventually } from '../../_helpers/lab.js';
import { dynamoServer } from './_server.js';

let srv: Awaited<ReturnType<typeof dynamoServer>>;
let ddb: DynamoDBClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errName = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: Error) => e.name,
  );

beforeAll(async () => {
  srv = await dynamoServer({ pitrLagMs: 300, transitionMs: 200 });
  ddb = srv.client();
});
afterAll(async () => srv?.close());

async function active(name: string): Promise<void> {
  await eventually(
    async () => (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus === 'ACTIVE',
    10_000,
  );
}

const key = (n: number) => ({ pk: { S: 'v' }, sk: { N: String(n) } });

describe('lab DynamoDB: tables and items (dynalite behind the lab port)', () => {
  it('serves the table operations the drills use, with DynamoDB errors', async () => {
    const tables = await ddb.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([DDB_TABLE]);
    const d = await ddb.send(new DescribeTableCommand({ TableName: DDB_TABLE }));
    expect(d.Table?.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${DDB_TABLE}`);
    expect(d.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const seeded = await ddb.send(new ScanCommand({ TableName: DDB_TABLE }));
    expect(seeded.Items?.length).toBe(DDB_SEED_ITEMS.length);

    await ddb.send(
      new PutItemCommand({
        TableName: DDB_TABLE,
        Item: { ...key(1), n: { N: '1' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    expect(
      await errName(
        ddb.send(
          new PutItemCommand({ TableName: DDB_TABLE, Item: key(1), ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      ),
    ).toBe('ConditionalCheckFailedException');
    const got = await ddb.send(new GetItemCommand({ TableName: DDB_TABLE, Key: key(1), ConsistentRead: true }));
    expect(got.Item?.n).toEqual({ N: '1' });
    const q = await ddb.send(
      new QueryCommand({
        TableName: DDB_TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'order' } },
      }),
    );
    expect(q.Items?.map((i) => i.sk?.N)).toEqual(['1', '2', '3']);
    expect(await errName(ddb.send(new GetItemCommand({ TableName: 'nope-table', Key: key(1) })))).toBe(
      'ResourceNotFoundException',
    );

    await ddb.send(new TagResourceCommand({ ResourceArn: d.Table?.TableArn, Tags: [{ Key: 'team', Value: 'ops' }] }));
    const tags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: d.Table?.TableArn }));
    expect(tags.Tags).toContainEqual({ Key: 'team', Value: 'ops' });
    expect(tags.Tags).toContainEqual({ Key: 'drillproof', Value: 'allowed' });

    await ddb.send(
      new CreateTableCommand({
        TableName: 'scratch',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    expect(
      await errName(
        ddb.send(
          new CreateTableCommand({
            TableName: 'scratch',
            BillingMode: 'PAY_PER_REQUEST',
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          }),
        ),
      ),
    ).toBe('ResourceInUseException');
    await active('scratch');
    const scratchTags = await ddb.send(
      new ListTagsOfResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/scratch' }),
    );
    expect(scratchTags.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    await ddb.send(new DeleteTableCommand({ TableName: 'scratch' }));
    await eventually(
      async () =>
        (await errName(ddb.send(new DescribeTableCommand({ TableName: 'scratch' })))) === 'ResourceNotFoundException',
      10_000,
    );
  });

  it('read-only credentials may read but not write', async () => {
    const ro = srv.client('readonly-user');
    await ro.send(new DescribeTableCommand({ TableName: DDB_TABLE }));
    expect(await errName(ro.send(new PutItemCommand({ TableName: DDB_TABLE, Item: key(99) })))).toBe(
      'AccessDeniedException',
    );
  });
});

describe('lab DynamoDB: point-in-time recovery', () => {
  it('reports the restorable window, trailing now by the lag', async () => {
    const before = Date.now();
    const c = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: DDB_TABLE }));
    const after = Date.now();
    const p = c.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
    expect(c.ContinuousBackupsDescription?.ContinuousBackupsStatus).toBe('ENABLED');
    expect(p?.PointInTimeRecoveryStatus).toBe('ENABLED');
    expect(p?.RecoveryPeriodInDays).toBe(35);
    const latest = p?.LatestRestorableDateTime?.getTime() ?? 0;
    // The server's now lies between before and after; the SDK keeps milliseconds.
    expect(latest).toBeGreaterThanOrEqual(before - 300);
    expect(latest).toBeLessThanOrEqual(after - 300);
    expect(p?.EarliestRestorableDateTime?.getTime()).toBeLessThanOrEqual(latest);
    expect(await errName(ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'nope-table' })))).toBe(
      'TableNotFoundException',
    );
  });

  it('restores exactly the item versions of the restore time (put, update, delete)', async () => {
    // Three versions of item 10, and item 11 deleted later: each restore time sees its own state.
    const marks: number[] = [];
    await ddb.send(new PutItemCommand({ TableName: DDB_TABLE, Item: { ...key(10), v: { N: '1' } } }));
    await ddb.send(new PutItemCommand({ TableName: DDB_TABLE, Item: { ...key(11), v: { N: '1' } } }));
    await sleep(30);
    marks.push(Date.now());
    await sleep(30);
    await ddb.send(
      new UpdateItemCommand({
        TableName: DDB_TABLE,
        Key: key(10),
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': { N: '2' } },
      }),
    );
    await sleep(30);
    marks.push(Date.now());
    await sleep(30);
    await ddb.send(new DeleteItemCommand({ TableName: DDB_TABLE, Key: key(11) }));
    await ddb.send(new PutItemCommand({ TableName: DDB_TABLE, Item: { ...key(10), v: { N: '3' } } }));
    await sleep(30);
    marks.push(Date.now());
    await sleep(400); // past the lag: the last mark is restorable

    const expected = [
      { v10: '1', has11: true },
      { v10: '2', has11: true },
      { v10: '3', has11: false },
    ];
    for (const [i, t] of marks.entries()) {
      const target = `pitr-${i}`;
      const r = await ddb.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: DDB_TABLE,
          TargetTableName: target,
          RestoreDateTime: new Date(t),
        }),
      );
      expect(r.TableDescription?.TableStatus).toBe('CREATING');
      expect(r.TableDescription?.RestoreSummary?.RestoreInProgress).toBe(true);
      expect(r.TableDescription?.RestoreSummary?.SourceTableArn).toContain(`table/${DDB_TABLE}`);
      expect(await errName(ddb.send(new GetItemCommand({ TableName: target, Key: key(10) })))).toBe(
        'ResourceNotFoundException',
      );
      await active(target);
      const d = await ddb.send(new DescribeTableCommand({ TableName: target }));
      expect(d.Table?.RestoreSummary?.RestoreInProgress).toBe(false);
      expect(d.Table?.RestoreSummary?.RestoreDateTime?.getTime()).toBe(t);
      const got10 = await ddb.send(new GetItemCommand({ TableName: target, Key: key(10), ConsistentRead: true }));
      const got11 = await ddb.send(new GetItemCommand({ TableName: target, Key: key(11), ConsistentRead: true }));
      expect({ v10: got10.Item?.v?.N, has11: got11.Item !== undefined }).toEqual(expected[i]);
      const all = await ddb.send(new ScanCommand({ TableName: target }));
      expect(all.Items?.filter((x) => x.pk?.S === 'order').length).toBe(DDB_SEED_ITEMS.length);
    }
  });

  it('rejects what DynamoDB rejects', async () => {
    const now = Date.now();
    expect(
      await errName(
        ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: DDB_TABLE,
            TargetTableName: 'x-future',
            RestoreDateTime: new Date(now + 60_000),
          }),
        ),
      ),
    ).toBe('InvalidRestoreTimeException');
    expect(
      await errName(
        ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: DDB_TABLE,
            TargetTableName: 'x-old',
            RestoreDateTime: new Date(now - 3_600_000),
          }),
        ),
      ),
    ).toBe('InvalidRestoreTimeException');
    expect(
      await errName(
        ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: DDB_TABLE,
            TargetTableName: 'pitr-0',
            UseLatestRestorableTime: true,
          }),
        ),
      ),
    ).toBe('TableAlreadyExistsException');
    expect(
      await errName(
        ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'nope-table',
            TargetTableName: 'x',
            UseLatestRestorableTime: true,
          }),
        ),
      ),
    ).toBe('TableNotFoundException');
    // pitr-0 is a restored table: point-in-time recovery is off there until enabled.
    expect(
      await errName(
        ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'pitr-0',
            TargetTableName: 'x',
            UseLatestRestorableTime: true,
          }),
        ),
      ),
    ).toBe('PointInTimeRecoveryUnavailableException');
    const off = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'pitr-0' }));
    expect(off.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe(
      'DISABLED',
    );
    const on = await ddb.send(
      new UpdateContinuousBackupsCommand({
        TableName: 'pitr-0',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 7 },
      }),
    );
    expect(on.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
    expect(on.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.RecoveryPeriodInDays).toBe(7);
  });
});

describe('lab DynamoDB: on-demand backups', () => {
  it('backs up, lists, describes, restores and deletes', async () => {
    await ddb.send(new PutItemCommand({ TableName: DDB_TABLE, Item: { ...key(20), v: { N: '1' } } }));
    const b = await ddb.send(new CreateBackupCommand({ TableName: DDB_TABLE, BackupName: 'before-change' }));
    const arn = b.BackupDetails?.BackupArn as string;
    expect(arn).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/lab-app\/backup\/\d{14}-[0-9a-f]{8}$/);
    expect(b.BackupDetails?.BackupStatus).toBe('CREATING');
    expect(b.BackupDetails?.BackupType).toBe('USER');
    await ddb.send(new PutItemCommand({ TableName: DDB_TABLE, Item: { ...key(20), v: { N: '2' } } }));
    expect(
      await errName(ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'from-backup' }))),
    ).toBe('BackupInUseException');
    await eventually(
      async () =>
        (await ddb.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription?.BackupDetails
          ?.BackupStatus === 'AVAILABLE',
      5000,
    );
    const d = await ddb.send(new DescribeBackupCommand({ BackupArn: arn }));
    expect(d.BackupDescription?.SourceTableDetails?.TableName).toBe(DDB_TABLE);
    expect(d.BackupDescription?.SourceTableDetails?.BillingMode).toBe('PAY_PER_REQUEST');
    const list = await ddb.send(new ListBackupsCommand({ TableName: DDB_TABLE }));
    expect(list.BackupSummaries?.map((s) => s.BackupArn)).toContain(arn);
    const r = await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'from-backup' }));
    expect(r.TableDescription?.RestoreSummary?.SourceBackupArn).toBe(arn);
    await active('from-backup');
    const got = await ddb.send(new GetItemCommand({ TableName: 'from-backup', Key: key(20), ConsistentRead: true }));
    expect(got.Item?.v).toEqual({ N: '1' });
    await ddb.send(new DeleteBackupCommand({ BackupArn: arn }));
    expect(await errName(ddb.send(new DescribeBackupCommand({ BackupArn: arn })))).toBe('BackupNotFoundException');
  });
});
