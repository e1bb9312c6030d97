import { createServer, type Server } from 'node:http';
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
} from '@aws-sdk/client-ecs';
import {
  DescribeEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  NodeGroupNotFoundFault,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import {
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  LambdaClient,
  RequestTooLargeException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lab/api/errors.js';
import { awsJsonError, awsJsonReply } from '../../src/lab/api/json.js';
import { lambdaError } from '../../src/lab/api/lambda.js';
import { type QueryService, queryError, queryReply } from '../../src/lab/api/protocol.js';
import { list } from '../../src/lab/api/xml.js';

/**
 * What the real SDK reads from the envelopes the lab writes for ECS (awsJson1_1), Lambda
 * (restJson1 with header members) and ElastiCache (awsQuery). A member the SDK cannot map is
 * dropped without an error, so each golden compares the parsed value with the intended one.
 */
let server: Server;
let reply: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '' };
let seen: { method: string; url: string; headers: Record<string, unknown>; body: string } | undefined;
let endpoint = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const cfg = () => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});

describe('ECS awsJson1_1', () => {
  it('sends X-Amz-Target and reads tasks with epoch-second timestamps', async () => {
    reply = awsJsonReply(200, {
      tasks: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/lab-cluster/abc',
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          stopCode: 'UserInitiated',
          stoppedReason: 'Task stopped by user',
          stoppedAt: 1764582000.5,
          availabilityZone: 'lab-1a',
          containers: [{ name: 'app', exitCode: 137, networkInterfaces: [{ privateIpv4Address: '10.0.1.10' }] }],
        },
      ],
      failures: [{ arn: 'x', reason: 'MISSING' }],
    });
    const r = await new ECSClient(cfg()).send(new DescribeTasksCommand({ cluster: 'lab-cluster', tasks: ['abc'] }));
    expect(seen?.headers['x-amz-target']).toBe('AmazonEC2ContainerServiceV20141113.DescribeTasks');
    expect(JSON.parse(seen?.body ?? '')).toEqual({ cluster: 'lab-cluster', tasks: ['abc'] });
    expect(r.tasks?.[0]?.stoppedAt).toEqual(new Date(1764582000500));
    expect(r.tasks?.[0]?.containers?.[0]?.exitCode).toBe(137);
    expect(r.tasks?.[0]?.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address).toBe('10.0.1.10');
    expect(r.failures).toEqual([{ arn: 'x', reason: 'MISSING' }]);
  });

  it('maps __type to the modelled exception with its message', async () => {
    reply = awsJsonError(new ApiError('ClusterNotFoundException', 'Cluster not found.'));
    const e = await new ECSClient(cfg())
      .send(new DescribeServicesCommand({ services: ['x'] }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClusterNotFoundException);
    expect((e as Error).message).toBe('Cluster not found.');
    reply = awsJsonError(new ApiError('InvalidParameterException', 'The referenced task was not found.'));
    await expect(new ECSClient(cfg()).send(new DescribeTasksCommand({ tasks: ['x'] }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});

describe('Lambda restJson1', () => {
  it('reads StatusCode, FunctionError, LogResult and ExecutedVersion from the status line and headers', async () => {
    reply = {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
        'x-amz-log-result': Buffer.from('START\nEND\n').toString('base64'),
        'x-amz-executed-version': '$LATEST',
      },
      body: '{"errorType":"Error","errorMessage":"boom"}',
    };
    const r = await new LambdaClient(cfg()).send(
      new InvokeCommand({ FunctionName: 'lab-orders', Payload: new TextEncoder().encode('{}'), LogType: 'Tail' }),
    );
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/2015-03-31/functions/lab-orders/invocations');
    expect(seen?.headers['x-amz-log-type']).toBe('Tail');
    expect(r.StatusCode).toBe(200);
    expect(r.FunctionError).toBe('Unhandled');
    expect(r.ExecutedVersion).toBe('$LATEST');
    expect(Buffer.from(r.LogResult ?? '', 'base64').toString()).toBe('START\nEND\n');
    expect(new TextDecoder().decode(r.Payload)).toBe('{"errorType":"Error","errorMessage":"boom"}');
  });

  it('reads the throttling Reason, the 404 Message (capital M) and the 413 message', async () => {
    reply = lambdaError(
      Object.assign(new ApiError('TooManyRequestsException', 'Rate Exceeded.', 429), {
        extra: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
      }),
    );
    const t = (await new LambdaClient(cfg())
      .send(new InvokeCommand({ FunctionName: 'f' }))
      .catch((x: unknown) => x)) as TooManyRequestsException;
    expect(t).toBeInstanceOf(TooManyRequestsException);
    expect(t.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(t.Type).toBe('User');
    expect(t.message).toBe('Rate Exceeded.');
    expect(t.retryAfterSeconds).toBe('1');
    reply = lambdaError(new ApiError('ResourceNotFoundException', 'Function not found: arn:x', 404));
    const n = await new LambdaClient(cfg())
      .send(new GetFunctionConcurrencyCommand({ FunctionName: 'f' }))
      .catch((x: unknown) => x);
    expect(n).toBeInstanceOf(ResourceNotFoundException);
    expect((n as Error).message).toBe('Function not found: arn:x');
    reply = lambdaError(new ApiError('RequestTooLargeException', 'Request must be smaller than 6291456 bytes', 413));
    const b = await new LambdaClient(cfg()).send(new InvokeCommand({ FunctionName: 'f' })).catch((x: unknown) => x);
    expect(b).toBeInstanceOf(RequestTooLargeException);
    expect((b as Error).message).toBe('Request must be smaller than 6291456 bytes');
  });
});

const cacheSvc: QueryService = {
  name: 'elasticache',
  protocol: 'query',
  xmlns: 'http://elasticache.amazonaws.com/doc/2015-02-02/',
  actions: {},
};
const xml = (r: ReturnType<typeof queryReply>) => r;

describe('ElastiCache awsQuery', () => {
  it('reads node groups, members (ClusterId / NodeGroup / NodeGroupMember lists) and endpoints', async () => {
    reply = xml(
      queryReply(cacheSvc, 'DescribeReplicationGroups', {
        ReplicationGroups: list('ReplicationGroup', [
          {
            ReplicationGroupId: 'lab-redis',
            Status: 'available',
            MemberClusters: list('ClusterId', ['lab-redis-001', 'lab-redis-002']),
            NodeGroups: list('NodeGroup', [
              {
                NodeGroupId: '0001',
                PrimaryEndpoint: { Address: '127.0.0.1', Port: 4000 },
                NodeGroupMembers: list('NodeGroupMember', [
                  {
                    CacheClusterId: 'lab-redis-001',
                    CacheNodeId: '0001',
                    CurrentRole: 'primary',
                    PreferredAvailabilityZone: 'lab-1a',
                  },
                ]),
              },
            ]),
            ClusterEnabled: false,
            AutomaticFailover: 'enabled',
          },
        ]),
      }),
    );
    const r = await new ElastiCacheClient(cfg()).send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'lab-redis' }),
    );
    expect(seen?.body).toContain('Action=DescribeReplicationGroups');
    expect(seen?.body).toContain('Version=2015-02-02');
    expect(r.ReplicationGroups).toEqual([
      {
        ReplicationGroupId: 'lab-redis',
        Status: 'available',
        MemberClusters: ['lab-redis-001', 'lab-redis-002'],
        NodeGroups: [
          {
            NodeGroupId: '0001',
            PrimaryEndpoint: { Address: '127.0.0.1', Port: 4000 },
            NodeGroupMembers: [
              {
                CacheClusterId: 'lab-redis-001',
                CacheNodeId: '0001',
                CurrentRole: 'primary',
                PreferredAvailabilityZone: 'lab-1a',
              },
            ],
          },
        ],
        ClusterEnabled: false,
        AutomaticFailover: 'enabled',
      },
    ]);
  });

  it('reads events (Event list, Date) and maps NodeGroupNotFoundFault', async () => {
    reply = xml(
      queryReply(cacheSvc, 'DescribeEvents', {
        Events: list('Event', [
          {
            SourceIdentifier: 'lab-redis',
            SourceType: 'replication-group',
            Message: 'Test Failover API called for node group 0001',
            Date: new Date('2026-12-01T10:00:00.000Z'),
          },
        ]),
      }),
    );
    const r = await new ElastiCacheClient(cfg()).send(new DescribeEventsCommand({ SourceType: 'replication-group' }));
    expect(r.Events).toEqual([
      {
        SourceIdentifier: 'lab-redis',
        SourceType: 'replication-group',
        Message: 'Test Failover API called for node group 0001',
        Date: new Date('2026-12-01T10:00:00.000Z'),
      },
    ]);
    reply = queryError(cacheSvc, new ApiError('NodeGroupNotFoundFault', 'NodeGroup 0009 not found', 404));
    const e = await new ElastiCacheClient(cfg())
      .send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0009' }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NodeGroupNotFoundFault);
    expect((e as Error).message).toBe('NodeGroup 0009 not found');
  });
});
