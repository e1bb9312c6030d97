import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSpecOf } from '../../../src/experiments/faults/backup/inverses.js';
import {
  engineInverseNames,
  FAULT_TYPES,
  faultDefinition,
  inverseActionNames,
} from '../../../src/experiments/faults/registry.js';
import type { FaultContext } from '../../../src/experiments/faults/types.js';
import { injectFaults } from '../../../src/experiments/phases/inject.js';
import { planFault } from '../../../src/experiments/plan/build.js';
import { planContext } from '../../../src/experiments/plan/context.js';
import { recoverRun } from '../../../src/experiments/recover.js';
import { resolveResources } from '../../../src/experiments/resources/registry.js';
import { RollbackStack } from '../../../src/experiments/rollback.js';
import { type ScenarioInput, scenarioSchema } from '../../../src/experiments/schema/scenario.js';
import { WatcherSet } from '../../../src/experiments/watchers/watchers.js';
import { RecordingSink } from '../../../src/io/messages.js';
import { Journal, pendingInverses, readJournal } from '../../../src/run/journal.js';
import { AnchoredClock, type Clock } from '../../../src/util/clock.js';
import { type FakeAwsOptions, fakeAws } from '../../_helpers/fake-aws.js';

/**
 * Every undo a fault module can journal is replayable by `recover`, and the plan names exactly the
 * undos the runtime journals. Each case prepares and injects one fault step through its module
 * and the real inject phase against the in-memory AWS, as a drill killed right after injection
 * leaves it; then `recover` replays the journal alone, and the fake shows the fault undone.
 */

/** Time moves only when something waits, and at once: no test sleeps. */
function instantClock(): Clock {
  let now = 0;
  return {
    monotonicMs: () => now,
    wallMs: () => 1_800_000_000_000 + now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      now += ms;
    },
  };
}

type Fake = ReturnType<typeof fakeAws>;

interface Case {
  name: string;
  resources?: ScenarioInput['resources'];
  step: Record<string, unknown>;
  fake?: FakeAwsOptions;
  /** Existing FIS templates in the account. */
  templates?: string[];
  attachment?: unknown;
  /** The fault took effect (checked after injection). */
  faulted(f: Fake): void;
  /** Recover undid it. */
  undone(f: Fake): void;
  /** Why the runtime journals less than the plan names for this step (known only at run time). */
  runtimeDecides?: string;
}

const az = (id: string, zone: string, tags?: Record<string, string>) => ({
  id,
  az: zone,
  state: 'running',
  ...(tags ? { tags } : {}),
});
const twoInstances = { instances: [az('i-1', 'us-east-1a'), az('i-2', 'us-east-1b')] };
const web = { web: { type: 'ec2-instance' as const, ids: ['i-1'] } };
const multiAzDb = { id: 'shop-db', multiAz: true, az: 'us-east-1a', secondaryAz: 'us-east-1b' };
const asg = { 'aws:autoscaling:groupName': 'web-asg' };
const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1';
const fisTemplate = {
  description: 'stop one instance',
  roleArn: 'arn:aws:iam::000000000000:role/fis',
  stopConditions: [{ source: 'none' }],
  targets: {
    one: {
      resourceType: 'aws:ec2:instance',
      resourceArns: ['arn:aws:ec2:us-east-1:000000000000:instance/i-1'],
      selectionMode: 'ALL',
    },
  },
  actions: { stop: { actionId: 'aws:ec2:stop-instances', targets: { Instances: 'one' } } },
};

const ecsTg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api-ip/2';
const ecsFake: FakeAwsOptions = {
  targetGroups: [
    {
      arn: ecsTg,
      name: 'api-ip',
      targets: [
        { id: '10.0.1.10', port: 80 },
        { id: '10.0.2.10', port: 80 },
      ],
    },
  ],
  ecs: [
    {
      cluster: 'shop',
      name: 'api',
      targetGroupArn: ecsTg,
      tasks: [
        { id: 'aaaa', az: 'us-east-1a', ip: '10.0.1.10' },
        { id: 'bbbb', az: 'us-east-1b', ip: '10.0.2.10' },
      ],
    },
  ],
};
const api = { api: { type: 'ecs-service' as const, cluster: 'shop', service: 'api' } };
const taskState = (f: Fake, id: string) => [...f.ecsTasks.values()].find((t) => t.id === id)?.lastStatus;

