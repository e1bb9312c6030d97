import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { readJournal } from '../../src/run/journal.js';
import type { HeartbeatReadback } from '../../src/run/samples.js';
import { drill, killedWhen, type ScenarioDoc, useDrillLab, usePolicyRuns, variant } from './_drill.js';

/** The DynamoDB point-in-time restore drill (BAR-002) against one lab with DynamoDB. */
const lab = useDrillLab({ aurora: false, dynamodb: true });
/** Each drill below runs under exactly its scenario's generated IAM policy. */
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

function ddb(): DynamoDBClient {
  const info = lab.info();
  return new DynamoDBClient({
    region: info.region,
    endpoint: info.awsEndpoint,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
}

async function tables(): Promise<string[]> {
  const c = ddb();
  try {
    return ((await c.send(new ListTablesCommand({}))).TableNames ?? []).sort();
  } finally {
    c.destroy();
  }
}

/** Every heartbeat item of a run in the source table, read independently of drillproof. */
async function sourceWrites(runId: string): Promise<{ seq: number; sentAt: number }[]> {
  const c = ddb();
  const out: { seq: number; sentAt: number }[] = [];
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      const q = await c.send(
        new QueryCommand({
          TableName: 'lab-app',
          KeyConditionExpression: 'pk = :r',
          ExpressionAttributeValues: { ':r': { S: runId } },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const it of q.Items ?? []) out.push({ seq: Number(it.seq?.N), sentAt: Number(it.sent_at?.N) });
      start = q.LastEvaluatedKey;
    } while (start);
  } finally {
    c.destroy();
  }
  return out.sort((a, b) => a.seq - b.seq);
}

const pitr = (mutate: (d: ScenarioDoc) => void) => variant('dynamodb-pitr-restore', mutate);

describe('dynamodb-restore drills', { timeout: 150_000 }, () => {
  it('PITR to a time T inside the heartbeat: RPO = F − H, H the newest heartbeat at or before T', async () => {
    const before = await tables();
    // T: a few seconds into the heartbeat (preflight takes a moment, the baseline is 10 s).
    const T = Date.now() + 7000;
    const file = pitr((d) => {
      d.steps.baseline = '10s';
      d.steps.faults[0].from = { pointInTime: new Date(T).toISOString() };
    });
    const { result, journal, runDir } = await drillUnderPolicy(file);
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.verification?.ok).toBe(true);
    const runId = result.record.runId;
    const F = journal.find((e) => e.kind === 'fault.acknowledged')?.t as number;
    const restore = journal.find(
      (e) => e.kind === 'aws.call' && e.data.operation === 'RestoreTableToPointInTime' && e.data.ok,
    );
    // The call went out after the fault was issued and was answered by the time it was accepted (F).
    const issued = journal.find((e) => e.kind === 'fault.requested')?.t as number;
    expect(restore?.t as number).toBeGreaterThanOrEqual(issued);
    expect(restore?.t as number).toBeLessThanOrEqual(F);
    const rb = JSON.parse(
      readFileSync(join(runDir, 'samples', 'hb.restore.readback.json'), 'utf8'),
    ) as HeartbeatReadback;
    // Independently: the heartbeat items in the source table, the ones sent at or before T.
    const src = await sourceWrites(runId);
    const upToT = src.filter((w) => w.sentAt <= T);
    expect(upToT.length).toBeGreaterThan(3);
    expect(src.length).toBeGreaterThan(upToT.length);
    const newest = upToT[upToT.length - 1] as { seq: number; sentAt: number };
    // A write sent within one interval before T may land just after T: then it is not in the restore.
    const H = Math.max(...rb.sentAt);
    const inFlightAtT = T - newest.sentAt < 250;
    if (H !== newest.sentAt) expect(inFlightAtT).toBe(true);
    const expectedSeqs = upToT.map((w) => w.seq).filter((s) => s !== newest.seq || H === newest.sentAt);
    expect(rb.seqs).toEqual(expectedSeqs);
    const rpo = result.record.measurements.rpo;
    expect(rpo?.kind).toBe('restore');
    expect(rpo?.seconds).toBeCloseTo((F - H) / 1000, 6);
    expect(rpo?.seconds as number).toBeGreaterThan((F - T) / 1000 - 0.001);
    const rto = result.record.measurements.rto;
    expect(rto?.probe).toMatch(/^restore:/);
    expect(rto?.seconds as number).toBeGreaterThan(0);
    expect(result.record.faults[0]).toMatchObject({ type: 'dynamodb-restore', rollback: 'succeeded' });
    // The restored table is gone afterwards (before the lab reset).
    expect(await tables()).toEqual(before);
  });

  it('a check that returns the wrong items fails with the call, expected and actual in the report', async () => {
    const before = await tables();
    const file = pitr((d) => {
      d.steps.baseline = '2s';
      d.steps.faults[0].verify = [
        {
          name: 'order-2',
          getItem: { key: { pk: { S: 'order' }, sk: { N: '2' } } },
          expect: { item: { total: { N: '99' } } },
        },
        {
          name: 'orders',
          query: { keyCondition: 'pk = :pk', values: { ':pk': { S: 'order' } } },
          expect: { count: 5 },
        },
      ];
    });
    const { result } = await drill(file, lab.dir());
    expect(result.exitCode).not.toBe(0);
    const checks = result.record.verification?.checks ?? [];
    expect(result.record.verification?.ok).toBe(false);
    expect(checks.map((c) => [c.name, c.ok, c.expected, c.actual])).toEqual([
      ['order-2', false, '{"total":{"N":"99"}}', '{"total":{"N":"20"}}'],
      ['orders', false, '{"count":5}', '{"count":3}'],
    ]);
    expect(result.record.faults[0]?.rollback).toBe('succeeded');
    expect(await tables()).toEqual(before);
  });

  it('kill -9 during the restore, then recover: no restored table is left', async () => {
    const before = await tables();
    const file = pitr((d) => {
      d.steps.baseline = '1s';
    });
    const out = await killedWhen(file, lab.dir(), '"operation":"RestoreTableToPointInTime"');
    const journal = join(out, 'journal.ndjson');
    const restored = (await tables()).filter((t) => !before.includes(t));
    expect(restored).toHaveLength(1);
    const entries = readJournal(journal).entries;
    expect(entries.some((e) => e.kind === 'inverse.recorded')).toBe(true);
    const r = await recoverRun(out, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink: new RecordingSink(),
      pollMs: 200,
      waitTimeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(0);
    expect(await tables()).toEqual(before);
    const c = ddb();
    await expect(c.send(new DescribeTableCommand({ TableName: restored[0] }))).rejects.toThrow(/not found/i);
    c.destroy();
  });
});
