import { describe, expect, it } from 'vitest';
import type { AwsApis } from '../../src/aws/apis.js';
import { probeDependencies, unexercisedResources } from '../../src/experiments/coverage.js';
import { replicationGroupResource } from '../../src/experiments/resources/elasticache-replication-group.js';
import { type ResolvedResource, resolveResources } from '../../src/experiments/resources/registry.js';
import { fakeAws } from '../_helpers/fake-aws.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef';
const DNS = 'web-1234567890.us-east-1.elb.amazonaws.com';

type Probe = { name: string; type: string; [k: string]: unknown };
const parts = (probes: Probe[], faults: unknown[] = []) =>
  ({ probes, steps: { faults } }) as unknown as Parameters<typeof probeDependencies>[0];
const depsOf = (probes: Probe[], resources: ReadonlyMap<string, ResolvedResource>) =>
  Object.fromEntries([...probeDependencies(parts(probes), resources)].map(([k, v]) => [k, [...v].sort()]));

const http = (url: string): Probe => ({ name: 'web', type: 'http', url });

describe('probe coverage: dependencies derived from what preflight resolved', () => {
  const f = fakeAws({
    instances: [
      { id: 'i-0a', az: 'us-east-1a', state: 'running', tags: { app: 'web' } },
      { id: 'i-0b', az: 'us-east-1b', state: 'running', tags: { app: 'web' } },
    ],
    targetGroups: [
      { arn: TG, name: 'web', targets: [{ id: 'i-0a' }, { id: 'i-0b' }], loadBalancer: { arn: LB, dnsName: DNS } },
    ],
    ecs: [
      { cluster: 'prod', name: 'api', targetGroupArn: TG, tasks: [{ id: 't1', az: 'us-east-1a', ip: '10.0.0.1' }] },
    ],
    tables: [{ name: 'orders', status: 'ACTIVE', tags: {}, pitr: true }],
    functions: { 'orders-api': undefined },
  });

  it('an http probe on the load balancer of the target group depends on the instances and the service behind it', async () => {
    const resources = await resolveResources(f.aws, {
      tg: { type: 'elbv2-target-group', arn: TG },
      web: { type: 'ec2-instance', targetGroup: 'tg' },
      tagged: { type: 'ec2-instance', tags: { app: 'web' } },
      api: { type: 'ecs-service', cluster: 'prod', service: 'api' },
    } as never);
    expect(resources.get('web')).toMatchObject({ loadBalancers: [{ arn: LB, dnsName: DNS }] });
    // Selected by tags, not through the target group: nothing says the probe reaches it.
    expect(resources.get('tagged')).toMatchObject({ loadBalancers: [] });
    expect(depsOf([http(`https://${DNS}/health`)], resources)).toEqual({ web: ['api', 'web'] });
    expect(depsOf([http(`http://${DNS.toUpperCase()}:8080/`)], resources)).toEqual({ web: ['api', 'web'] });
    expect(depsOf([http('https://app.example.com/health')], resources)).toEqual({ web: [] });
    expect(f.calls).toEqual(expect.arrayContaining(['elbv2:DescribeTargetGroups', 'elbv2:DescribeLoadBalancers']));
    const cov = unexercisedResources(
      parts([http(`https://${DNS}/`)], [{ id: 's', type: 'ec2-stop', resource: 'web' }]),
      resources,
    );
    expect(cov).toEqual({ affected: ['web'], unexercised: [] });
  });

  it("matches a DNS name carrying a port (the lab's load balancer is one loopback address)", async () => {
    const lab = fakeAws({
      instances: [{ id: 'i-0a', az: 'us-east-1a', state: 'running' }],
      targetGroups: [
        { arn: TG, name: 'web', targets: [{ id: 'i-0a' }], loadBalancer: { arn: LB, dnsName: '127.0.0.1:41234' } },
      ],
    });
    const resources = await resolveResources(lab.aws, { web: { type: 'ec2-instance', targetGroup: TG } } as never);
    expect(depsOf([http('http://127.0.0.1:41234/')], resources)).toEqual({ web: ['web'] });
    expect(depsOf([http('http://127.0.0.1:41235/')], resources)).toEqual({ web: [] });
  });

  it('a target group with no load balancer, or a refused DescribeLoadBalancers, derives nothing', async () => {
    const bare = fakeAws({
      instances: [{ id: 'i-0a', az: 'us-east-1a', state: 'running' }],
      targetGroups: [{ arn: TG, name: 'web', targets: [{ id: 'i-0a' }] }],
    });
    const r1 = await resolveResources(bare.aws, { web: { type: 'ec2-instance', targetGroup: TG } } as never);
    expect(r1.get('web')).toMatchObject({ loadBalancers: [] });
    expect(bare.calls).not.toContain('elbv2:DescribeLoadBalancers');
    const denied = {
      ...f.aws,
      elbv2: {
        ...f.aws.elbv2,
        describeLoadBalancers: () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDenied' })),
      },
    } as AwsApis;
    const r2 = await resolveResources(denied, { web: { type: 'ec2-instance', targetGroup: TG } } as never);
    expect(r2.get('web')).toMatchObject({ loadBalancers: [] });
  });

  it('a dynamodb-heartbeat depends on the dynamodb-table resource of its table (name or ARN)', async () => {
    const resources = await resolveResources(f.aws, { orders: { type: 'dynamodb-table', name: 'orders' } } as never);
    const arn = (resources.get('orders') as { arn: string }).arn;
    expect(arn).toMatch(/:table\/orders$/);
    const hb = (table: string): Probe => ({
      name: 'hb',
      type: 'dynamodb-heartbeat',
      table,
      partitionKey: 'pk',
      sortKey: 'sk',
      interval: '1s',
    });
    expect(depsOf([hb('orders')], resources)).toEqual({ hb: ['orders'] });
    expect(depsOf([hb(arn)], resources)).toEqual({ hb: ['orders'] });
    expect(depsOf([hb('orders-archive')], resources)).toEqual({ hb: [] });
  });

  it('a lambda probe depends on the lambda-function resource it invokes (name, qualified ARN, partial ARN)', async () => {
    const resources = await resolveResources(f.aws, {
      fn: { type: 'lambda-function', function: 'orders-api' },
    } as never);
    const arn = (resources.get('fn') as { arn: string }).arn;
    const account = /:(\d{12}):/.exec(arn)?.[1];
    const probe = (fn: string): Probe => ({ name: 'inv', type: 'lambda', function: fn });
    expect(depsOf([probe('orders-api')], resources)).toEqual({ inv: ['fn'] });
    expect(depsOf([probe(`${arn}:live`)], resources)).toEqual({ inv: ['fn'] });
    expect(depsOf([probe(`${account}:function:orders-api`)], resources)).toEqual({ inv: ['fn'] });
    expect(depsOf([probe('orders-api-v2')], resources)).toEqual({ inv: [] });
  });

  it('a redis-heartbeat depends on the replication group whose primary endpoint it writes to', async () => {
    const answer = {
      ReplicationGroups: [
        {
          ReplicationGroupId: 'sessions',
          Status: 'available',
          ClusterEnabled: false,
          NodeGroups: [
            {
              NodeGroupId: '0001',
              PrimaryEndpoint: { Address: 'sessions.abc123.ng.0001.use1.cache.amazonaws.com', Port: 6379 },
              NodeGroupMembers: [],
            },
          ],
        },
      ],
    };
    const aws = { elasticache: { describeReplicationGroups: async () => answer } } as unknown as AwsApis;
    const cache = await replicationGroupResource.resolve(
      aws,
      'cache',
      {
        type: 'elasticache-replication-group',
        id: 'sessions',
      },
      new Map(),
    );
    const resources = new Map<string, ResolvedResource>([['cache', cache]]);
    const hb = (host: string, port: number): Probe => ({
      name: 'hb',
      type: 'redis-heartbeat',
      connection: { host, port },
      interval: '1s',
    });
    expect(depsOf([hb('sessions.abc123.ng.0001.use1.cache.amazonaws.com', 6379)], resources)).toEqual({
      hb: ['cache'],
    });
    expect(depsOf([hb('sessions.abc123.ng.0001.use1.cache.amazonaws.com', 6380)], resources)).toEqual({ hb: [] });
  });
});
