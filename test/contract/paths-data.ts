import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'vitest';
import { runDynamoChecks } from '../../src/aws/dynamodb-checks.js';
import type { MiddlewareStackLike } from '../../src/aws/fis-wire.js';
import { dynamoHeartbeatApiOver } from '../../src/aws/probe-apis.js';
import { DynamoHeartbeatDriver } from '../../src/probes/kinds/dynamodb.js';
import { LambdaProbe } from '../../src/probes/kinds/lambda/runner.js';
import { type CapturedRequest, captureOn, sdkBacked } from '../_helpers/sdk-capture.js';
import { world } from './world.js';
import { DATA_BACKUP_ARN, DATA_RECOVERY_POINT, DATA_TABLE_ARN, DATA_VAULT } from './world-data.js';

/**
 * The DynamoDB, AWS Backup and Lambda code paths of src through the real SDK clients, answered
 * by the in-memory account: the DynamoDB heartbeat driver (its own client), the table checks, the
 * lambda probe (its own client), and the DynamoDB and Backup restore surface of src/aws/clients.ts.
 */
const target = { region: 'us-east-1', credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' } };
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export async function dataPaths(sent: CapturedRequest[]): Promise<void> {
  const w = world();
  const fake = w.aws as unknown as Record<string, Record<string, (i: unknown) => unknown>>;
  const respond = (service: string, op: string, input: unknown) => {
    const fn = fake[service]?.[lowerFirst(op)];
    if (!fn) throw new Error(`the fake has no ${service}.${lowerFirst(op)}`);
    return fn(input);
  };

  // The heartbeat driver: DescribeTable once, conditional PutItem per beat, paged consistent Query.
  const ddb = new DynamoDBClient({ ...target, maxAttempts: 1 });
  captureOn(ddb.middlewareStack as unknown as MiddlewareStackLike, sent, respond);
  const driver = new DynamoHeartbeatDriver(
    {
      kind: 'dynamodb-heartbeat',
      name: 'orders',
      intervalMs: 100,
      timeoutMs: 1000,
      maxInFlight: 4,
      table: 'app',
      partitionKey: 'pk',
      sortKey: 'sk',
      aws: target,
      connectTimeoutMs: 1000,
    },
    dynamoHeartbeatApiOver(ddb),
  );
  for (let seq = 1; seq <= 5; seq++) {
    await driver.write({ runId: 'run-contract', seq }, AbortSignal.timeout(1000), () => Date.now());
  }
  expect((await driver.readBack('run-contract', 1000)).seqs).toEqual([1, 2, 3, 4, 5]);
  await driver.close();

  // Table checks after a restore, and the restore surface of the API (paged reads merged).
  const apis = sdkBacked(w.aws, () => {}, sent);
  const checks = await runDynamoChecks(apis.dynamodb, 'app', [
    {
      name: 'beat 3',
      getItem: { key: { pk: { S: 'run-contract' }, sk: { N: '3' } } },
      expect: { item: { seq: { N: '3' } } },
    },
    {
      name: 'all beats',
      query: { keyCondition: 'pk = :run', values: { ':run': { S: 'run-contract' } } },
      expect: { count: 5 },
    },
  ]);
  expect(checks.map((c) => [c.name, c.ok])).toEqual([
    ['beat 3', true],
    ['all beats', true],
  ]);
  const scan = await apis.dynamodb.scan({ TableName: 'app' });
  expect([scan.Items?.length, scan.Count, scan.ScannedCount]).toEqual([5, 5, 5]);
  await apis.dynamodb.listTables({});
  await apis.dynamodb.describeTable({ TableName: 'app' });
  await apis.dynamodb.listTagsOfResource({ ResourceArn: DATA_TABLE_ARN });
  await apis.dynamodb.describeContinuousBackups({ TableName: 'app' });
  await apis.dynamodb.restoreTableToPointInTime({
    SourceTableArn: DATA_TABLE_ARN,
    TargetTableName: 'app-dp-run-contract',
    RestoreDateTime: new Date('2026-03-01T12:30:00Z'),
  });
  await apis.dynamodb.listBackups({ TableName: 'app', BackupType: 'ALL' });
  await apis.dynamodb.describeBackup({ BackupArn: DATA_BACKUP_ARN });
  await apis.dynamodb.restoreTableFromBackup({ TargetTableName: 'app-dp-run-contract-b', BackupArn: DATA_BACKUP_ARN });
  await apis.dynamodb.deleteTable({ TableName: 'app-dp-run-contract' });
  await apis.dynamodb.deleteTable({ TableName: 'app-dp-run-contract-b' });

  await apis.backup.listBackupVaults({});
  await apis.backup.listRecoveryPointsByBackupVault({ BackupVaultName: DATA_VAULT, ByResourceArn: DATA_TABLE_ARN });
  await apis.backup.listRecoveryPointsByResource({ ResourceArn: DATA_TABLE_ARN });
  await apis.backup.describeRecoveryPoint({ BackupVaultName: DATA_VAULT, RecoveryPointArn: DATA_RECOVERY_POINT });
  const meta = await apis.backup.getRecoveryPointRestoreMetadata({
    BackupVaultName: DATA_VAULT,
    RecoveryPointArn: DATA_RECOVERY_POINT,
  });
  const job = await apis.backup.startRestoreJob({
    RecoveryPointArn: DATA_RECOVERY_POINT,
    Metadata: { ...meta.RestoreMetadata, targetTableName: 'app-dp-run-contract-c' },
    IamRoleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
    ResourceType: 'DynamoDB',
  });
  await apis.backup.describeRestoreJob({ RestoreJobId: job.RestoreJobId as string });
  await apis.backup.putRestoreValidationResult({
    RestoreJobId: job.RestoreJobId as string,
    ValidationStatus: 'SUCCESSFUL',
    ValidationStatusMessage: '2 of 2 checks passed',
  });

  // An Aurora restore (AWS Backup made the cluster only): the drill's instance in it, and the undo's deletes.
  await apis.rds.createDBInstance({
    DBInstanceIdentifier: 'cl1-dp-run-contract-r-1',
    DBClusterIdentifier: 'cl1-dp-run-contract-r',
    DBInstanceClass: 'db.t4g.medium',
    Engine: 'aurora-postgresql',
  });
  await apis.rds.deleteDBCluster({ DBClusterIdentifier: 'cl1-dp-run-contract-r', SkipFinalSnapshot: true });

  // The lambda probe: one synchronous Invoke per sample.
  const lambda = new LambdaClient({ ...target, maxAttempts: 1 });
  captureOn(lambda.middlewareStack as unknown as MiddlewareStackLike, sent, () => ({
    StatusCode: 200,
    ExecutedVersion: '$LATEST',
    Payload: new TextEncoder().encode('{"ok":true}'),
  }));
  const probe = new LambdaProbe(
    {
      kind: 'lambda',
      name: 'fn',
      intervalMs: 100,
      timeoutMs: 1000,
      maxInFlight: 4,
      functionName: 'orders',
      qualifier: '$LATEST',
      payload: '{"ping":1}',
      expect: { status: [200], functionError: false, bodyContains: 'ok' },
      aws: target,
    },
    { invoke: (i, o) => lambda.send(new InvokeCommand(i), o), destroy: () => lambda.destroy() },
  );
  expect(await probe.attempt({ signal: AbortSignal.timeout(1000) } as never)).toMatchObject({ ok: true, status: 200 });
  await probe.close();
}
