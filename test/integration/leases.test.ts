import { join } from 'node:path';
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import type { AwsAttempt } from '../../src/aws/attempts.js';
import { createAwsApis } from '../../src/aws/clients.js';
import { LEASE_TAG } from '../../src/experiments/faults/lease-kind.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { setLabFaults } from '../../src/lab/lab.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
import { isoMs } from '../../src/util/clock.js';
import { eventually, labClients } from '../_helpers/lab.js';
import { drill, LAB_SCENARIOS, useDrillLab, variant } from './_drill.js';

const EC2_STOP = join(LAB_SCENARIOS, 'ec2-instance-stop.yaml');
const RDS_FAILOVER = join(LAB_SCENARIOS, 'rds-multi-az-failover.yaml');

const lab = useDrillLab(
  { aurora: false },
  { leavesAsFoundWithinMs: 30_000, afterTest: (l) => setLabFaults({}, { dir: l.dir() }) },
);

/** The first fault's issued (fault.requested) and accepted (fault.acknowledged) times. */
function faultTimes(journal: JournalEntry[]) {
  const req = journal.find((e) => e.kind === 'fault.requested');
  const ack = journal.find((e) => e.kind === 'fault.acknowledged' && e.data.stepId === req?.data.stepId);
  return { issued: req?.t as number, accepted: ack?.t as number };
}

