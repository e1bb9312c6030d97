import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../src/errors.js';
import { ec2LeaseKind } from '../../src/experiments/faults/ec2/lease.js';
import { LEASE_TAG, leaseValue, parseLease } from '../../src/experiments/faults/lease-kind.js';
import { leaseKind } from '../../src/experiments/faults/lease-kinds.js';
import { leaseCheck, leasedResources, leaseHolds, takeLease, verifyLease } from '../../src/experiments/lease.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { resolveResources } from '../../src/experiments/resources/registry.js';
import { RollbackStack } from '../../src/experiments/rollback.js';
import { type ScenarioInput, scenarioSchema } from '../../src/experiments/schema/scenario.js';
import { sweep } from '../../src/experiments/sweep.js';
import { RecordingSink } from '../../src/io/messages.js';
import { Journal } from '../../src/run/journal.js';
import { AnchoredClock, type Clock } from '../../src/util/clock.js';
import { fakeAws } from '../_helpers/fake-aws.js';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const clock: Clock = { monotonicMs: () => 0, wallMs: () => NOW, sleep: async () => {} };

const scenario = scenarioSchema.parse({
  version: 1,
  metadata: { name: 'lease' },
  target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
  resources: { web: { type: 'ec2-instance', ids: ['i-1'] }, other: { type: 'ec2-instance', ids: ['i-2'] } },
  probes: [{ name: 'web', type: 'http', url: 'http://127.0.0.1:9/', interval: '20ms', dependsOn: ['web'] }],
  steps: {
    baseline: '1s',
    faults: [{ id: 'stop', type: 'ec2-stop', resource: 'web' }],
    observe: { timeout: '3s', recovery: { probes: ['web'], hold: '200ms' } },
  },
} satisfies ScenarioInput);

const instances = (tags: Record<string, Record<string, string>> = {}) =>
  fakeAws({
    instances: [
      { id: 'i-1', az: 'us-east-1a', state: 'running', tags: tags['i-1'] ?? {} },
      { id: 'i-2', az: 'us-east-1b', state: 'running', tags: tags['i-2'] ?? {} },
    ],
  });

function journal() {
  const dir = mkdtempSync(join(tmpdir(), 'dp-lease-'));
  const j = Journal.create(join(dir, 'journal.ndjson'), new AnchoredClock(clock));
  j.append('run.started', { runId: 'run-a', pid: 2 ** 22 + 1, target: { provider: 'lab', region: 'us-east-1' } });
  return { dir, j };
}

describe('the lease value', () => {
  it('is <run id>@<expiry>; anything else is no lease', () => {
    const v = leaseValue('run-a@x', NOW + 1500.2);
    expect(v).toBe('run-a@x@2026-12-01T10:00:01.501Z');
    expect(parseLease(v)).toEqual({ runId: 'run-a@x', expiresAtMs: NOW + 1501, value: v });
    expect(parseLease('run-a')).toBeNull();
    expect(parseLease('run-a@tomorrow')).toBeNull();
    expect(parseLease(undefined)).toBeNull();
  });
});

describe('preflight', () => {
  it('leases only the instance resources a fault impairs', () => {
    expect(leasedResources(scenario)).toEqual(['web']);
  });

  it("refuses another drill's lease until it expires; its own and an expired one do not block", async () => {
    const check = async (value: string) => {
      const f = instances({ 'i-1': { [LEASE_TAG]: value } });
      return leaseCheck(scenario, await resolveResources(f.aws, scenario.resources), f.aws, 'run-a', NOW);
    };
    expect(await check(`run-b@${new Date(NOW + 60_000).toISOString()}`)).toMatchObject({
      check: 'lease',
      ok: false,
      detail: 'i-1 is held by drill run-b until 2026-12-01T10:01:00.000Z',
    });
    expect(await check(`run-b@${new Date(NOW - 1).toISOString()}`)).toBeNull();
    expect(await check(`run-a@${new Date(NOW + 60_000).toISOString()}`)).toBeNull();
    // A lease on an instance no fault impairs is not this drill's concern.
    const f = instances({ 'i-2': { [LEASE_TAG]: `run-b@${new Date(NOW + 60_000).toISOString()}` } });
    expect(
      await leaseCheck(scenario, await resolveResources(f.aws, scenario.resources), f.aws, 'run-a', NOW),
    ).toBeNull();
  });
});

