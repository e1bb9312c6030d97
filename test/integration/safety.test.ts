import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { setLabFaults } from '../../src/lab/lab.js';
import { drill, LAB_SCENARIOS, labState, useDrillLab, variant } from './_drill.js';

/** Preflight refusals (exit 3), guardrail aborts (exit 5) and a failing AWS API (exit 6) on a real lab. */
const lab = useDrillLab({ aurora: false }, { afterTest: (l) => setLabFaults({}, { dir: l.dir() }) });

const EC2_STOP = join(LAB_SCENARIOS, 'ec2-instance-stop.yaml');

describe('failed preflight: exit 3 and nothing changed', { timeout: 150_000 }, () => {
  it('a permission missing by DryRun', async () => {
    const before = await labState(lab.info());
    const { result, journal } = await drill(EC2_STOP, lab.dir(), {
      targetOverride: (t) => ({ ...t, credentials: { accessKeyId: 'readonly-drills', secretAccessKey: 'x' } }),
    });
    expect(result.exitCode, result.record.reason).toBe(3);
    expect(result.record.reason).toContain('ec2:StopInstances');
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
    expect(await labState(lab.info())).toEqual(before);
  });

  it('an account that is not allowed', async () => {
    const file = variant('ec2-instance-stop', (d) => {
      d.target.allowedAccounts = ['123456789012'];
    });
    const before = await labState(lab.info());
    const { result, journal } = await drill(file, lab.dir());
    expect(result.exitCode, result.record.reason).toBe(3);
    expect(result.record.reason).toMatch(/account 000000000000 is not in target.allowedAccounts/);
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
    expect(await labState(lab.info())).toEqual(before);
  });

  it('a resource that does not exist', async () => {
    const file = variant('rds-multi-az-failover', (d) => {
      d.resources.db.id = 'no-such-db';
    });
    const { result, journal } = await drill(file, lab.dir());
    expect(result.exitCode, result.record.reason).toBe(3);
    expect(result.record.reason).toContain('no-such-db');
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
  });
});

describe('guardrails', { timeout: 150_000 }, () => {
  it('an error rate over the threshold aborts, rolls back and exits 5', async () => {
    // Stop every instance: users see errors, the guardrail must stop the drill quickly.
    const file = variant('ec2-instance-stop', (d) => {
      d.resources.web.count = 4;
      d.guardrails.abort = [{ probe: 'web', errorRate: '50%', window: '1s' }];
    });
    const { result, journal } = await drill(file, lab.dir());
    expect(result.exitCode, result.record.reason).toBe(5);
    expect(result.record.verdict).toBe('aborted');
    const trip = journal.find((e) => e.kind === 'guardrail.tripped');
    const f = journal.find((e) => e.kind === 'fault.requested');
    expect(trip).toBeDefined();
    expect((trip?.t as number) - (f?.t as number)).toBeLessThan(15_000);
    // The stop undone, then the drill's lease on the instances released.
    expect(journal.filter((e) => e.kind === 'rollback.succeeded').map((e) => e.data.stepId)).toEqual([
      'stop-one',
      'lease',
    ]);
  });
});

describe('a misbehaving AWS API', { timeout: 150_000 }, () => {
  it('with 30% of API calls throttled the drill still completes with correct results', async () => {
    await setLabFaults({ throttleRate: 0.3 }, { dir: lab.dir() });
    const { result, journal } = await drill(EC2_STOP, lab.dir());
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.measurements.rto?.seconds).not.toBeNull();
    expect(result.record.faults[0]?.rollback).toBe('succeeded');
    // the throttling really happened and was retried
    expect(journal.some((e) => e.kind === 'aws.call' && (e.data.attempts as number) > 1)).toBe(true);
  });

  it('when the API fails hard during rollback: exit 6 with manual steps; recover finishes it later', async () => {
    const sink = new RecordingSink();
    const run = drill(EC2_STOP, lab.dir());
    // Break StartInstances only after injection, so preflight's DryRun passes.
    const started = Date.now();
    let failedApi = false;
    const breaker = (async () => {
      while (Date.now() - started < 60_000) {
        const st = await labState(lab.info());
        if (st.states.some((s) => s.endsWith(':stopping') || s.endsWith(':stopped'))) {
          await setLabFaults({ errorRate: 1, operations: ['StartInstances'] }, { dir: lab.dir() });
          failedApi = true;
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const { result, runDir } = await run;
    await breaker;
    expect(failedApi).toBe(true);
    expect(result.exitCode, result.record.reason).toBe(6);
    const f = result.record.faults[0];
    expect(f?.rollback).toBe('failed');
    expect(f?.manualSteps?.[0]).toMatch(/^aws ec2 start-instances --region us-east-1 --instance-ids i-/);
    // WHEN the API is healthy again, recover finishes the rollback from the journal
    await setLabFaults({}, { dir: lab.dir() });
    const r = await recoverRun(runDir, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink,
      pollMs: 200,
      waitTimeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(0);
    // The lease the failed rollback kept is released once the undo has worked.
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['stop-one', 'succeeded'],
      ['lease', 'succeeded'],
    ]);
  });
});