async function leaseTags(): Promise<string[]> {
  const c = labClients(lab.info());
  const res = await c.ec2.send(new DescribeInstancesCommand({}));
  for (const x of Object.values(c)) x.destroy();
  return (res.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .flatMap((i) => (i.Tags ?? []).filter((t) => t.Key === LEASE_TAG).map((t) => `${i.InstanceId}=${t.Value}`));
}

describe('F under a misbehaving API', { timeout: 400_000 }, () => {
  /** What the lab answers a disturbed call with (src/lab/api/faults.ts). */
  const LAB_FAULT_CODES = [
    'RequestLimitExceeded',
    'Throttling',
    'InternalError',
    'Unavailable',
    'InternalFailure',
    'ServiceUnavailable',
  ];

  /** A drill with 30 % of every call of every service throttled and 20 % of the rest failing. */
  async function roughDrill(file: string) {
    await setLabFaults({ throttleRate: 0.3, errorRate: 0.2 }, { dir: lab.dir() });
    try {
      return await drill(file, lab.dir());
    } finally {
      await setLabFaults({}, { dir: lab.dir() });
    }
  }

  /** Each retried call lists all its attempts, in order, every one but the last answered with a lab fault. */
  function expectEveryAttempt(journal: JournalEntry[]): number {
    const retried = journal.filter((e) => e.kind === 'aws.call' && (e.data.attempts as number) > 1);
    for (const e of retried) {
      const d = e.data as { attempts: number; ok: boolean; errorCode?: string; tries?: AwsAttempt[] };
      const tries = d.tries ?? [];
      expect(tries.map((x) => x.attempt)).toEqual(Array.from({ length: d.attempts }, (_, i) => i + 1));
      for (const x of tries.slice(0, -1)) expect(LAB_FAULT_CODES).toContain(x.errorCode);
      // The last answer is the call's own (a DryRun check "fails" with DryRunOperation, its success).
      expect(tries.at(-1)?.errorCode).toBe(d.errorCode);
      for (let i = 1; i < tries.length; i++) {
        const prev = tries[i - 1] as AwsAttempt;
        expect((tries[i] as AwsAttempt).atMs).toBeGreaterThanOrEqual(prev.atMs + prev.ms);
      }
    }
    return retried.length;
  }

  /** F is when AWS accepted the first fault, the issued time kept beside it; the RTO is R − F exactly. */
  function expectFAccepted(record: Awaited<ReturnType<typeof drill>>['result']['record'], journal: JournalEntry[]) {
    const t = faultTimes(journal);
    expect(record.measurements.faultAtMs).toBe(t.accepted);
    expect(record.measurements.faultIssuedAtMs).toBe(t.issued);
    expect(record.faults[0]?.injectedAt).toBe(isoMs(t.issued));
    expect(record.faults[0]?.acknowledgedAt).toBe(isoMs(t.accepted));
    expect(t.accepted).toBeGreaterThanOrEqual(t.issued);
    // Retries before acceptance are not outage: the delay before AWS accepted the call is not in
    // the RTO. Compared with an undisturbed run only in the log (bench/throttle-rto.ts measures
    // that): an undisturbed lab RTO itself varies by more than a probe interval from run to run
    // (where the fault lands in the ALB's 500 ms health-check interval moves the outage's end).
    const rto = record.measurements.rto?.seconds as number;
    expect(rto).not.toBeNull();
    const R = record.measurements.rto?.recoveredAtMs as number;
    expect(rto * 1000).toBeCloseTo(R - t.accepted, 3);
    expect(R - t.issued - rto * 1000).toBeCloseTo(t.accepted - t.issued, 3);
    return t;
  }

  for (const [name, file] of [
    ['ec2-stop', EC2_STOP],
    ['rds failover', RDS_FAILOVER],
  ] as const) {
    it(`${name} with 30 percent of every call throttled and 20 percent failing passes, F is the acceptance, every attempt is journaled`, async () => {
      const rough = await roughDrill(file);
      const { record } = rough.result;
      const t = faultTimes(rough.journal);
      const calls = rough.journal.filter((e) => e.kind === 'aws.call');
      const attempts = calls.reduce((a, e) => a + (e.data.attempts as number), 0);
      const rec = record.measurements.probes.web?.phases.recovery;
      console.info(
        `${record.scenario?.name ?? file}: exit ${rough.result.exitCode} ${record.verdict}, RTO ${record.measurements.rto?.seconds} s, recovery ${rec?.ok}/${rec?.scheduled} ok; ${calls.length} calls, ${attempts} attempts; fault accepted ${Math.round(t.accepted - t.issued)} ms after issued`,
      );
      // The undisturbed verdict of both drills is passed (drills.test.ts).
      expect(rough.result.exitCode, record.reason).toBe(0);
      expect(record.verdict).toBe('passed');
      expectFAccepted(record, rough.journal);
      // The API misbehaved: calls were retried, and each retried call lists every attempt.
      expect(expectEveryAttempt(rough.journal)).toBeGreaterThan(0);
      await lab.expectAsFound(30_000);
    });
  }
});

describe('one drill per resource', { timeout: 300_000 }, () => {
  it('two drills started together on the same target: the second exits 3 naming the first', async () => {
    const [a, b] = await Promise.all([drill(EC2_STOP, lab.dir()), drill(EC2_STOP, lab.dir())]);
    const runs = [a, b].map((d) => d.result);
    console.info(runs.map((r) => `${r.record.runId}: exit ${r.exitCode} ${r.record.reason ?? ''}`).join('\n'));
    const codes = runs.map((r) => r.exitCode).sort();
    expect(codes, runs.map((r) => r.record.reason).join(' | ')).toEqual([0, 3]);
    const winner = runs.find((r) => r.exitCode === 0);
    const loser = runs.find((r) => r.exitCode === 3);
    expect(loser?.record.reason).toContain(`held by drill ${winner?.record.runId}`);
    // The refused drill injected nothing and released only what it wrote.
    expect(loser?.record.faults).toEqual([]);
    expect(winner?.record.faults[0]?.rollback).toBe('succeeded');
    // Both leases released: no tag left behind, and the lab as found.
    expect(await leaseTags()).toEqual([]);
    await lab.expectAsFound(30_000);
  });

  it('preflight refuses a target another drill holds; an expired lease does not block', async () => {
    const c = labClients(lab.info());
    const until = new Date(Date.now() + 600_000).toISOString();
    // A lease of another run on every instance (the scenario picks any one of them).
    const all = lab.info().instances.map((i) => i.id);
    await c.ec2.send(
      new CreateTagsCommand({ Resources: all, Tags: [{ Key: LEASE_TAG, Value: `other-run@${until}` }] }),
    );
    const held = await drill(EC2_STOP, lab.dir());
    expect(held.result.exitCode).toBe(3);
    expect(held.result.record.reason).toContain('held by drill other-run');
    expect(held.journal.some((e) => e.kind === 'fault.requested')).toBe(false);
    // An expired lease blocks nothing (and the drill's own release leaves a foreign value alone).
    const past = new Date(Date.now() - 1000).toISOString();
    await c.ec2.send(new CreateTagsCommand({ Resources: all, Tags: [{ Key: LEASE_TAG, Value: `old-run@${past}` }] }));
    const expired = await drill(EC2_STOP, lab.dir());
    expect(expired.result.exitCode, expired.result.record.reason).toBe(0);
    await c.ec2.send(new DeleteTagsCommand({ Resources: all, Tags: [{ Key: LEASE_TAG }] }));
    for (const x of Object.values(c)) x.destroy();
  });
});

// Two drills probe at once: the http probe at 5/s each, so together they load the lab app no
// more than one shipped drill does (at 20/s each the baseline failed under a shared machine's load).
const RDS_FAILOVER_5RPS = variant('rds-multi-az-failover', (d) => {
  for (const p of d.probes) if (p.rate) p.rate = '5/s';
});

async function dbLeaseTags(): Promise<string[]> {
  const c = labClients(lab.info());
  const res = await c.rds.send(new ListTagsForResourceCommand({ ResourceName: lab.info().db.arn }));
  for (const x of Object.values(c)) x.destroy();
  return (res.TagList ?? []).filter((t) => t.Key === LEASE_TAG).map((t) => t.Value ?? '');
}

describe('one drill per database, and a lease kept by a failed rollback', { timeout: 300_000 }, () => {
  it('two rds-failover drills started together on lab-db: the second exits 3 naming the first', async () => {
    const [a, b] = await Promise.all([drill(RDS_FAILOVER_5RPS, lab.dir()), drill(RDS_FAILOVER_5RPS, lab.dir())]);
    const runs = [a, b].map((d) => d.result);
    console.info(runs.map((r) => `${r.record.runId}: exit ${r.exitCode} ${r.record.reason ?? ''}`).join('\n'));
    expect(runs.map((r) => r.exitCode).sort(), runs.map((r) => r.record.reason).join(' | ')).toEqual([0, 3]);
    const winner = runs.find((r) => r.exitCode === 0);
    const loser = runs.find((r) => r.exitCode === 3);
    expect(loser?.record.reason).toContain(`${lab.info().db.arn} is held by drill ${winner?.record.runId}`);
    expect(loser?.record.faults).toEqual([]);
    // The lease went through RDS's tag calls, and both are released.
    const ops = a.journal
      .concat(b.journal)
      .filter((e) => e.kind === 'aws.call')
      .map((e) => e.data.operation);
    expect(ops).toEqual(expect.arrayContaining(['AddTagsToResource', 'ListTagsForResource', 'RemoveTagsFromResource']));
    expect(await dbLeaseTags()).toEqual([]);
    await lab.expectAsFound(30_000);
  });

  it('a failed rollback keeps the lease (exit 6, manual steps say so); recover undoes the stop, then releases it', async () => {
    // Once the stop is in place (preflight's DryRun StartInstances is past), the undo fails.
    // A 20 s wait bound (2 min by default in the lab) keeps the rollback's retries short.
    const running = drill(EC2_STOP, lab.dir(), { waitTimeoutMs: 20_000 });
    const c = labClients(lab.info());
    await eventually(
      async () => {
        const res = await c.ec2.send(new DescribeInstancesCommand({}));
        const states = (res.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
        return states.some((x) => x === 'stopping' || x === 'stopped');
      },
      60_000,
      100,
    );
    for (const x of Object.values(c)) x.destroy();
    await setLabFaults({ errorRate: 1, services: ['ec2'], operations: ['StartInstances'] }, { dir: lab.dir() });
    const d = await running;
    await setLabFaults({}, { dir: lab.dir() });
    expect(d.result.exitCode, d.result.record.reason).toBe(6);
    // Every answer was a 5xx: the undo was tried again with backoff, each try journaled, until the
    // step's wait bound (20 s here) was used up; only then did the rollback fail.
    const retries = d.journal.filter((e) => e.kind === 'rollback.retrying' && e.data.stepId === 'stop-one');
    expect(retries.length).toBeGreaterThan(1);
    expect(retries.every((e) => /InternalError|Unavailable/.test(String(e.data.awsCode)))).toBe(true);
    const failed = d.journal.find((e) => e.kind === 'rollback.failed' && e.data.stepId === 'stop-one');
    expect(failed?.data.error).toContain(`after ${retries.length + 1} tries`);
    const started = d.journal.find((e) => e.kind === 'rollback.started' && e.data.stepId === 'stop-one');
    console.info(
      `stop-one: ${retries.length + 1} tries over ${((Number(failed?.t) - Number(started?.t)) / 1000).toFixed(1)} s`,
    );
    const lease = d.sink.messages.find((m) => m.code === 'DP_ROLLBACK_W4701');
    expect(lease?.message).toContain('lease kept');
    expect((lease?.data as { manualSteps?: string[] })?.manualSteps?.join('\n')).toContain('delete-tags');
    // Another drill is refused while the instance is left stopped under the lease.
    const held = await leaseTags();
    expect(held).toHaveLength(1);
    expect(held[0]).toContain(`=${d.result.record.runId}@`);
    const r = await recoverRun(d.runDir, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink: new RecordingSink(),
      pollMs: 200,
      waitTimeoutMs: 60_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['stop-one', 'succeeded'],
      ['lease', 'succeeded'],
    ]);
    expect(await leaseTags()).toEqual([]);
    await lab.expectAsFound(30_000);
  });
});