const tmp = mkdtempSync(join(tmpdir(), 'dp-inverses-'));
const marker = join(tmp, 'exec-marker');
const requests: { method: string; url: string; body: string }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const node = process.execPath;
const writeArg = "require('node:fs').writeFileSync(process.argv[1], process.argv[2])";

const fn = { fn: { type: 'lambda-function' as const, function: 'orders' } };

const cases: Case[] = [
  {
    name: 'lambda-throttle (it had a reserved concurrency: put back)',
    resources: fn,
    step: { id: 'throttle', type: 'lambda-throttle', resource: 'fn' },
    fake: { functions: { orders: 7 } },
    faulted: (f) => expect(f.functions.get('orders')).toBe(0),
    undone: (f) => expect(f.functions.get('orders')).toBe(7),
  },
  {
    name: 'lambda-throttle (it had none: removed again)',
    resources: fn,
    step: { id: 'throttle', type: 'lambda-throttle', resource: 'fn' },
    fake: { functions: { orders: undefined } },
    faulted: (f) => expect(f.functions.get('orders')).toBe(0),
    undone: (f) => {
      expect(f.functions.has('orders')).toBe(true);
      expect(f.functions.get('orders')).toBeUndefined();
      expect(f.calls).toContain('lambda:DeleteFunctionConcurrency');
    },
  },
  {
    name: 'ec2-stop',
    resources: web,
    step: { id: 'stop-one', type: 'ec2-stop', resource: 'web' },
    fake: twoInstances,
    faulted: (f) => expect(f.instances.get('i-1')?.state).toBe('stopped'),
    undone: (f) => expect(f.instances.get('i-1')?.state).toBe('running'),
  },
  {
    name: 'ec2-reboot',
    resources: web,
    step: { id: 'reboot', type: 'ec2-reboot', resource: 'web' },
    fake: twoInstances,
    faulted: (f) => expect(f.calls).toContain('ec2:RebootInstances'),
    undone: (f) => expect(f.instances.get('i-1')?.state).toBe('running'),
  },
  {
    name: 'ec2-terminate in an Auto Scaling group',
    resources: { web: { type: 'ec2-instance', tags: asg, count: 1 } },
    step: { id: 'kill', type: 'ec2-terminate', resource: 'web', autoScaling: 'replace' },
    fake: { instances: [az('i-1', 'us-east-1a', asg), az('i-2', 'us-east-1b', asg)], autoScaling: true },
    faulted: (f) => expect(f.instances.get('i-1')?.state).toBe('terminated'),
    undone: (f) =>
      expect([...f.instances.values()].filter((i) => i.state === 'running').map((i) => i.id)).toEqual(['i-2', 'i-1-r']),
  },
  {
    name: 'ec2-stop in an Auto Scaling group, processes suspended',
    resources: { web: { type: 'ec2-instance', tags: asg, count: 1 } },
    step: { id: 'stop', type: 'ec2-stop', resource: 'web', autoScaling: 'suspend' },
    fake: { instances: [az('i-1', 'us-east-1a', asg), az('i-2', 'us-east-1b', asg)] },
    faulted: (f) => expect(f.instances.get('i-1')?.state).toBe('stopped'),
    undone: (f) => expect(f.instances.get('i-1')?.state).toBe('running'),
  },
  {
    name: 'ec2-terminate without an Auto Scaling group',
    resources: web,
    step: { id: 'kill', type: 'ec2-terminate', resource: 'web' },
    fake: twoInstances,
    faulted: (f) => expect(f.instances.get('i-1')?.state).toBe('terminated'),
    undone: (f) => expect(f.instances.get('i-1')?.state).toBe('terminated'),
    runtimeDecides: 'only an Auto Scaling group member has a replacement to wait for; the plan cannot know membership',
  },
  {
    name: 'elbv2-deregister',
    resources: { ...web, tg: { type: 'elbv2-target-group', arn: tgArn } },
    step: { id: 'drain', type: 'elbv2-deregister', resource: 'web', targetGroup: 'tg' },
    fake: {
      ...twoInstances,
      targetGroups: [
        {
          arn: tgArn,
          name: 'web',
          targets: [
            { id: 'i-1', port: 8080 },
            { id: 'i-2', port: 8080 },
          ],
        },
      ],
    },
    faulted: (f) => expect(f.targetGroups.get(tgArn)?.targets.map((t) => t.id)).toEqual(['i-2']),
    undone: (f) => expect(f.targetGroups.get(tgArn)?.targets).toContainEqual({ id: 'i-1', port: 8080 }),
  },
  {
    name: 'rds-failover',
    resources: { db: { type: 'rds-instance', id: 'shop-db' } },
    step: { id: 'failover', type: 'rds-failover', resource: 'db' },
    fake: { db: multiAzDb },
    faulted: (f) => expect(f.dbs.get('shop-db')?.az).toBe('us-east-1b'),
    undone: (f) => expect(f.dbs.get('shop-db')?.status).toBe('available'),
  },
  {
    name: 'elasticache-failover (cluster mode off)',
    resources: { cache: { type: 'elasticache-replication-group', id: 'shop-cache' } },
    step: { id: 'failover', type: 'elasticache-failover', resource: 'cache' },
    fake: {
      cacheGroups: [{ id: 'shop-cache', nodeGroups: [{ id: '0001', members: ['shop-cache-001', 'shop-cache-002'] }] }],
    },
    faulted: (f) => expect(f.cacheGroups.get('shop-cache')?.primaries.get('0001')).toBe('shop-cache-002'),
    undone: (f) => {
      expect(f.cacheGroups.get('shop-cache')?.status).toBe('available');
      expect(f.calls.at(-1)).toBe('elasticache:DescribeReplicationGroups');
    },
  },
  {
    name: 'elasticache-failover (cluster mode on, every node group)',
    resources: { cache: { type: 'elasticache-replication-group', id: 'shop-cluster' } },
    step: { id: 'failover', type: 'elasticache-failover', resource: 'cache', nodeGroup: 'all' },
    fake: {
      cacheGroups: [
        {
          id: 'shop-cluster',
          clusterMode: true,
          nodeGroups: [
            { id: '0001', members: ['shop-cluster-0001-001', 'shop-cluster-0001-002'] },
            { id: '0002', members: ['shop-cluster-0002-001', 'shop-cluster-0002-002'] },
          ],
        },
      ],
    },
    faulted: (f) =>
      expect([...(f.cacheGroups.get('shop-cluster')?.primaries.values() ?? [])]).toEqual([
        'shop-cluster-0001-002',
        'shop-cluster-0002-002',
      ]),
    undone: (f) => expect(f.cacheGroups.get('shop-cluster')?.status).toBe('available'),
  },
  {
    name: 'aurora-failover',
    resources: { cluster: { type: 'aurora-cluster', id: 'shop-aurora' } },
    step: { id: 'failover', type: 'aurora-failover', resource: 'cluster' },
    fake: { clusters: [{ id: 'shop-aurora', members: ['shop-aurora-1', 'shop-aurora-2'] }] },
    faulted: (f) => expect(f.clusters.get('shop-aurora')?.members[0]).toBe('shop-aurora-2'),
    undone: (f) => expect(f.clusters.get('shop-aurora')?.status).toBe('available'),
  },
  {
    name: 'rds-restore',
    resources: { db: { type: 'rds-instance', id: 'shop-db' } },
    step: { id: 'restore', type: 'rds-restore', resource: 'db', from: 'latest-snapshot' },
    fake: { db: multiAzDb, snapshots: [{ id: 'snap-1', dbId: 'shop-db' }] },
    faulted: (f) => expect([...f.dbs.keys()]).toEqual(['shop-db', 'shop-db-dp-run-1-restore']),
    undone: (f) => expect([...f.dbs.keys()]).toEqual(['shop-db']),
  },
  {
    name: 'rds-restore from a fresh snapshot',
    resources: { db: { type: 'rds-instance', id: 'shop-db' } },
    step: { id: 'restore', type: 'rds-restore', resource: 'db', from: 'fresh-snapshot' },
    fake: { db: multiAzDb },
    faulted: (f) => {
      expect([...f.dbs.keys()]).toEqual(['shop-db', 'shop-db-dp-run-1-restore']);
      expect([...f.snapshots.keys()]).toEqual(['shop-db-dp-run-1-restore']);
      expect(f.snapshots.get('shop-db-dp-run-1-restore')?.tags?.['drillproof:run-id']).toBe('run-1');
    },
    undone: (f) => {
      expect([...f.dbs.keys()]).toEqual(['shop-db']);
      expect([...f.snapshots.keys()]).toEqual([]);
    },
  },
  {
    name: 'dynamodb-restore',
    resources: { orders: { type: 'dynamodb-table', name: 'orders' } },
    step: { id: 'restore', type: 'dynamodb-restore', resource: 'orders', from: { pointInTime: 'latest' } },
    fake: { tables: [{ name: 'orders', status: 'ACTIVE', tags: {}, pitr: true }] },
    faulted: (f) => {
      expect([...f.tables.keys()]).toEqual(['orders', 'orders-dp-run-1-restore']);
      expect(f.tables.get('orders-dp-run-1-restore')?.tags['drillproof:run-id']).toBe('run-1');
    },
    undone: (f) => expect([...f.tables.keys()]).toEqual(['orders']),
  },
  {
    name: 'backup-restore of an RDS instance',
    runtimeDecides:
      'the delete by name is journaled first; once StartRestoreJob answers, the wait for that job then the delete replaces it',
    resources: { db: { type: 'rds-instance', id: 'shop-db' } },
    step: {
      id: 'restore',
      type: 'backup-restore',
      resourceType: 'rds-instance',
      resource: 'db',
      vault: 'v1',
      iamRoleArn: 'arn:aws:iam::000000000000:role/restore',
    },
    fake: {
      db: multiAzDb,
      recoveryPoints: [
        {
          arn: 'arn:aws:backup:us-east-1:000000000000:recovery-point:rp-1',
          resourceArn: 'arn:aws:rds:us-east-1:000000000000:db:shop-db',
          created: new Date(1_700_000_000_000),
        },
      ],
    },
    faulted: (f) => expect([...f.dbs.keys()]).toEqual(['shop-db', 'shop-db-dp-run-1-restore']),
    undone: (f) => expect([...f.dbs.keys()]).toEqual(['shop-db']),
  },
  {
    name: 'backup-restore of an Aurora cluster',
    runtimeDecides:
      'the delete by name is journaled first; once StartRestoreJob answers, the wait for that job then the delete replaces it',
    resources: { cluster: { type: 'aurora-cluster', id: 'shop-aurora' } },
    step: {
      id: 'restore',
      type: 'backup-restore',
      resourceType: 'aurora-cluster',
      resource: 'cluster',
      vault: 'v1',
      iamRoleArn: 'arn:aws:iam::000000000000:role/restore',
    },
    fake: {
      clusters: [{ id: 'shop-aurora', members: ['shop-aurora-1', 'shop-aurora-2'] }],
      recoveryPoints: [
        {
          arn: 'arn:aws:rds:us-east-1:000000000000:cluster-snapshot:awsbackup:job-1',
          resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:shop-aurora',
          created: new Date(1_700_000_000_000),
        },
      ],
    },
    // AWS Backup made the cluster with no instance (the drill adds one after the job completes).
    faulted: (f) => {
      expect([...f.clusters.keys()]).toEqual(['shop-aurora', 'shop-aurora-dp-run-1-restore']);
      expect(f.clusters.get('shop-aurora-dp-run-1-restore')?.members).toEqual([]);
    },
    undone: (f) => {
      expect([...f.clusters.keys()]).toEqual(['shop-aurora']);
      expect(f.clusters.get('shop-aurora')?.members).toEqual(['shop-aurora-1', 'shop-aurora-2']);
    },
  },
  {
    name: 'backup-restore of a DynamoDB table',
    runtimeDecides:
      'the delete by name is journaled first; once StartRestoreJob answers, the wait for that job then the delete replaces it',
    step: {
      id: 'restore',
      type: 'backup-restore',
      resourceType: 'dynamodb-table',
      resourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders',
      vault: 'v1',
      iamRoleArn: 'arn:aws:iam::000000000000:role/restore',
    },
    fake: {
      tables: [{ name: 'orders', status: 'ACTIVE', tags: {}, pitr: false, items: 5 }],
      recoveryPoints: [
        {
          arn: 'arn:aws:backup:us-east-1:000000000000:recovery-point:rp-2',
          resourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders',
          created: new Date(1_700_000_000_000),
        },
      ],
    },
    faulted: (f) => expect([...f.tables.keys()]).toEqual(['orders', 'orders-dp-run-1-restore']),
    undone: (f) => expect([...f.tables.keys()]).toEqual(['orders']),
  },
  {
    name: 'fis-experiment with an existing template',
    step: { id: 'fis', type: 'fis-experiment', templateId: 'EXT1' },
    templates: ['EXT1'],
    faulted: (f) => expect(f.experiments.get('EXP1')?.status).toBe('running'),
    undone: (f) => {
      expect(f.experiments.get('EXP1')?.status).toBe('stopped');
      expect([...f.templates.keys()]).toEqual(['EXT1']);
    },
  },
  {
    name: 'fis-experiment with a template file',
    step: { id: 'fis', type: 'fis-experiment', templateFile: 'stop-one.json' },
    attachment: fisTemplate,
    faulted: (f) => expect([...f.templates.values()].map((t) => t.tags['drillproof:run-id'])).toEqual(['run-1']),
    undone: (f) => {
      expect([...f.experiments.values()].map((e) => e.status)).toEqual(['stopped']);
      expect(f.templates.size).toBe(0);
    },
  },
  {
    name: 'az-impairment',
    resources: { web: { type: 'ec2-instance', ids: ['i-1', 'i-2'] }, db: { type: 'rds-instance', id: 'shop-db' } },
    step: { id: 'lose-a', type: 'az-impairment', az: 'us-east-1a', resources: ['web'], database: 'db' },
    fake: { ...twoInstances, db: multiAzDb },
    faulted: (f) => {
      expect(f.instances.get('i-1')?.state).toBe('stopped');
      expect(f.dbs.get('shop-db')?.az).toBe('us-east-1b');
    },
    undone: (f) => expect([...f.instances.values()].map((i) => i.state)).toEqual(['running', 'running']),
  },
  {
    name: 'az-impairment through FIS',
    resources: { web: { type: 'ec2-instance', ids: ['i-1', 'i-2'] } },
    step: { id: 'lose-a', type: 'az-impairment', az: 'us-east-1a', resources: ['web'], fis: true },
    fake: twoInstances,
    faulted: (f) => expect([...f.experiments.values()].map((e) => e.status)).toEqual(['running']),
    undone: (f) => {
      expect([...f.experiments.values()].map((e) => e.status)).toEqual(['stopped']);
      expect(f.templates.size).toBe(0);
      expect(f.instances.get('i-1')?.state).toBe('running');
    },
  },
  {
    name: 'ecs-stop-tasks',
    resources: { api: { ...api.api, count: 1 } },
    step: { id: 'stop-task', type: 'ecs-stop-tasks', resource: 'api' },
    fake: ecsFake,
    faulted: (f) => expect(taskState(f, 'aaaa')).toBe('STOPPED'),
    // Nothing to undo: the service's replacement keeps running after recover.
    undone: (f) =>
      expect([taskState(f, 'aaaa'), taskState(f, 'aaaar'), taskState(f, 'bbbb')]).toEqual([
        'STOPPED',
        'RUNNING',
        'RUNNING',
      ]),
  },
  {
    name: 'az-impairment of an ECS service',
    resources: api,
    step: { id: 'az', type: 'az-impairment', az: 'us-east-1b', services: ['api'] },
    fake: ecsFake,
    faulted: (f) => expect([taskState(f, 'aaaa'), taskState(f, 'bbbb')]).toEqual(['RUNNING', 'STOPPED']),
    undone: (f) => expect(taskState(f, 'bbbbr')).toBe('RUNNING'),
  },
  {
    name: 'elbv2-deregister of IP targets',
    resources: { api: { ...api.api, az: 'us-east-1a' }, tg: { type: 'elbv2-target-group', arn: ecsTg } },
    step: { id: 'drain', type: 'elbv2-deregister', resource: 'api', targetGroup: 'tg' },
    fake: ecsFake,
    faulted: (f) => expect(f.targetGroups.get(ecsTg)?.targets.map((t) => t.id)).toEqual(['10.0.2.10']),
    undone: (f) =>
      expect(
        f.targetGroups
          .get(ecsTg)
          ?.targets.map((t) => t.id)
          .sort(),
      ).toEqual(['10.0.1.10', '10.0.2.10']),
  },
  {
    name: 'exec',
    step: {
      id: 'cmd',
      type: 'exec',
      command: [node, '-e', writeArg, marker, 'faulted'],
      inverse: [node, '-e', writeArg, marker, 'undone'],
    },
    faulted: () => expect(readFileSync(marker, 'utf8')).toBe('faulted'),
    undone: () => expect(readFileSync(marker, 'utf8')).toBe('undone'),
  },
  {
    name: 'http',
    step: {
      id: 'flag',
      type: 'http',
      url: '/flag',
      method: 'PUT',
      body: 'on',
      inverse: { url: '/flag', method: 'PUT', body: 'off' },
    },
    faulted: () => expect(requests.at(-1)).toEqual({ method: 'PUT', url: '/flag', body: 'on' }),
    undone: () => expect(requests.at(-1)).toEqual({ method: 'PUT', url: '/flag', body: 'off' }),
  },
];

