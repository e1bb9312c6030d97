import {
  DescribeAutoScalingGroupsCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByResourceCommand,
  PutRestoreValidationResultCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeCacheClustersCommand,
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';

/**
 * Golden requests: each operation the coming fault modules send (ECS tasks and services, Lambda
 * concurrency and invocation, ElastiCache failover, DynamoDB and AWS Backup restores, Auto Scaling
 * processes), built with the real v3 command as a module would send it. `golden-requests.test.ts`
 * sends each through the real client (answered in process by `answer`), validates the input
 * against AWS's model, pins the serialized request (`wire`) and reads the wire back through the
 * model's HTTP bindings. A module that sends one of these only adds its code-path capture.
 */
export interface Golden {
  service: string;
  operation: string;
  command: { input: object };
  /** The request as the client serializes it: method, path, the protocol's headers, the body. */
  wire: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
  };
  /** A model-conforming answer (HTTP status, headers, body) and what the SDK must read from it. */
  answer: { status?: number; headers?: Record<string, string>; body: string };
  reads: (out: Record<string, unknown>) => unknown;
  expect: unknown;
}

const A = 'us-east-1:000000000000';
const TASK = `arn:aws:ecs:${A}:task/lab-cluster/0123456789abcdef0123456789abcdef`;
const ECS = 'AmazonEC2ContainerServiceV20141113';
const FN = `arn:aws:lambda:${A}:function:lab-orders`;
const TABLE = `arn:aws:dynamodb:${A}:table/lab-app`;
const BACKUP = `${TABLE}/backup/01700000000000-abcdef12`;
const RP = `arn:aws:backup:${A}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45`;
const JOB = 'a1b2c3d4-0000-4000-8000-000000000001';
const AT = new Date('2026-03-01T12:00:00.000Z');
const json = (v: unknown) => JSON.stringify(v);
const ecsWire = (op: string, body: unknown) => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `${ECS}.${op}`, 'content-type': 'application/x-amz-json-1.1' },
  body,
});
const ddbWire = (op: string, body: unknown) => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `DynamoDB_20120810.${op}`, 'content-type': 'application/x-amz-json-1.0' },
  body,
});
const query = (body: Record<string, string>) => ({ method: 'POST', path: '/', body });
const xml = (op: string, ns: string, result: string) =>
  `<${op}Response xmlns="${ns}"><${op}Result>${result}</${op}Result><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></${op}Response>`;
const EC_NS = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
const AS_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const asEmpty = (op: string) =>
  `<${op}Response xmlns="${AS_NS}"><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></${op}Response>`;
const group = '<ReplicationGroupId>lab-redis</ReplicationGroupId><Status>available</Status>';
const processes = { AutoScalingGroupName: 'web-asg', ScalingProcesses: ['Launch', 'ReplaceUnhealthy'] };
const processesWire = (op: string) =>
  query({
    Action: op,
    Version: '2011-01-01',
    AutoScalingGroupName: 'web-asg',
    'ScalingProcesses.member.1': 'Launch',
    'ScalingProcesses.member.2': 'ReplaceUnhealthy',
  });

