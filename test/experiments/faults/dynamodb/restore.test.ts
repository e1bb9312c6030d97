import { describe, expect, it } from 'vitest';
import { restorePreflight } from '../../../../src/experiments/faults/dynamodb/restore-run.js';
import type { DynamoRestoreStep } from '../../../../src/experiments/faults/dynamodb/restore-schema.js';
import type { FaultContext } from '../../../../src/experiments/faults/types.js';
import { planFault } from '../../../../src/experiments/plan/build.js';
import { planContext } from '../../../../src/experiments/plan/context.js';
import { type ScenarioInput, scenarioSchema } from '../../../../src/experiments/schema/scenario.js';
import { fakeAws } from '../../../_helpers/fake-aws.js';

const base = (faults: unknown[], probes: unknown[] = []): ScenarioInput =>
  ({
    version: 1,
    metadata: { name: 'ddb' },
    target: { provider: 'aws', region: 'eu-west-1', allowedAccounts: ['123456789012'] },
    resources: { orders: { type: 'dynamodb-table', name: 'orders' } },
    probes,
    steps: { baseline: '1s', faults, observe: { timeout: '1m' } },
  }) as never;

const step = (extra: Record<string, unknown> = {}) => ({
  id: 'restore',
  type: 'dynamodb-restore',
  resource: 'orders',
  from: { pointInTime: 'latest' },
  ...extra,
});

const messages = (r: ReturnType<typeof scenarioSchema.safeParse>) =>
  r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('dynamodb-restore schema', () => {
  it('accepts point in time, a time, a backup and both kinds of checks', () => {
    const verify = [
      { name: 'one', getItem: { key: { pk: { S: 'o' }, sk: { N: '1' } } }, expect: { item: { s: { S: 'paid' } } } },
      { name: 'gone', getItem: { key: { pk: { S: 'o' }, sk: { N: '9' } } }, expect: { absent: true } },
      { name: 'n', query: { keyCondition: 'pk = :p', values: { ':p': { S: 'o' } } }, expect: { count: 3 } },
    ];
    for (const from of [{ pointInTime: 'latest' }, { pointInTime: '2026-11-22T09:00:00Z' }, { backup: 'arn:b' }]) {
      const r = scenarioSchema.safeParse(base([step({ from, verify })]));
      expect(messages(r)).toEqual([]);
    }
  });

  it('rejects an unknown source, a check without a call and a non-DynamoDB heartbeat', () => {
    expect(messages(scenarioSchema.safeParse(base([step({ from: 'latest-snapshot' })])))).toEqual([
      'steps.faults.0.from: unknown restore source: use {pointInTime: latest | RFC 3339 time} or {backup: <backup ARN>}',
    ]);
    expect(
      messages(scenarioSchema.safeParse(base([step({ verify: [{ name: 'x', expect: { count: 1 } }] })])))[0],
    ).toMatch(/getItem \{key\} or query/);
    const pg = {
      name: 'hb',
      type: 'postgres-heartbeat',
      interval: '1s',
      connection: { host: 'h', port: 5432, database: 'd', user: 'u', password: { env: 'PW' } },
    };
    expect(messages(scenarioSchema.safeParse(base([step({ heartbeatProbe: 'hb' })], [pg])))).toEqual([
      'steps.faults.0.heartbeatProbe: heartbeatProbe "hb" is a postgres-heartbeat probe, not a dynamodb-heartbeat',
    ]);
  });
});

describe('dynamodb-restore plan', () => {
  const plan = (s: Record<string, unknown>) => {
    const scenario = scenarioSchema.parse(base([s]));
    return planFault(planContext(scenario), scenario.steps.faults[0] as never);
  };
  const arn = (p: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${p}`;

  it('restores to a point in time into <table>-dp-*, on the source and the target, and deletes it after', () => {
    const p = plan(step({ from: { pointInTime: '2026-11-22T09:00:00Z' } }));
    const restore = p.inject.find((c) => c.operation === 'RestoreTableToPointInTime');
    expect(restore?.resources).toEqual([arn('orders'), arn('orders-dp-*')]);
    expect(restore?.params).toEqual({ RestoreDateTime: '2026-11-22T09:00:00Z' });
    expect(p.inject.map((c) => c.iamAction)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:TagResource']),
    );
    expect(p.preflight.map((c) => c.operation)).toEqual([
      'ListTagsOfResource',
      'DescribeTable',
      'DescribeContinuousBackups',
    ]);
    expect(p.inverse?.awsCalls.map((c) => [c.operation, c.resources])).toEqual([['DeleteTable', [arn('orders-dp-*')]]]);
    expect(p.inverseActions).toEqual(['dynamodb.delete-table']);
  });

  it('restores from a backup on the backup ARN; keep: true has no inverse', () => {
    const b = `${arn('orders')}/backup/01700000000000-abcdef12`;
    const p = plan(step({ from: { backup: b }, keep: true, restoredName: 'orders-copy' }));
    expect(p.inject[0]).toMatchObject({ operation: 'RestoreTableFromBackup', resources: [b, arn('orders-copy')] });
    expect(p.preflight.map((c) => c.operation)).toEqual(['ListTagsOfResource', 'DescribeTable', 'DescribeBackup']);
    expect(p.inverse).toBeNull();
    expect(p.inverseActions).toEqual([]);
  });
});

describe('dynamodb-restore preflight', () => {
  const ctx = (pitr: boolean, nowMs: number) =>
    ({
      aws: fakeAws({ tables: [{ name: 'orders', status: 'ACTIVE', tags: {}, pitr }] }).aws,
      timeline: { nowMs: () => nowMs },
      waitTimeoutMs: 60_000,
    }) as unknown as FaultContext;
  const plan = (from: DynamoRestoreStep['from']) => ({
    step: { from } as DynamoRestoreStep,
    table: { name: 'orders', type: 'dynamodb-table' as const, id: 'orders', arn: 'a', status: 'ACTIVE', tags: {} },
    newName: 'orders-dp-x',
    state: {},
  });

  it('fails when point-in-time recovery is off', async () => {
    const out = await restorePreflight(ctx(false, 0), plan({ pointInTime: 'latest' }));
    expect(out.find((c) => c.check === 'point-in-time recovery')).toMatchObject({ ok: false });
  });

  it('checks the requested time against the restorable window (the fake: 1970 .. 2096)', async () => {
    // Inside the window, before the earliest time, and beyond the window by more than the longest wait.
    const at = (t: string, now = 0) => restorePreflight(ctx(true, now), plan({ pointInTime: t }));
    expect((await at('2026-11-22T09:00:00Z')).at(-1)?.ok).toBe(true);
    expect((await at('1969-12-31T00:00:00Z')).at(-1)).toMatchObject({ ok: false, check: 'restore window' });
    expect((await at('2100-01-01T00:00:00Z')).at(-1)).toMatchObject({ ok: false, check: 'restore window' });
  });
});