/** The http case's URLs are relative until the server listens. */
function withServer(step: Record<string, unknown>): Record<string, unknown> {
  if (step.type !== 'http') return step;
  const inv = step.inverse as Record<string, unknown>;
  return { ...step, url: `${base}${step.url}`, inverse: { ...inv, url: `${base}${inv.url}` } };
}

/** Injects the case's step as a drill does, then leaves the journal as a kill -9 would. */
async function injectAndCrash(c: Case) {
  const runDir = mkdtempSync(join(tmp, 'run-'));
  const input: ScenarioInput = {
    version: 1,
    metadata: { name: c.name.replace(/\W+/g, '-') },
    target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
    resources: c.resources ?? {},
    steps: { baseline: '1s', faults: [], observe: { timeout: '1m' } },
  };
  (input.steps as { faults: unknown[] }).faults = [withServer(c.step)];
  const scenario = scenarioSchema.parse(input);
  const step = scenario.steps.faults[0] as (typeof scenario.steps.faults)[number];
  const fp = planFault(planContext(scenario), step, c.attachment);
  const f = fakeAws(c.fake ?? {});
  for (const id of c.templates ?? []) f.templates.set(id, { id, tags: {} });
  const clock = instantClock();
  const timeline = new AnchoredClock(clock);
  const journal = Journal.create(join(runDir, 'journal.ndjson'), timeline);
  journal.append('run.started', { runId: 'run-1', pid: 2 ** 22 + 1, target: { provider: 'lab', region: 'us-east-1' } });
  const sink = new RecordingSink();
  const ctx: FaultContext = {
    aws: f.aws,
    runId: 'run-1',
    runDir,
    clock,
    timeline,
    journal,
    sink,
    signal: new AbortController().signal,
    pollMs: 1000,
    waitTimeoutMs: 60_000,
    account: '000000000000',
    resources: await resolveResources(f.aws, scenario.resources),
    env: process.env,
    scenarioDir: runDir,
  };
  const actions = await faultDefinition(step.type)?.prepare(step as never, ctx, c.attachment);
  // Follow-ups observe (experiment states, restore checks); they undo nothing.
  for (const a of actions ?? []) delete a.followUp;
  const watchers = new WatcherSet({ aws: f.aws, journal, clock, pollMs: 1000, since: new Date(0) });
  const inj = await injectFaults({
    actions: actions ?? [],
    ctx,
    journal,
    rollback: new RollbackStack(journal, sink),
    watchers,
    sink,
    onFirstFault: () => {},
  });
  journal.close();
  return { runDir, f, fp, failed: inj.failed };
}