describe('taking and releasing', () => {
  it('journals the release before tagging; a lease overwritten by another drill stops it with exit 3', async () => {
    const f = instances();
    const { j } = journal();
    const rollback = new RollbackStack(j, new RecordingSink());
    // When CreateTags is called, its release is already in the journal.
    const create = f.aws.ec2.createTags;
    let journaledFirst = false;
    f.aws.ec2.createTags = (i) => {
      journaledFirst = j.entries.some((e) => e.kind === 'inverse.recorded' && e.data.stepId === 'lease');
      return create(i);
    };
    const value = await takeLease({
      aws: f.aws,
      holds: [{ kind: ec2LeaseKind, ids: ['i-1'] }],
      runId: 'run-a',
      nowMs: NOW,
      maxDurationMs: 60_000,
      rollback,
    });
    // Expires after the longest allowed run plus the margin for its rollback (10 min).
    expect(value).toBe('run-a@2026-12-01T10:11:00.000Z');
    expect(f.instances.get('i-1')?.tags?.[LEASE_TAG]).toBe(value);
    expect(journaledFirst).toBe(true);
    await verifyLease(f.aws, [{ kind: ec2LeaseKind, ids: ['i-1'] }], 'run-a', NOW);
    // Another drill wrote its lease over this one: the next check refuses, naming it.
    (f.instances.get('i-1')?.tags as Record<string, string>)[LEASE_TAG] = 'run-b@2026-12-01T10:20:00.000Z';
    const err = await verifyLease(f.aws, [{ kind: ec2LeaseKind, ids: ['i-1'] }], 'run-a', NOW).catch((e: unknown) => e);
    expect(DrillproofError.is(err) && err.exitCode).toBe(3);
    expect((err as Error).message).toContain('i-1 is held by drill run-b');
    // The rollback removes only this run's value: run-b's lease stays.
    await rollback.drain({ aws: f.aws, clock, pollMs: 1, waitTimeoutMs: 10, env: {}, scenarioDir: '.' });
    expect(f.instances.get('i-1')?.tags?.[LEASE_TAG]).toBe('run-b@2026-12-01T10:20:00.000Z');
  });

  it('recover releases the lease of a drill killed after taking it', async () => {
    const f = instances();
    const { dir, j } = journal();
    await takeLease({
      aws: f.aws,
      holds: [{ kind: ec2LeaseKind, ids: ['i-1'] }],
      runId: 'run-a',
      nowMs: NOW,
      maxDurationMs: 60_000,
      rollback: new RollbackStack(j, new RecordingSink()),
    });
    j.close();
    const r = await recoverRun(dir, { createAws: () => f.aws, sink: new RecordingSink(), clock, isAlive: () => false });
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([['lease', 'succeeded']]);
    expect(f.instances.get('i-1')?.tags?.[LEASE_TAG]).toBeUndefined();
  });

  it('sweep removes expired leases and leaves live ones', async () => {
    const live = `run-b@${new Date(NOW + 60_000).toISOString()}`;
    const f = instances({
      'i-1': { [LEASE_TAG]: `run-a@${new Date(NOW - 60_000).toISOString()}` },
      'i-2': { [LEASE_TAG]: live },
    });
    const found = await sweep({
      aws: f.aws,
      sink: new RecordingSink(),
      clock,
      dryRun: false,
      pollMs: 1,
      waitTimeoutMs: 10,
    });
    expect(found.map((x) => [x.kind, x.id, x.done])).toEqual([['expired-lease', 'i-1', true]]);
    expect(found[0]?.detail).toBe('lease of drill run-a expired at 2026-12-01T09:59:00.000Z');
    expect(f.instances.get('i-1')?.tags?.[LEASE_TAG]).toBeUndefined();
    expect(f.instances.get('i-2')?.tags?.[LEASE_TAG]).toBe(live);
  });
});

