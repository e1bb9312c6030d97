import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTransientAwsError, translateAwsError } from '../../src/aws/errors.js';
import { ec2LeaseKind } from '../../src/experiments/faults/ec2/lease.js';
import { LEASE_TAG } from '../../src/experiments/faults/lease-kind.js';
import { takeLease } from '../../src/experiments/lease.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RollbackStack } from '../../src/experiments/rollback.js';
import { rollbackRetryDelayMs } from '../../src/experiments/rollback-retry.js';
import { RecordingSink } from '../../src/io/messages.js';
import { Journal, readJournal } from '../../src/run/journal.js';
import { AnchoredClock, type Clock } from '../../src/util/clock.js';
import { fakeAws } from '../_helpers/fake-aws.js';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');

/** A clock whose sleeps return at once and move its time on by what was asked. */
function testClock() {
  let t = 0;
  const slept: number[] = [];
  const clock: Clock = {
    monotonicMs: () => t,
    wallMs: () => NOW + t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
  return { clock, slept };
}

/** An error as the SDK v3 throws it, translated the way every API call translates it. */
function sdkError(name: string, status: number, operation = 'DeleteTags', attempts = 8) {
  const e = Object.assign(new Error(`${name} answer`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: `req-${name}`, attempts },
  });
  return translateAwsError(e, { service: 'ec2', operation, region: 'us-east-1' });
}

describe('which failures a rollback step tries again', () => {
  it('throttling, 5xx and timeouts are transient; refusals and a refused connection are not', () => {
    expect(isTransientAwsError(sdkError('RequestLimitExceeded', 503))).toBe(true);
    expect(isTransientAwsError(sdkError('Throttling', 400))).toBe(true);
    expect(isTransientAwsError(sdkError('InternalError', 500))).toBe(true);
    expect(isTransientAwsError(sdkError('Unavailable', 503))).toBe(true);
    expect(isTransientAwsError(sdkError('SomethingNew', 502))).toBe(true);
    expect(isTransientAwsError(sdkError('TimeoutError', 0))).toBe(true);
    expect(isTransientAwsError(sdkError('UnauthorizedOperation', 403))).toBe(false);
    expect(isTransientAwsError(sdkError('InvalidInstanceID.NotFound', 400))).toBe(false);
    expect(isTransientAwsError(sdkError('IncorrectInstanceState', 400))).toBe(false);
    expect(isTransientAwsError(sdkError('NotImplemented', 501))).toBe(false);
    expect(isTransientAwsError(sdkError('ECONNREFUSED', 0))).toBe(false);
    expect(isTransientAwsError(new Error('not an AWS error'))).toBe(false);
  });

  it('keeps the SDK attempts of the failed call (fewer than its limit: its retry quota ran dry)', () => {
    expect(sdkError('RequestLimitExceeded', 503, 'DeleteTags', 3).details).toMatchObject({
      httpStatus: 503,
      sdkAttempts: 3,
    });
  });

  it('waits with full jitter: up to 1 s, doubling per failed try, at most 20 s', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => rollbackRetryDelayMs(n, top))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 20_000, 20_000,
    ]);
    expect(rollbackRetryDelayMs(3, () => 0.25)).toBe(1000);
    expect(rollbackRetryDelayMs(1, () => 0)).toBe(0);
  });
});

/** A run journal holding a lease on i-1, as a drill killed after taking it leaves it. */
async function leasedRun() {
  const f = fakeAws({ instances: [{ id: 'i-1', az: 'us-east-1a', state: 'running' }] });
  const dir = mkdtempSync(join(tmpdir(), 'dp-rbretry-'));
  const j = Journal.create(join(dir, 'journal.ndjson'), new AnchoredClock(testClock().clock));
  j.append('run.started', { runId: 'run-a', pid: 2 ** 22 + 1, target: { provider: 'lab', region: 'us-east-1' } });
  await takeLease({
    aws: f.aws,
    holds: [{ kind: ec2LeaseKind, ids: ['i-1'] }],
    runId: 'run-a',
    nowMs: NOW,
    maxDurationMs: 60_000,
    rollback: new RollbackStack(j, new RecordingSink()),
  });
  j.close();
  return { f, dir };
}

/** DeleteTags fails with `fail(n)` for the n-th call while it returns an error, then works. */
function failingRelease(f: ReturnType<typeof fakeAws>, fail: (n: number) => Error | null) {
  const real = f.aws.ec2.deleteTags;
  let n = 0;
  f.aws.ec2.deleteTags = async (i) => {
    const err = fail(++n);
    if (err) throw err;
    return real(i);
  };
  return () => n;
}