export const GOLDEN_REQUESTS: Golden[] = [
  {
    service: 'ecs',
    operation: 'ListTasks',
    command: new ListTasksCommand({
      cluster: 'lab-cluster',
      serviceName: 'lab-api',
      desiredStatus: 'RUNNING',
      maxResults: 100,
    }),
    wire: ecsWire('ListTasks', {
      cluster: 'lab-cluster',
      serviceName: 'lab-api',
      desiredStatus: 'RUNNING',
      maxResults: 100,
    }),
    answer: { body: json({ taskArns: [TASK] }) },
    reads: (o) => o.taskArns,
    expect: [TASK],
  },
  {
    service: 'ecs',
    operation: 'DescribeTasks',
    command: new DescribeTasksCommand({ cluster: 'lab-cluster', tasks: [TASK], include: ['TAGS'] }),
    wire: ecsWire('DescribeTasks', { cluster: 'lab-cluster', tasks: [TASK], include: ['TAGS'] }),
    answer: {
      body: json({
        tasks: [
          {
            taskArn: TASK,
            availabilityZone: 'us-east-1a',
            lastStatus: 'RUNNING',
            desiredStatus: 'RUNNING',
            startedAt: 1772366400,
          },
        ],
        failures: [],
      }),
    },
    reads: (o) =>
      (o.tasks as { availabilityZone: string; startedAt: Date }[]).map((t) => [
        t.availabilityZone,
        t.startedAt.toISOString(),
      ]),
    expect: [['us-east-1a', '2026-03-01T12:00:00.000Z']],
  },
  {
    service: 'ecs',
    operation: 'StopTask',
    command: new StopTaskCommand({ cluster: 'lab-cluster', task: TASK, reason: 'drillproof run r1: stop one task' }),
    wire: ecsWire('StopTask', { cluster: 'lab-cluster', task: TASK, reason: 'drillproof run r1: stop one task' }),
    answer: {
      body: json({
        task: { taskArn: TASK, desiredStatus: 'STOPPED', lastStatus: 'RUNNING', stopCode: 'UserInitiated' },
      }),
    },
    reads: (o) => (o.task as { desiredStatus: string; stopCode: string }).stopCode,
    expect: 'UserInitiated',
  },
  {
    service: 'ecs',
    operation: 'DescribeServices',
    command: new DescribeServicesCommand({ cluster: 'lab-cluster', services: ['lab-api'] }),
    wire: ecsWire('DescribeServices', { cluster: 'lab-cluster', services: ['lab-api'] }),
    answer: { body: json({ services: [{ serviceName: 'lab-api', desiredCount: 4, runningCount: 4 }], failures: [] }) },
    reads: (o) => (o.services as { desiredCount: number }[])[0]?.desiredCount,
    expect: 4,
  },
  {
    service: 'ecs',
    operation: 'UpdateService',
    command: new UpdateServiceCommand({ cluster: 'lab-cluster', service: 'lab-api', desiredCount: 2 }),
    wire: ecsWire('UpdateService', { cluster: 'lab-cluster', service: 'lab-api', desiredCount: 2 }),
    answer: { body: json({ service: { serviceName: 'lab-api', desiredCount: 2 } }) },
    reads: (o) => (o.service as { desiredCount: number }).desiredCount,
    expect: 2,
  },
  {
    service: 'lambda',
    operation: 'GetFunctionConfiguration',
    command: new GetFunctionConfigurationCommand({ FunctionName: 'lab-orders' }),
    wire: { method: 'GET', path: '/2015-03-31/functions/lab-orders/configuration' },
    answer: { body: json({ FunctionName: 'lab-orders', FunctionArn: FN, Timeout: 3, State: 'Active' }) },
    reads: (o) => [o.FunctionArn, o.Timeout],
    expect: [FN, 3],
  },
  {
    service: 'lambda',
    operation: 'GetFunctionConcurrency',
    command: new GetFunctionConcurrencyCommand({ FunctionName: FN }),
    wire: { method: 'GET', path: `/2019-09-30/functions/${encodeURIComponent(FN)}/concurrency` },
    answer: { body: json({ ReservedConcurrentExecutions: 5 }) },
    reads: (o) => o.ReservedConcurrentExecutions,
    expect: 5,
  },
  {
    service: 'lambda',
    operation: 'PutFunctionConcurrency',
    command: new PutFunctionConcurrencyCommand({ FunctionName: 'lab-orders', ReservedConcurrentExecutions: 0 }),
    wire: {
      method: 'PUT',
      path: '/2017-10-31/functions/lab-orders/concurrency',
      headers: { 'content-type': 'application/json' },
      body: { ReservedConcurrentExecutions: 0 },
    },
    answer: { body: json({ ReservedConcurrentExecutions: 0 }) },
    reads: (o) => o.ReservedConcurrentExecutions,
    expect: 0,
  },
  {
    service: 'lambda',
    operation: 'DeleteFunctionConcurrency',
    command: new DeleteFunctionConcurrencyCommand({ FunctionName: 'lab-orders' }),
    wire: { method: 'DELETE', path: '/2017-10-31/functions/lab-orders/concurrency' },
    answer: { status: 204, body: '' },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 204,
  },
  {
    service: 'lambda',
    operation: 'Invoke',
    command: new InvokeCommand({
      FunctionName: 'lab-orders',
      InvocationType: 'RequestResponse',
      Qualifier: '$LATEST',
      Payload: new TextEncoder().encode('{"ok":true}'),
    }),
    wire: {
      method: 'POST',
      path: '/2015-03-31/functions/lab-orders/invocations',
      query: { Qualifier: '$LATEST' },
      headers: { 'x-amz-invocation-type': 'RequestResponse' },
      body: { ok: true },
    },
    answer: {
      headers: { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
      body: '{"errorMessage":"x"}',
    },
    reads: (o) => [o.StatusCode, o.FunctionError, o.ExecutedVersion, new TextDecoder().decode(o.Payload as Uint8Array)],
    expect: [200, 'Unhandled', '$LATEST', '{"errorMessage":"x"}'],
  },
  {
    service: 'elasticache',
    operation: 'DescribeReplicationGroups',
    command: new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'lab-redis' }),
    wire: query({ Action: 'DescribeReplicationGroups', Version: '2015-02-02', ReplicationGroupId: 'lab-redis' }),
    answer: {
      body: xml(
        'DescribeReplicationGroups',
        EC_NS,
        `<ReplicationGroups><ReplicationGroup>${group}</ReplicationGroup></ReplicationGroups>`,
      ),
    },
    reads: (o) => (o.ReplicationGroups as { Status: string }[]).map((g) => g.Status),
    expect: ['available'],
  },
  {
    service: 'elasticache',
    operation: 'TestFailover',
    command: new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0001' }),
    wire: query({
      Action: 'TestFailover',
      Version: '2015-02-02',
      ReplicationGroupId: 'lab-redis',
      NodeGroupId: '0001',
    }),
    answer: {
      body: xml(
        'TestFailover',
        EC_NS,
        `<ReplicationGroup>${group.replace('available', 'modifying')}</ReplicationGroup>`,
      ),
    },
    reads: (o) => (o.ReplicationGroup as { Status: string }).Status,
    expect: 'modifying',
  },
  {
    service: 'elasticache',
    operation: 'DescribeEvents',
    command: new DescribeEventsCommand({
      SourceType: 'replication-group',
      SourceIdentifier: 'lab-redis',
      StartTime: AT,
      MaxRecords: 100,
    }),
    wire: query({
      Action: 'DescribeEvents',
      Version: '2015-02-02',
      SourceIdentifier: 'lab-redis',
      SourceType: 'replication-group',
      StartTime: '2026-03-01T12:00:00Z',
      MaxRecords: '100',
    }),
    answer: {
      body: xml(
        'DescribeEvents',
        EC_NS,
        '<Events><Event><SourceIdentifier>lab-redis</SourceIdentifier><SourceType>replication-group</SourceType><Message>Test Failover API called for node group 0001</Message><Date>2026-03-01T12:00:01.000Z</Date></Event></Events>',
      ),
    },
    reads: (o) => (o.Events as { Message: string }[]).map((e) => e.Message),
    expect: ['Test Failover API called for node group 0001'],
  },
  {
    service: 'elasticache',
    operation: 'DescribeCacheClusters',
    command: new DescribeCacheClustersCommand({ CacheClusterId: 'lab-redis-001', ShowCacheNodeInfo: true }),
    wire: query({
      Action: 'DescribeCacheClusters',
      Version: '2015-02-02',
      CacheClusterId: 'lab-redis-001',
      ShowCacheNodeInfo: 'true',
    }),
    answer: {
      body: xml(
        'DescribeCacheClusters',
        EC_NS,
        '<CacheClusters><CacheCluster><CacheClusterId>lab-redis-001</CacheClusterId><PreferredAvailabilityZone>us-east-1a</PreferredAvailabilityZone></CacheCluster></CacheClusters>',
      ),
    },
    reads: (o) => (o.CacheClusters as { PreferredAvailabilityZone: string }[]).map((c) => c.PreferredAvailabilityZone),
    expect: ['us-east-1a'],
  },
  {
    service: 'dynamodb',
    operation: 'RestoreTableToPointInTime',
    command: new RestoreTableToPointInTimeCommand({
      SourceTableName: 'lab-app',
      TargetTableName: 'lab-app-dp-r1',
      RestoreDateTime: AT,
    }),
    wire: ddbWire('RestoreTableToPointInTime', {
      SourceTableName: 'lab-app',
      TargetTableName: 'lab-app-dp-r1',
      RestoreDateTime: 1772366400,
    }),
    answer: {
      body: json({
        TableDescription: {
          TableName: 'lab-app-dp-r1',
          TableStatus: 'CREATING',
          RestoreSummary: { SourceTableArn: TABLE, RestoreDateTime: 1772366400, RestoreInProgress: true },
        },
      }),
    },
    reads: (o) => (o.TableDescription as { TableStatus: string }).TableStatus,
    expect: 'CREATING',
  },
  {
    service: 'dynamodb',
    operation: 'RestoreTableFromBackup',
    command: new RestoreTableFromBackupCommand({ TargetTableName: 'lab-app-dp-r2', BackupArn: BACKUP }),
    wire: ddbWire('RestoreTableFromBackup', { TargetTableName: 'lab-app-dp-r2', BackupArn: BACKUP }),
    answer: { body: json({ TableDescription: { TableName: 'lab-app-dp-r2', TableStatus: 'CREATING' } }) },
    reads: (o) => (o.TableDescription as { TableName: string }).TableName,
    expect: 'lab-app-dp-r2',
  },
  {
    service: 'dynamodb',
    operation: 'DescribeContinuousBackups',
    command: new DescribeContinuousBackupsCommand({ TableName: 'lab-app' }),
    wire: ddbWire('DescribeContinuousBackups', { TableName: 'lab-app' }),
    answer: {
      body: json({
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: {
            PointInTimeRecoveryStatus: 'ENABLED',
            LatestRestorableDateTime: 1772366400,
          },
        },
      }),
    },
    reads: (o) =>
      (
        o.ContinuousBackupsDescription as { PointInTimeRecoveryDescription: { LatestRestorableDateTime: Date } }
      ).PointInTimeRecoveryDescription.LatestRestorableDateTime.toISOString(),
    expect: '2026-03-01T12:00:00.000Z',
  },
  {
    service: 'dynamodb',
    operation: 'DeleteTable',
    command: new DeleteTableCommand({ TableName: 'lab-app-dp-r1' }),
    wire: ddbWire('DeleteTable', { TableName: 'lab-app-dp-r1' }),
    answer: { body: json({ TableDescription: { TableName: 'lab-app-dp-r1', TableStatus: 'DELETING' } }) },
    reads: (o) => (o.TableDescription as { TableStatus: string }).TableStatus,
    expect: 'DELETING',
  },
  {
    service: 'backup',
    operation: 'StartRestoreJob',
    command: new StartRestoreJobCommand({
      RecoveryPointArn: RP,
      Metadata: { targetTableName: 'lab-app-dp-r3' },
      IamRoleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
      ResourceType: 'DynamoDB',
      IdempotencyToken: 'dp-r3',
    }),
    wire: {
      method: 'PUT',
      path: '/restore-jobs',
      headers: { 'content-type': 'application/json' },
      body: {
        RecoveryPointArn: RP,
        Metadata: { targetTableName: 'lab-app-dp-r3' },
        IamRoleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
        ResourceType: 'DynamoDB',
        IdempotencyToken: 'dp-r3',
      },
    },
    answer: { body: json({ RestoreJobId: JOB }) },
    reads: (o) => o.RestoreJobId,
    expect: JOB,
  },
  {
    service: 'backup',
    operation: 'DescribeRestoreJob',
    command: new DescribeRestoreJobCommand({ RestoreJobId: JOB }),
    wire: { method: 'GET', path: `/restore-jobs/${JOB}` },
    answer: {
      body: json({
        RestoreJobId: JOB,
        Status: 'COMPLETED',
        CreatedResourceArn: `arn:aws:dynamodb:${A}:table/lab-app-dp-r3`,
        CompletionDate: 1772366460,
      }),
    },
    reads: (o) => [o.Status, (o.CompletionDate as Date).toISOString()],
    expect: ['COMPLETED', '2026-03-01T12:01:00.000Z'],
  },
  {
    service: 'backup',
    operation: 'PutRestoreValidationResult',
    command: new PutRestoreValidationResultCommand({
      RestoreJobId: JOB,
      ValidationStatus: 'SUCCESSFUL',
      ValidationStatusMessage: 'drillproof: 3 of 3 checks passed',
    }),
    wire: {
      method: 'PUT',
      path: `/restore-jobs/${JOB}/validations`,
      headers: { 'content-type': 'application/json' },
      body: { ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: 'drillproof: 3 of 3 checks passed' },
    },
    answer: { status: 204, body: '' },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 204,
  },
  {
    service: 'backup',
    operation: 'GetRecoveryPointRestoreMetadata',
    command: new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: 'lab-vault', RecoveryPointArn: RP }),
    wire: {
      method: 'GET',
      path: `/backup-vaults/lab-vault/recovery-points/${encodeURIComponent(RP)}/restore-metadata`,
    },
    answer: {
      body: json({ RecoveryPointArn: RP, RestoreMetadata: { targetTableName: 'lab-app' }, ResourceType: 'DynamoDB' }),
    },
    reads: (o) => o.RestoreMetadata,
    expect: { targetTableName: 'lab-app' },
  },
  {
    service: 'backup',
    operation: 'ListRecoveryPointsByResource',
    command: new ListRecoveryPointsByResourceCommand({ ResourceArn: TABLE, MaxResults: 100 }),
    wire: {
      method: 'GET',
      path: `/resources/${encodeURIComponent(TABLE)}/recovery-points`,
      query: { maxResults: '100' },
    },
    answer: {
      body: json({ RecoveryPoints: [{ RecoveryPointArn: RP, Status: 'COMPLETED', CreationDate: 1772366400 }] }),
    },
    reads: (o) => (o.RecoveryPoints as { RecoveryPointArn: string }[]).map((r) => r.RecoveryPointArn),
    expect: [RP],
  },
  {
    service: 'autoscaling',
    operation: 'DescribeAutoScalingGroups',
    command: new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-asg'] }),
    wire: query({
      Action: 'DescribeAutoScalingGroups',
      Version: '2011-01-01',
      'AutoScalingGroupNames.member.1': 'web-asg',
    }),
    answer: {
      body: xml(
        'DescribeAutoScalingGroups',
        AS_NS,
        '<AutoScalingGroups><member><AutoScalingGroupName>web-asg</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>4</MaxSize><DesiredCapacity>2</DesiredCapacity><DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>us-east-1a</member></AvailabilityZones><HealthCheckType>ELB</HealthCheckType><CreatedTime>2026-03-01T12:00:00.000Z</CreatedTime><SuspendedProcesses><member><ProcessName>Launch</ProcessName><SuspensionReason>User suspended</SuspensionReason></member></SuspendedProcesses></member></AutoScalingGroups>',
      ),
    },
    reads: (o) =>
      (o.AutoScalingGroups as { SuspendedProcesses: { ProcessName: string }[] }[]).map((g) =>
        g.SuspendedProcesses.map((p) => p.ProcessName),
      ),
    expect: [['Launch']],
  },
  {
    service: 'autoscaling',
    operation: 'SuspendProcesses',
    command: new SuspendProcessesCommand(processes),
    wire: processesWire('SuspendProcesses'),
    answer: { body: asEmpty('SuspendProcesses') },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 200,
  },
  {
    service: 'autoscaling',
    operation: 'ResumeProcesses',
    command: new ResumeProcessesCommand(processes),
    wire: processesWire('ResumeProcesses'),
    answer: { body: asEmpty('ResumeProcesses') },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 200,
  },
  {
    service: 'autoscaling',
    operation: 'SetDesiredCapacity',
    command: new SetDesiredCapacityCommand({
      AutoScalingGroupName: 'web-asg',
      DesiredCapacity: 2,
      HonorCooldown: false,
    }),
    wire: query({
      Action: 'SetDesiredCapacity',
      Version: '2011-01-01',
      AutoScalingGroupName: 'web-asg',
      DesiredCapacity: '2',
      HonorCooldown: 'false',
    }),
    answer: { body: asEmpty('SetDesiredCapacity') },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 200,
  },
];
