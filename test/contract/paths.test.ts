import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import type { MiddlewareStackLike } from '../../src/aws/fis-wire.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { runDrill } from '../../src/experiments/runner.js';
import { type ScenarioInput, scenarioSchema } from '../../src/experiments/schema/scenario.js';
import { sweep } from '../../src/experiments/sweep.js';
import { RecordingSink } from '../../src/io/messages.js';
import { passwordProvider } from '../../src/probes/credentials.js';
import { DynamoHeartbeatDriver } from '../../src/probes/kinds/dynamodb.js';
import { LambdaProbe } from '../../src/probes/kinds/lambda/runner.js';
import { kmsSigner } from '../../src/reports/signing/kms-signer.js';
import { Journal } from '../../src/run/journal.js';
import { AnchoredClock, systemClock } from '../../src/util/clock.js';
import { fakeAws } from '../_helpers/fake-aws.js';
import { fakeProbe } from '../_helpers/fake-probe.js';
import { type CapturedRequest, captureOn, contractProblems, sdkBacked } from '../_helpers/sdk-capture.js';
import { CONTRACT_CASES, caseKey } from './cases.js';
import { dataPaths } from './paths-data.js';
import { world } from './world.js';

/**
 * Every path drillproof sends AWS requests from (each fault's preflight, injection, watchers and
 * rollback, guardrail alarms, sweep, recover, signing with KMS, secrets for probes) driven through
 * the real SDK clients; each request is checked against AWS's model of its operation.
 */
const sent: CapturedRequest[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ACCOUNT = '000000000000';
const alarm = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:web-5xx`;

async function drill(resources: ScenarioInput['resources'], faults: unknown[], w = world()) {
  const dir = mkdtempSync(join(tmpdir(), 'dp-contract-'));
  dirs.push(dir);
  const input: ScenarioInput = {
    version: 1,
    metadata: { name: 'contract' },
    target: { provider: 'lab', region: 'us-east-1', allowedAccounts: [ACCOUNT] },
    resources,
    probes: [{ name: 'web', type: 'http', url: 'http://127.0.0.1:9/', interval: '20ms', recoveryWindow: '100ms' }],
    steps: {
      baseline: '60ms',
      faults: faults as never,
      observe: { timeout: '1500ms', recovery: { probes: ['web'], hold: '100ms' } },
    },
    guardrails: { cloudwatchAlarms: [alarm], maxDuration: '1m' },
  };
  const scenario = scenarioSchema.parse(input);
  const sink = new RecordingSink();
  const result = await runDrill(
    {
      scenario,
      scenarioPath: join(dir, 'in.yaml'),
      scenarioText: 'x: 1\n',
      scenarioSha256: 'abc',
      runDir: join(dir, 'run'),
      runId: 'run-contract',
      yes: true,
      interactive: false,
    },
    {
      createAws: (rec) => sdkBacked(w.aws, rec, sent),
      provider: 'lab',
      ports: {
        startProbes: fakeProbe(),
        analyze: async () => ({
          measurements: { schemaVersion: 1, faultAt: null, faultAtMs: null, rto: null, rpo: null, probes: {} },
          objectives: [],
        }),
        writeEvidence: async () => ['evidence.json'],
      },
      sink,
      pollMs: 10,
      waitTimeoutMs: 1000,
    },
  );
  return { result, w, dir };
}

const web = { type: 'ec2-instance', tags: { app: 'web' } } as const;
const tg = { type: 'elbv2-target-group', name: 'web' } as const;
const template = {
  description: 'stop one',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/fis`,
  stopConditions: [{ source: 'none' }],
  targets: { web: { resourceType: 'aws:ec2:instance', resourceTags: { app: 'web' }, selectionMode: 'COUNT(1)' } },
  actions: {
    wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1S' } },
    stop: {
      actionId: 'aws:ec2:stop-instances',
      targets: { Instances: 'web' },
      startAfter: ['wait'],
      startAfterDelay: 'PT1M',
    },
  },
  experimentReportConfiguration: {
    outputs: { s3Configuration: { bucketName: 'fis-reports', prefix: 'drills/' } },
    preExperimentDuration: 'PT5M',
  },
};