const journaledActions = new Set<string>();

describe('every inverse a fault module journals is replayed by recover', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { runDir, f, fp, failed } = await injectAndCrash(c);
    expect(failed).toBeNull();
    c.faulted(f);

    const recorded = pendingInverses(readJournal(join(runDir, 'journal.ndjson')).entries).map((i) => i.inverse.action);
    for (const a of recorded) journaledActions.add(a);
    // The plan names exactly the undos the runtime journals (fewer only when the runtime decides).
    if (c.runtimeDecides) expect(fp.inverseActions).toEqual(expect.arrayContaining(recorded));
    else expect([...new Set(recorded)].sort()).toEqual([...fp.inverseActions].sort());

    const sink = new RecordingSink();
    const r = await recoverRun(runDir, {
      createAws: () => f.aws,
      sink,
      clock: instantClock(),
      pollMs: 1000,
      isAlive: () => false,
    });
    expect({ exit: r.exitCode, failed: r.outcomes.filter((o) => o.status !== 'succeeded') }).toEqual({
      exit: 0,
      failed: [],
    });
    expect(r.outcomes).toHaveLength(recorded.length);
    expect(r.nothingToDo).toBe(recorded.length === 0);
    c.undone(f);
  });

  it('backup-restore of an Aurora cluster killed before StartRestoreJob answered: the delete by name is replayed', async () => {
    // The by-name undo is journaled first and replaced once the job id is known; a drill killed in
    // between leaves it pending. The cluster a job may still have made (with an instance) goes.
    const runDir = mkdtempSync(join(tmp, 'aurora-early-'));
    const j = Journal.create(join(runDir, 'journal.ndjson'), new AnchoredClock(instantClock()));
    j.append('run.started', { runId: 'run-1', pid: 2 ** 22 + 1, target: { provider: 'lab', region: 'us-east-1' } });
    j.append('inverse.recorded', {
      stepId: 'restore',
      fault: 'backup-restore',
      inverse: deleteSpecOf('aurora-cluster', 'shop-aurora-dp-run-1-restore', 'us-east-1'),
    });
    j.close();
    const f = fakeAws({ clusters: [{ id: 'shop-aurora-dp-run-1-restore', members: [] }] });
    f.clusters.get('shop-aurora-dp-run-1-restore')?.members.push('shop-aurora-dp-run-1-restore-1');
    f.dbs.set('shop-aurora-dp-run-1-restore-1', {
      id: 'shop-aurora-dp-run-1-restore-1',
      multiAz: false,
      az: 'us-east-1a',
      status: 'available',
      tags: {},
    });
    const recorded = pendingInverses(readJournal(join(runDir, 'journal.ndjson')).entries).map((i) => i.inverse.action);
    expect(recorded).toEqual(['rds.delete-restored-cluster']);
    for (const a of recorded) journaledActions.add(a);
    const r = await recoverRun(runDir, {
      createAws: () => f.aws,
      sink: new RecordingSink(),
      clock: instantClock(),
      pollMs: 1000,
      isAlive: () => false,
    });
    expect(r.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    expect([...f.clusters.keys()]).toEqual([]);
    expect([...f.dbs.keys()]).toEqual([]);
  });

  it('the cases cover every fault type and every inverse in the registry', () => {
    expect(new Set(cases.map((c) => c.step.type))).toEqual(new Set(FAULT_TYPES));
    // The engine's lease release is replayed by recover in test/experiments/lease.test.ts.
    const engine = engineInverseNames();
    expect([...journaledActions].sort()).toEqual(
      inverseActionNames()
        .filter((a) => !engine.includes(a))
        .sort(),
    );
  });
});

describe('a damaged journal fails loudly', () => {
  it('an inverse with invalid params is not replayed', async () => {
    const runDir = mkdtempSync(join(tmp, 'bad-'));
    const j = Journal.create(join(runDir, 'journal.ndjson'), new AnchoredClock(instantClock()));
    j.append('run.started', { runId: 'r', pid: 2 ** 22 + 1, target: { provider: 'lab', region: 'us-east-1' } });
    j.append('inverse.recorded', {
      stepId: 's',
      fault: 'ec2-stop',
      inverse: {
        action: 'ec2.start-instances',
        params: { instanceIds: [] },
        description: 'x',
        manualSteps: ['by hand'],
      },
    });
    j.close();
    const f = fakeAws();
    const r = await recoverRun(runDir, { createAws: () => f.aws, sink: new RecordingSink(), isAlive: () => false });
    expect(r.exitCode).toBe(6);
    expect(r.outcomes[0]?.error).toMatch(/inverse ec2.start-instances has invalid params/);
    expect(f.calls).toEqual([]);
  });
});
