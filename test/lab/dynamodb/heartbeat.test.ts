import { createServer, type Server } from 'node:http';
import { DescribeTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsApis } from '../../../src/aws/clients.js';
import { runDynamoChecks } from '../../../src/aws/dynamodb-checks.js';
import { DDB_TABLE } from '../../../src/lab/dynamodb/setup.js';
import { restoreRpo } from '../../../src/measurements/rpo.js';
import { seriesFromSamples } from '../../../src/measurements/series.js';
import { type DynamoHeartbeatConfig, DynamoHeartbeatDriver } from '../../../src/probes/kinds/dynamodb.js';
import { HeartbeatProbe } from '../../../src/probes/kinds/heartbeat/runner.js';
import { OpenLoopScheduler } from '../../../src/probes/scheduler.js';
import type { HeartbeatReadback, Sample } from '../../../src/run/samples.js';
import { AnchoredClock } from '../../../src/util/clock.js';
import { eventually } from '../../_helpers/lab.js';
import { dynamoServer } from './_server.js';

let srv: Awaited<ReturnType<typeof dynamoServer>>;
beforeAll(async () => {
  srv = await dynamoServer({ pitrLagMs: 300, transitionMs: 200 });
});
afterAll(async () => srv?.close());

const target = () => ({
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${srv.port}`,
  credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  maxAttempts: 1,
});

function hbConfig(endpointPort: number, over: Partial<DynamoHeartbeatConfig> = {}): DynamoHeartbeatConfig {
  return {
    kind: 'dynamodb-heartbeat',
    name: 'ddb-hb',
    intervalMs: 100,
    timeoutMs: 1000,
    maxInFlight: 40,
    table: DDB_TABLE,
    partitionKey: 'pk',
    sortKey: 'sk',
    aws: { ...target(), endpoint: `http://127.0.0.1:${endpointPort}` },
    connectTimeoutMs: 1000,
    ...over,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dynamodb-heartbeat driver', () => {
  it('across a point-in-time restore: RPO = F − H, H the newest heartbeat at or before the restore time', async () => {
    const cfg = hbConfig(srv.port);
    const clock = new AnchoredClock();
    const runId = `ddb-${Date.now()}`;
    const driver = new DynamoHeartbeatDriver(cfg);
    const probe = new HeartbeatProbe(cfg, driver, runId, clock);
    const samples: Sample[] = [];
    const sched = new OpenLoopScheduler(cfg, probe, clock, {
      t0Mono: clock.clock.monotonicMs(),
      onSample: (s) => samples.push(s),
    });
    const run = sched.run();
    await eventually(() => samples.filter((s) => s.ok).length >= 25, 20_000);
    sched.stop();
    await run;
    samples.sort((a, b) => a.seq - b.seq);
    const acked = samples.filter((s) => s.write?.outcome === 'acknowledged');
    const ackAt = (s: Sample) => s.scheduled + s.latencyMs;
    // A restore time between write k's acknowledgement and write k+1's send, with every earlier
    // write acknowledged: nothing is in flight at T, so the restored set is exactly known.
    const k = samples.find(
      (s, i) =>
        i >= 5 &&
        samples.slice(0, i + 2).every((x) => x.write?.outcome === 'acknowledged') &&
        (samples[i + 1]?.write?.sentAt ?? 0) - ackAt(s) > 20,
    );
    if (!k) throw new Error('no quiet moment between two heartbeats (machine too loaded?)');
    const next = samples[samples.indexOf(k) + 1] as Sample;
    const T = new Date(Math.round((ackAt(k) + (next.write?.sentAt as number)) / 2));
    await sleep(400); // T is past LatestRestorableDateTime's lag

    const aws = createAwsApis(target());
    const F = Date.now();
    await aws.dynamodb.restoreTableToPointInTime({
      SourceTableName: DDB_TABLE,
      TargetTableName: 'hb-restored',
      RestoreDateTime: T,
    });
    await eventually(
      async () => (await aws.dynamodb.describeTable({ TableName: 'hb-restored' })).Table?.TableStatus === 'ACTIVE',
      10_000,
    );
    const rows = await driver.readBack(runId, 5000, 'hb-restored');
    const readback: HeartbeatReadback = {
      probe: cfg.name,
      runId,
      readAt: Date.now(),
      source: driver.source,
      kind: 'restore',
      ...rows,
    };

    // Independent: scan the source table (every write of the run) and the restored one.
    const scan = async (table: string) =>
      ((await srv.client().send(new ScanCommand({ TableName: table }))).Items ?? [])
        .filter((i) => i.pk?.S === runId)
        .map((i) => ({ seq: Number(i.sk?.N), sentAt: Number(i.sent_at?.N) }))
        .sort((a, b) => a.seq - b.seq);
    const source = await scan(DDB_TABLE);
    // Every acknowledged write is in the source; only attempted ones are.
    expect(acked.filter((a) => !source.some((r) => r.seq === a.seq))).toEqual([]);
    expect(source.filter((r) => !samples.find((x) => x.seq === r.seq)?.write)).toEqual([]);
    const expected = source.filter((r) => r.sentAt <= T.getTime());
    expect(await scan('hb-restored')).toEqual(expected);
    expect(rows.seqs).toEqual(expected.map((r) => r.seq));
    const H = Math.max(...expected.map((r) => r.sentAt));
    expect(H).toBe(k.write?.sentAt);

    const series = seriesFromSamples(
      {
        probe: cfg.name,
        kind: cfg.kind,
        intervalMs: cfg.intervalMs,
        timeoutMs: cfg.timeoutMs,
        t0: samples[0]?.scheduled ?? 0,
      },
      samples.sort((a, b) => a.seq - b.seq),
    );
    const rpo = restoreRpo(series, readback, F);
    expect(rpo.seconds).toBeCloseTo((F - H) / 1000, 6);
    // Acknowledged before F but after T: lost to this restore, and counted.
    expect(rpo.lostWrites).toBe(acked.filter((s) => (s.write?.sentAt ?? 0) > T.getTime()).length);
    expect(rows.seqs).toEqual(samples.slice(0, samples.indexOf(k) + 1).map((s) => s.seq));
    await probe.close();
  });

  it('a retried write whose first answer was lost counts once, as acknowledged', async () => {
    // A proxy that forwards the first PutItem and answers 500: the item is stored, the answer lost.
    let dropped = 0;
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        const r = await fetch(`http://127.0.0.1:${srv.port}/`, {
          method: 'POST',
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
          ) as Record<string, string>,
          body,
        });
        const text = await r.text();
        if (String(req.headers['x-amz-target']).endsWith('PutItem') && dropped === 0) {
          dropped++;
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'lost' }));
          return;
        }
        res.writeHead(r.status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(text);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as { port: number }).port;
    try {
      const cfg = hbConfig(port);
      const runId = `retry-${Date.now()}`;
      const driver = new DynamoHeartbeatDriver(cfg);
      const probe = new HeartbeatProbe(cfg, driver, runId, new AnchoredClock());
      const out = await probe.attempt({ seq: 0, scheduled: Date.now(), signal: AbortSignal.timeout(2000) });
      expect(dropped).toBe(1);
      expect(out.ok).toBe(true);
      expect(out.write?.outcome).toBe('acknowledged');
      expect((await driver.readBack(runId, 2000)).seqs).toEqual([0]);
      // The same (run, seq) written again on a first attempt is not ours to count: an error.
      const again = await probe.attempt({ seq: 0, scheduled: Date.now(), signal: AbortSignal.timeout(2000) });
      expect(again).toMatchObject({ ok: false, error: 'db_error', write: { outcome: 'indeterminate' } });
      await probe.close();
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('refuses a table whose key does not fit, before any write is attempted', async () => {
    const cfg = hbConfig(srv.port, { partitionKey: 'run_id', sortKey: 'seq' });
    const driver = new DynamoHeartbeatDriver(cfg);
    const probe = new HeartbeatProbe(cfg, driver, 'r', new AnchoredClock());
    const out = await probe.attempt({ seq: 0, scheduled: Date.now(), signal: AbortSignal.timeout(2000) });
    expect(out.ok).toBe(false);
    expect(out.write).toBeUndefined();
    expect(out.detail).toMatch(/has key pk \(S\) \/ sk, not run_id \(S\) \/ seq/);
    await probe.close();
  });
});