describe('a lease release that AWS throttles', () => {
  it('is tried again until it succeeds; every try is journaled', async () => {
    const { f, dir } = await leasedRun();
    const calls = failingRelease(f, (n) => (n <= 3 ? sdkError('RequestLimitExceeded', 503) : null));
    const { clock, slept } = testClock();
    const sink = new RecordingSink();
    const r = await recoverRun(dir, {
      createAws: () => f.aws,
      sink,
      clock,
      isAlive: () => false,
      waitTimeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([['lease', 'succeeded']]);
    expect(f.instances.get('i-1')?.tags?.[LEASE_TAG]).toBeUndefined();
    expect(calls()).toBe(4);
    const entries = readJournal(join(dir, 'journal.ndjson')).entries;
    const retries = entries.filter((e) => e.kind === 'rollback.retrying').map((e) => e.data);
    expect(retries.map((d) => [d.stepId, d.tryNo, d.awsCode, d.sdkAttempts])).toEqual([
      ['lease', 1, 'RequestLimitExceeded', 8],
      ['lease', 2, 'RequestLimitExceeded', 8],
      ['lease', 3, 'RequestLimitExceeded', 8],
    ]);
    // The waits are the ones journaled, each within its ceiling (1 s, 2 s, 4 s).
    expect(slept).toEqual(retries.map((d) => d.retryInMs));
    expect(slept.every((ms, i) => ms <= 1000 * 2 ** i)).toBe(true);
    expect(entries.find((e) => e.kind === 'rollback.succeeded')?.data).toMatchObject({ stepId: 'lease', tries: 4 });
    expect(sink.codes().filter((c) => c === 'DP_ROLLBACK_W4801')).toHaveLength(3);
  });

  it('fails loudly (exit 6, manual steps) once the step’s wait bound is used up', async () => {
    const { f, dir } = await leasedRun();
    const calls = failingRelease(f, () => sdkError('InternalError', 500));
    const { clock, slept } = testClock();
    const sink = new RecordingSink();
    const r = await recoverRun(dir, {
      createAws: () => f.aws,
      sink,
      clock,
      isAlive: () => false,
      waitTimeoutMs: 30_000,
    });
    expect(r.exitCode).toBe(6);
    expect(r.outcomes[0]).toMatchObject({ stepId: 'lease', status: 'failed' });
    expect(r.outcomes[0]?.error).toContain(`after ${calls()} tries`);
    expect(calls()).toBeGreaterThan(1);
    expect(slept.reduce((a, b) => a + b, 0)).toBeLessThan(30_000);
    expect(f.instances.get('i-1')?.tags?.[LEASE_TAG]).toMatch(/^run-a@/);
    expect(r.outcomes[0]?.manualSteps?.join('\n')).toContain('aws ec2 delete-tags');
    expect(sink.codes()).toContain('DP_ROLLBACK_E4002');
  });

  it('a refusal is not tried again: exit 6 after one try', async () => {
    const { f, dir } = await leasedRun();
    const calls = failingRelease(f, () => sdkError('UnauthorizedOperation', 403));
    const { clock, slept } = testClock();
    const sink = new RecordingSink();
    const r = await recoverRun(dir, {
      createAws: () => f.aws,
      sink,
      clock,
      isAlive: () => false,
      waitTimeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(6);
    expect(calls()).toBe(1);
    expect(slept).toEqual([]);
    const entries = readJournal(join(dir, 'journal.ndjson')).entries;
    expect(entries.some((e) => e.kind === 'rollback.retrying')).toBe(false);
    expect(entries.find((e) => e.kind === 'rollback.failed')?.data.error).toContain('ec2:DeleteTags was denied');
    expect(sink.codes()).toContain('DP_ROLLBACK_E4002');
  });

  it('a second interrupt stops the retries', async () => {
    const { f } = await leasedRun();
    let interrupted = false;
    const calls = failingRelease(f, () => {
      interrupted = true;
      return sdkError('RequestLimitExceeded', 503);
    });
    const dir = mkdtempSync(join(tmpdir(), 'dp-rbretry-'));
    const { clock, slept } = testClock();
    const stack = new RollbackStack(
      Journal.create(join(dir, 'j.ndjson'), new AnchoredClock(clock)),
      new RecordingSink(),
    );
    stack.record('lease', 'lease', ec2LeaseKind.releaseSpec(['i-1'], 'run-a@x', 'us-east-1'));
    const ctx = { aws: f.aws, clock, pollMs: 1, waitTimeoutMs: 60_000, env: {}, scenarioDir: dir };
    const out = await stack.drain(ctx, { skip: () => interrupted });
    expect(out[0]?.status).toBe('failed');
    expect(calls()).toBe(1);
    expect(slept).toEqual([]);
  });
});
