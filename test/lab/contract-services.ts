import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeCacheClustersCommand,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { expect } from 'vitest';
import type { AwsApis } from '../../src/aws/apis.js';
import type { MiddlewareStackLike } from '../../src/aws/fis-wire.js';
import type { LabInfo } from '../../src/lab/types.js';
import { eventually } from '../_helpers/lab.js';
import { type CapturedRequest, captureOn } from '../_helpers/sdk-capture.js';

/**
 * The operations of the optional lab parts (DynamoDB, AWS Backup, Lambda, ECS, ElastiCache) as
 * contract-responses.test.ts calls them: through drillproof's API surface where src sends them,
 * through the real v3 clients otherwise, every request and raw answer captured into `sent`.
 */
export async function exerciseLabParts(aws: AwsApis, info: LabInfo, sent: CapturedRequest[]): Promise<void> {
  const cfg = { region: info.region, endpoint: info.awsEndpoint, credentials: info.credentials, maxAttempts: 1 };
  const capture = <C extends { middlewareStack: unknown }>(c: C): C => {
    captureOn(c.middlewareStack as MiddlewareStackLike, sent);
    return c;
  };
  // The heartbeat probe's conditional write (it has its own client).
  const table = info.dynamodb?.tableName as string;
  await capture(new DynamoDBClient(cfg)).send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: 'contract' }, sk: { N: '1' }, note: { S: 'x' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await dynamoAndBackup(aws, info);

  const fn = info.lambda?.functionName as string;
  const lambda = capture(new LambdaClient(cfg));
  await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: new TextEncoder().encode('{"ping":1}') }));
  await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 5 }));
  await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: fn }));
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: fn }));
  // The drill's lease on the function (unqualified ARN), through drillproof's surface.
  const fnArn = info.lambda?.functionArn as string;
  await aws.lambda.tagResource({ Resource: fnArn, Tags: { 'drillproof:lease': 'run@x' } });
  expect((await aws.lambda.listTags({ Resource: fnArn })).Tags?.['drillproof:lease']).toBe('run@x');
  await aws.lambda.untagResource({ Resource: fnArn, TagKeys: ['drillproof:lease'] });
  expect((await aws.lambda.listFunctions({})).Functions?.some((f) => f.FunctionArn === fnArn)).toBe(true);

  const e = info.ecs;
  if (!e) throw new Error('the lab has no ECS part');
  const ecs = capture(new ECSClient(cfg));
  await ecs.send(new DescribeServicesCommand({ cluster: e.clusterName, services: [e.serviceName] }));
  // The drill's lease on the service (its long ARN), through drillproof's surface.
  const resourceArn = e.serviceArn;
  await aws.ecs.tagResource({ resourceArn, tags: [{ key: 'drillproof:lease', value: 'run@x' }] });
  expect((await aws.ecs.listTagsForResource({ resourceArn })).tags).toContainEqual({
    key: 'drillproof:lease',
    value: 'run@x',
  });
  await aws.ecs.untagResource({ resourceArn, tagKeys: ['drillproof:lease'] });
  const tasks = await ecs.send(
    new ListTasksCommand({ cluster: e.clusterName, serviceName: e.serviceName, desiredStatus: 'RUNNING' }),
  );
  const arns = tasks.taskArns ?? [];
  expect(arns.length).toBeGreaterThan(0);
  await ecs.send(new DescribeTasksCommand({ cluster: e.clusterName, tasks: arns }));
  await ecs.send(new StopTaskCommand({ cluster: e.clusterName, task: arns[0] as string, reason: 'contract check' }));
  await ecs.send(
    new UpdateServiceCommand({ cluster: e.clusterName, service: e.serviceName, desiredCount: e.desiredCount }),
  );

  const rg = info.elasticache?.replicationGroupId as string;
  const ec = capture(new ElastiCacheClient(cfg));
  const groups = await ec.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: rg }));
  await ec.send(new DescribeCacheClustersCommand({ ShowCacheNodeInfo: true }));
  const shard = groups.ReplicationGroups?.[0]?.NodeGroups?.[0]?.NodeGroupId as string;
  // The drill's lease on the group (tag calls name it by ARN), through drillproof's surface.
  const ResourceName = groups.ReplicationGroups?.[0]?.ARN as string;
  await aws.elasticache.addTagsToResource({ ResourceName, Tags: [{ Key: 'drillproof:lease', Value: 'run@x' }] });
  await aws.elasticache.listTagsForResource({ ResourceName });
  await aws.elasticache.removeTagsFromResource({ ResourceName, TagKeys: ['drillproof:lease'] });
  await ec.send(new TestFailoverCommand({ ReplicationGroupId: rg, NodeGroupId: shard }));
  await ec.send(new DescribeEventsCommand({ SourceIdentifier: rg, SourceType: 'replication-group', Duration: 60 }));
}

