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
import type { Golden } from './golden-requests.js';
import { AT, EC_NS, ecsWire, FN, group, json, query, TASK, xml } from './golden-shared.js';

/** ECS, Lambda and ElastiCache. */
export const COMPUTE_GOLDEN: Golden[] = [
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
];