describe('leases on ECS services and Lambda functions', () => {
  const svcArn = 'arn:aws:ecs:us-east-1:000000000000:service/shop/api';
  const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:orders';
  const both = scenarioSchema.parse({
    version: 1,
    metadata: { name: 'lease-ecs-lambda' },
    target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
    resources: {
      api: { type: 'ecs-service', cluster: 'shop', service: 'api', count: 1 },
      fn: { type: 'lambda-function', function: 'orders' },
    },
    probes: [{ name: 'web', type: 'http', url: 'http://127.0.0.1:9/', interval: '20ms', dependsOn: ['api'] }],
    steps: {
      baseline: '1s',
      faults: [
        { id: 'stop', type: 'ecs-stop-tasks', resource: 'api' },
        { id: 'throttle', type: 'lambda-throttle', resource: 'fn' },
      ],
      observe: { timeout: '3s', recovery: { probes: ['web'], hold: '200ms' } },
    },
  } satisfies ScenarioInput);
  const world = () =>
    fakeAws({
      ecs: [{ cluster: 'shop', name: 'api', tasks: [{ id: 't1', az: 'us-east-1a', ip: '10.0.1.1' }] }],
      functions: { orders: undefined },
    });

  it('tags the service ARN and the unqualified function ARN; another drill is refused; rollback releases both', async () => {
    const f = world();
    const resources = await resolveResources(f.aws, both.resources);
    expect(leasedResources(both)).toEqual(['api', 'fn']);
    const holds = leaseHolds(both, resources);
    expect(holds.map((h) => [h.kind.stepId, h.ids])).toEqual([
      ['lease.ecs', [svcArn]],
      ['lease.lambda', [fnArn]],
    ]);
    const { j } = journal();
    const rollback = new RollbackStack(j, new RecordingSink());
    const value = await takeLease({ aws: f.aws, holds, runId: 'run-a', nowMs: NOW, maxDurationMs: 60_000, rollback });
    const ecsTags = async () => (await f.aws.ecs.listTagsForResource({ resourceArn: svcArn })).tags ?? [];
    const fnTags = async () => (await f.aws.lambda.listTags({ Resource: fnArn })).Tags ?? {};
    expect(await ecsTags()).toContainEqual({ key: LEASE_TAG, value });
    expect((await fnTags())[LEASE_TAG]).toBe(value);
    // A second drill sees both leases at preflight, naming the first run.
    const again = await resolveResources(f.aws, both.resources);
    const check = await leaseCheck(both, again, f.aws, 'run-b', NOW);
    expect(check?.detail).toContain('is held by drill run-a');
    const out = await rollback.drain({ aws: f.aws, clock, pollMs: 1, waitTimeoutMs: 10, env: {}, scenarioDir: '.' });
    expect(out.map((o) => [o.stepId, o.status])).toEqual([
      ['lease.lambda', 'succeeded'],
      ['lease.ecs', 'succeeded'],
    ]);
    expect((await ecsTags()).some((t) => t.key === LEASE_TAG)).toBe(false);
    expect((await fnTags())[LEASE_TAG]).toBeUndefined();
  });

  it('the release leaves a lease another drill took over, and its manual steps use each service’s CLI', async () => {
    const f = world();
    await f.aws.ecs.tagResource({ resourceArn: svcArn, tags: [{ key: LEASE_TAG, value: 'run-b@x' }] });
    const ecsKind = leaseKind('ecs-service');
    const lambdaKind = leaseKind('lambda-function');
    const spec = ecsKind?.releaseSpec([svcArn], 'run-a@x', 'us-east-1');
    expect(spec?.manualSteps).toEqual([
      `aws ecs list-tags-for-resource --region us-east-1 --resource-arn ${svcArn}`,
      `if ${LEASE_TAG} is still run-a@x:`,
      `aws ecs untag-resource --region us-east-1 --resource-arn ${svcArn} --tag-keys ${LEASE_TAG}`,
    ]);
    expect(lambdaKind?.releaseSpec([fnArn], 'run-a@x', 'us-east-1').manualSteps.at(-1)).toBe(
      `aws lambda untag-resource --region us-east-1 --resource ${fnArn} --tag-keys ${LEASE_TAG}`,
    );
    const { j } = journal();
    const rollback = new RollbackStack(j, new RecordingSink());
    rollback.record('lease.ecs', 'lease', spec as never);
    await rollback.drain({ aws: f.aws, clock, pollMs: 1, waitTimeoutMs: 10, env: {}, scenarioDir: '.' });
    expect((await f.aws.ecs.listTagsForResource({ resourceArn: svcArn })).tags).toContainEqual({
      key: LEASE_TAG,
      value: 'run-b@x',
    });
  });
});