describe('requests of every drill path conform to the AWS API models', () => {
  it('EC2 faults with target groups and alarm guardrails', async () => {
    await drill({ web, tg }, [{ id: 'stop', type: 'ec2-stop', resource: 'web' }]);
    await drill({ web: { type: 'ec2-instance', targetGroup: 'tg', count: 1 }, tg }, [
      { id: 'out', type: 'elbv2-deregister', resource: 'web', targetGroup: 'tg' },
    ]);
    await drill({ web }, [{ id: 'reboot', type: 'ec2-reboot', resource: 'web' }]);
    await drill({ web: { ...web, count: 1 } }, [{ id: 'gone', type: 'ec2-terminate', resource: 'web' }]);
    // Instances in an Auto Scaling group: its processes suspended for the drill, the group watched.
    await drill(
      { web: { ...web, count: 1 } },
      [{ id: 'stop', type: 'ec2-stop', resource: 'web', autoScaling: 'suspend' }],
      world({ asgGroup: 'web-asg' }),
    );
  });

  it('database failovers, AZ impairment (direct and through FIS) and restores', async () => {
    await drill({ db: { type: 'rds-instance', id: 'db1' } }, [{ id: 'fo', type: 'rds-failover', resource: 'db' }]);
    await drill({ cl: { type: 'aurora-cluster', id: 'cl1' } }, [{ id: 'fo', type: 'aurora-failover', resource: 'cl' }]);
    await drill({ web, db: { type: 'rds-instance', id: 'db1' } }, [
      { id: 'az', type: 'az-impairment', az: 'us-east-1a', resources: ['web'], database: 'db' },
    ]);
    await drill({ web }, [
      { id: 'az', type: 'az-impairment', az: 'us-east-1a', resources: ['web'], fis: true, roleArn: template.roleArn },
    ]);
    await drill({ db: { type: 'rds-instance', id: 'db1' } }, [
      { id: 'snap', type: 'rds-restore', resource: 'db', from: 'latest-snapshot' },
    ]);
    await drill({ db: { type: 'rds-instance', id: 'db1' } }, [
      { id: 'pitr', type: 'rds-restore', resource: 'db', from: { pointInTime: 'latest' } },
    ]);
    // A snapshot taken by the drill before the restore, deleted by rollback.
    await drill({ db: { type: 'rds-instance', id: 'db1' } }, [
      { id: 'fresh', type: 'rds-restore', resource: 'db', from: 'fresh-snapshot' },
    ]);
  });

  it('DynamoDB restores (point in time by tags, backup by name) and the dynamodb-heartbeat calls', async () => {
    const byTags = { type: 'dynamodb-table', tags: { app: 'shop' } } as const;
    await drill({ t: byTags }, [
      { id: 'pitr', type: 'dynamodb-restore', resource: 't', from: { pointInTime: 'latest' } },
    ]);
    const { w } = await drill({ t: { type: 'dynamodb-table', name: 'orders' } }, [
      {
        id: 'bk',
        type: 'dynamodb-restore',
        resource: 't',
        from: { backup: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/backup/01700000000000-abcdef12' },
        verify: [
          { name: 'one', getItem: { key: { pk: { S: 'order' }, sk: { N: '1' } } }, expect: { absent: true } },
          { name: 'all', query: { keyCondition: 'pk = :p', values: { ':p': { S: 'order' } } }, expect: { count: 0 } },
        ],
      },
    ]);
    expect([...w.tables.keys()]).toEqual(['orders']);
    // The heartbeat driver's own calls, over a captured DynamoDB client.
    const ddb = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    captureOn(ddb.middlewareStack as unknown as MiddlewareStackLike, sent, (_s, op, input) =>
      (w.aws.dynamodb as unknown as Record<string, (i: unknown) => unknown>)[
        op.charAt(0).toLowerCase() + op.slice(1)
      ]?.(input),
    );
    const driver = new DynamoHeartbeatDriver(
      {
        kind: 'dynamodb-heartbeat',
        name: 'hb',
        intervalMs: 100,
        timeoutMs: 1000,
        maxInFlight: 10,
        table: 'orders',
        partitionKey: 'pk',
        sortKey: 'sk',
        aws: { region: 'us-east-1' },
        connectTimeoutMs: 1000,
      },
      {
        describeTable: (i, o) => ddb.send(new DescribeTableCommand(i), o),
        putItem: (i, o) => ddb.send(new PutItemCommand(i), o),
        query: (i, o) => ddb.send(new QueryCommand(i), o),
        destroy: () => ddb.destroy(),
      },
    );
    await driver.write({ runId: 'run-1', seq: 0 }, new AbortController().signal, () => 1_800_000_000_000);
    expect(await driver.readBack('run-1', 1000)).toEqual({ seqs: [], sentAt: [] });
    await driver.close();
  });

  it('ECS task stops, by name and by tags, and the ECS part of an AZ impairment', async () => {
    const api = { type: 'ecs-service' as const, cluster: 'shop', service: 'api', count: 1 };
    await drill({ api }, [{ id: 'stop', type: 'ecs-stop-tasks', resource: 'api' }]);
    await drill({ api: { type: 'ecs-service', tags: { app: 'api' } } }, [
      { id: 'az', type: 'az-impairment', az: 'us-east-1b', services: ['api'] },
    ]);
  });

  it('FIS experiments from an inline template and from a template id', async () => {
    const { w } = await drill({}, [{ id: 'fis', type: 'fis-experiment', template }]);
    await drill({}, [{ id: 'fis', type: 'fis-experiment', templateId: 'EXT9' }], world({ fisHangs: true }));
    // startAfterDelay is no member of the FIS API: it never reaches the wire.
    const created = w.created[0] as { actions: Record<string, Record<string, unknown>> };
    expect(created.actions.stop).toBeDefined();
    expect(created.actions.stop?.startAfterDelay).toBeUndefined();
  });

  it('Lambda: the throttle with and without a previous reserved concurrency, FIS Lambda actions, the probe', async () => {
    const fn = { type: 'lambda-function', function: 'orders' } as const;
    const a = await drill({ fn }, [{ id: 'th', type: 'lambda-throttle', resource: 'fn', restoreAfter: '50ms' }]);
    expect(a.result.exitCode).not.toBe(6);
    expect(a.w.functions.get('orders')?.reserved).toBe(5);
    const b = await drill({ fn: { ...fn, function: 'worker' } }, [
      { id: 'th', type: 'lambda-throttle', resource: 'fn' },
    ]);
    expect(b.result.exitCode).not.toBe(6);
    expect(b.w.functions.get('worker')?.reserved).toBeUndefined();
    const lambdaTemplate = {
      description: 'invocation error',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/fis`,
      stopConditions: [{ source: 'none' }],
      targets: {
        fns: {
          resourceType: 'aws:lambda:function',
          resourceArns: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders`],
          selectionMode: 'ALL',
        },
      },
      actions: {
        err: {
          actionId: 'aws:lambda:invocation-error',
          parameters: { duration: 'PT1S', preventExecution: 'true' },
          targets: { Functions: 'fns' },
        },
      },
    };
    await drill({}, [{ id: 'fis', type: 'fis-experiment', template: lambdaTemplate }]);
    // The probe's Invoke, through the real Lambda client.
    const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    captureOn(client.middlewareStack as unknown as MiddlewareStackLike, sent, () => ({
      StatusCode: 200,
      Payload: new TextEncoder().encode('{"ok":true}'),
    }));
    const probe = new LambdaProbe(
      {
        kind: 'lambda',
        name: 'orders',
        intervalMs: 100,
        timeoutMs: 1000,
        maxInFlight: 10,
        functionName: 'orders',
        qualifier: '$LATEST',
        payload: '{"order":1}',
        expect: { status: [200], functionError: false },
        aws: { region: 'us-east-1' },
      },
      { invoke: (i, o) => client.send(new InvokeCommand(i), o), destroy: () => client.destroy() },
    );
    const out = await probe.attempt({ seq: 0, scheduled: 0, signal: new AbortController().signal } as never);
    expect(out.ok).toBe(true);
    await probe.close();
  });

  it('sweep and recover', async () => {
    const w = world({ fisHangs: true });
    const sink = new RecordingSink();
    const apis = sdkBacked(w.aws, () => {}, sent);
    const started = await apis.fis.startExperiment({
      experimentTemplateId: 'EXT1',
      clientToken: 'x',
      tags: { 'drillproof:run-id': 'old-run' },
    });
    await apis.rds.restoreDBInstanceFromDBSnapshot({
      DBInstanceIdentifier: 'dp-old-run-restore',
      DBSnapshotIdentifier: 'rds:db1-2026-01-01',
      Tags: [{ Key: 'drillproof:run-id', Value: 'old-run' }],
    });
    w.tables.set('orders-dp-old-run-restore', {
      name: 'orders-dp-old-run-restore',
      status: 'ACTIVE',
      tags: { 'drillproof:run-id': 'old-run' },
      pitr: false,
    });
    w.instances.get('i-0a')!.state = 'stopped';
    const found = await sweep({
      aws: apis,
      sink,
      clock: systemClock,
      dryRun: false,
      labInstanceIds: ['i-0a'],
      pollMs: 10,
      waitTimeoutMs: 1000,
    });
    expect(found.map((f) => [f.kind, f.done])).toEqual([
      ['restored-db-instance', true],
      ['restored-dynamodb-table', true],
      ['fis-experiment', true],
      ['stopped-lab-instance', true],
    ]);
    expect([...w.tables.keys()]).toEqual(['orders']);
    expect(w.experiments.get(started.experiment?.id ?? '')?.status).toBe('stopped');

    const dir = mkdtempSync(join(tmpdir(), 'dp-contract-rec-'));
    dirs.push(dir);
    const j = Journal.create(join(dir, 'journal.ndjson'), new AnchoredClock());
    j.append('run.started', { runId: 'r2', pid: 999_999_999, target: { provider: 'lab', region: 'us-east-1' } });
    const inv = (stepId: string, action: string, params: Record<string, unknown>) => {
      j.append('inverse.recorded', {
        stepId,
        fault: 'x',
        inverse: { action, params, description: stepId, manualSteps: [] },
      });
      j.append('fault.requested', { stepId });
    };
    w.instances.get('i-0b')!.state = 'stopped';
    // Rolled back newest first: the instance starts before it is registered again.
    inv('b', 'elbv2.register-targets', { targetGroupArn: w.TG, targets: [{ Id: 'i-0b', Port: 80 }] });
    inv('a', 'ec2.start-instances', { instanceIds: ['i-0b'] });
    inv('c', 'fis.stop-experiment', { runId: 'r2', stepId: 'c' });
    inv('d', 'fis.delete-template', { templateId: 'EXT1' });
    inv('e', 'rds.await-available', { id: 'db1', kind: 'instance' });
    j.close();
    const r = await recoverRun(dir, {
      createAws: (_t, rec) => sdkBacked(w.aws, rec, sent),
      sink,
      pollMs: 10,
      waitTimeoutMs: 1000,
      isAlive: () => false,
    });
    expect(r.exitCode).toBe(0);
  });

  it('KMS signing and Secrets Manager passwords', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kms = new KMSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    captureOn(kms.middlewareStack as unknown as MiddlewareStackLike, sent, (_s, op) =>
      op === 'GetPublicKey'
        ? {
            KeyId: 'arn:aws:kms:us-east-1:0:key/k',
            KeySpec: 'ECC_NIST_P256',
            KeyUsage: 'SIGN_VERIFY',
            PublicKey: publicKey.export({ format: 'der', type: 'spki' }),
          }
        : { Signature: Buffer.from([1, 2, 3]) },
    );
    // The KmsApi drillproof's signer calls, over this captured client.
    const signer = await kmsSigner(
      {
        getPublicKey: (i) => kms.send(new GetPublicKeyCommand(i)),
        sign: (i) => kms.send(new SignCommand(i)),
        destroy: () => kms.destroy(),
      },
      'alias/drills',
    );
    await signer.sign(Buffer.from('pae'));
    const sm = new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    captureOn(sm.middlewareStack as unknown as MiddlewareStackLike, sent, () => ({
      SecretString: '{"password":"pw"}',
    }));
    const pw = passwordProvider(
      {
        host: 'h',
        port: 5432,
        database: 'd',
        user: 'u',
        ssl: 'disable',
        password: {
          type: 'secretsManager',
          secretId: 'arn:aws:secretsmanager:us-east-1:0:secret:db-AbCdEf',
          key: 'password',
        },
      } as never,
      {
        env: {},
        aws: {
          secretsManager: () => ({
            getSecretValue: (i) => sm.send(new GetSecretValueCommand(i)),
            destroy: () => sm.destroy(),
          }),
          rdsSigner: () => ({ getAuthToken: async () => 't' }),
        },
      },
    );
    expect(await pw()).toBe('pw');
  });

  it('DynamoDB heartbeat, table checks, lambda probe, DynamoDB and Backup restores', async () => {
    await dataPaths(sent);
  });

  it('elasticache-failover: TestFailover per node group, the group and its events watched', async () => {
    const w = world();
    const cache = fakeAws({
      cacheGroups: [{ id: 'shop-cache', nodeGroups: [{ id: '0001', members: ['shop-cache-001', 'shop-cache-002'] }] }],
    });
    (w.aws as unknown as Record<string, unknown>).elasticache = cache.aws.elasticache;
    const r = await drill(
      { cache: { type: 'elasticache-replication-group', id: 'shop-cache' } },
      [{ id: 'failover', type: 'elasticache-failover', resource: 'cache' }],
      w,
    );
    expect(r.result.record.faults.map((x) => x.stepId)).toContain('failover');
    expect(cache.cacheGroups.get('shop-cache')?.primaries.get('0001')).toBe('shop-cache-002');
  });

  it('every request conforms, and every contract case was exercised', () => {
    expect(contractProblems(sent)).toEqual([]);
    const seen = new Set(sent.map(caseKey));
    // Planned cases are not sent by src yet: golden-requests.test.ts covers them.
    expect(
      CONTRACT_CASES.filter((c) => !c.planned)
        .map(caseKey)
        .filter((k) => !seen.has(k)),
    ).toEqual([]);
  });
});