describe('DynamoDB verification checks', () => {
  it('report the call, the expected and the actual values', async () => {
    const c = srv.client();
    await c.send(
      new PutItemCommand({ TableName: DDB_TABLE, Item: { pk: { S: 'chk' }, sk: { N: '1' }, v: { S: 'a' } } }),
    );
    await c.send(
      new PutItemCommand({ TableName: DDB_TABLE, Item: { pk: { S: 'chk' }, sk: { N: '2' }, v: { S: 'b' } } }),
    );
    expect((await c.send(new DescribeTableCommand({ TableName: DDB_TABLE }))).Table?.TableStatus).toBe('ACTIVE');
    const aws = createAwsApis(target());
    const r = await runDynamoChecks(aws.dynamodb, DDB_TABLE, [
      { name: 'item', getItem: { key: { pk: { S: 'chk' }, sk: { N: '1' } } }, expect: { item: { v: { S: 'a' } } } },
      {
        name: 'wrong item',
        getItem: { key: { pk: { S: 'chk' }, sk: { N: '2' } } },
        expect: { item: { v: { S: 'a' } } },
      },
      { name: 'absent', getItem: { key: { pk: { S: 'chk' }, sk: { N: '9' } } }, expect: { absent: true } },
      { name: 'count', query: { keyCondition: 'pk = :p', values: { ':p': { S: 'chk' } } }, expect: { count: 2 } },
      { name: 'wrong count', query: { keyCondition: 'pk = :p', values: { ':p': { S: 'chk' } } }, expect: { count: 3 } },
      {
        name: 'items',
        query: { keyCondition: 'pk = :p', values: { ':p': { S: 'chk' } } },
        expect: { items: [{ sk: { N: '1' } }, { sk: { N: '2' } }] },
      },
    ]);
    expect(r.map((x) => [x.name, x.ok])).toEqual([
      ['item', true],
      ['wrong item', false],
      ['absent', true],
      ['count', true],
      ['wrong count', false],
      ['items', true],
    ]);
    expect(r[1]).toMatchObject({ expected: { v: { S: 'a' } }, actual: { v: { S: 'b' } } });
    expect(r[1]?.call).toBe(`GetItem ${DDB_TABLE} {"pk":{"S":"chk"},"sk":{"N":"2"}}`);
    expect(r[4]).toMatchObject({ expected: { count: 3 }, actual: { count: 2 } });
    const gone = await runDynamoChecks(aws.dynamodb, 'no-such-table', [
      { name: 'count', query: { keyCondition: 'pk = :p', values: { ':p': { S: 'chk' } } }, expect: { count: 2 } },
    ]);
    expect(gone[0]).toMatchObject({ ok: false, actual: null });
    expect(gone[0]?.error).toMatch(/resource not found|not found/i);
  });
});