/** The DynamoDB and Backup surface of src/aws/clients.ts: reads, both restores, a Backup restore and its validation. */
async function dynamoAndBackup(aws: AwsApis, info: LabInfo): Promise<void> {
  const d = info.dynamodb;
  const b = info.backup;
  if (!d || !b) throw new Error('the lab has no DynamoDB or Backup part');
  const ddb = aws.dynamodb;
  const table = d.tableName;
  await ddb.describeTable({ TableName: table });
  await ddb.getItem({ TableName: table, Key: { pk: { S: 'contract' }, sk: { N: '1' } }, ConsistentRead: true });
  await ddb.query({
    TableName: table,
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': { S: 'contract' } },
    ConsistentRead: true,
  });
  await ddb.scan({ TableName: table });
  await ddb.listTables({});
  await ddb.listTagsOfResource({ ResourceArn: d.tableArn });
  await ddb.describeContinuousBackups({ TableName: table });
  await ddb.restoreTableToPointInTime({
    SourceTableName: table,
    TargetTableName: `${table}-dp-contract-pitr`,
    UseLatestRestorableTime: true,
  });
  const backups = await ddb.listBackups({ TableName: table, BackupType: 'ALL' });
  const backupArn = backups.BackupSummaries?.[0]?.BackupArn as string;
  expect(backupArn).toBeTruthy();
  await ddb.describeBackup({ BackupArn: backupArn });
  await ddb.restoreTableFromBackup({ TargetTableName: `${table}-dp-contract-bak`, BackupArn: backupArn });

  const bk = aws.backup;
  await bk.listBackupVaults({});
  await bk.listRecoveryPointsByBackupVault({ BackupVaultName: b.vaultName, ByResourceArn: d.tableArn });
  const points = await bk.listRecoveryPointsByResource({ ResourceArn: d.tableArn });
  const rp = points.RecoveryPoints?.find((p) => p.Status === 'COMPLETED')?.RecoveryPointArn as string;
  expect(rp).toBeTruthy();
  await bk.describeRecoveryPoint({ BackupVaultName: b.vaultName, RecoveryPointArn: rp });
  const meta = await bk.getRecoveryPointRestoreMetadata({ BackupVaultName: b.vaultName, RecoveryPointArn: rp });
  const job = await bk.startRestoreJob({
    RecoveryPointArn: rp,
    Metadata: { ...meta.RestoreMetadata, targetTableName: `${table}-dp-contract-rp` },
    IamRoleArn: b.roleArn,
    ResourceType: 'DynamoDB',
  });
  const id = job.RestoreJobId as string;
  await eventually(async () => (await bk.describeRestoreJob({ RestoreJobId: id })).Status === 'COMPLETED', 60_000, 200);
  await bk.putRestoreValidationResult({ RestoreJobId: id, ValidationStatus: 'SUCCESSFUL' });

  for (const t of ['pitr', 'bak', 'rp'].map((s) => `${table}-dp-contract-${s}`)) {
    await eventually(
      async () => (await ddb.describeTable({ TableName: t })).Table?.TableStatus === 'ACTIVE',
      60_000,
      200,
    );
    await ddb.deleteTable({ TableName: t });
  }
  await auroraRestore(aws, info);
}

/** An Aurora recovery point restored (a cluster with no instance), an instance added, both deleted. */
async function auroraRestore(aws: AwsApis, info: LabInfo): Promise<void> {
  const b = info.backup;
  const a = info.aurora;
  if (!b || !a) throw new Error('the lab has no Backup part or no lab-aurora');
  const points = await aws.backup.listRecoveryPointsByBackupVault({
    BackupVaultName: b.vaultName,
    ByResourceArn: a.arn,
  });
  const rp = points.RecoveryPoints?.find((p) => p.Status === 'COMPLETED')?.RecoveryPointArn as string;
  const meta = await aws.backup.getRecoveryPointRestoreMetadata({ BackupVaultName: b.vaultName, RecoveryPointArn: rp });
  const cluster = `${a.clusterId}-dp-contract-rp`;
  const job = await aws.backup.startRestoreJob({
    RecoveryPointArn: rp,
    Metadata: { ...meta.RestoreMetadata, DBClusterIdentifier: cluster },
    IamRoleArn: b.roleArn,
    ResourceType: 'Aurora',
  });
  const id = job.RestoreJobId as string;
  await eventually(
    async () => (await aws.backup.describeRestoreJob({ RestoreJobId: id })).Status === 'COMPLETED',
    90_000,
    200,
  );
  const instance = `${cluster}-1`;
  await aws.rds.createDBInstance({
    DBInstanceIdentifier: instance,
    DBClusterIdentifier: cluster,
    DBInstanceClass: 'db.t4g.medium',
    Engine: 'aurora-postgresql',
  });
  const status = async () =>
    (await aws.rds.describeDBInstances({ DBInstanceIdentifier: instance })).DBInstances?.[0]?.DBInstanceStatus;
  await eventually(async () => (await status()) === 'available', 90_000, 200);
  // The restored cluster's own answer (members, endpoint) is checked against the model too.
  await aws.rds.describeDBClusters({ DBClusterIdentifier: cluster });
  await aws.rds.deleteDBInstance({ DBInstanceIdentifier: instance, SkipFinalSnapshot: true });
  await aws.rds.deleteDBCluster({ DBClusterIdentifier: cluster, SkipFinalSnapshot: true });
}
