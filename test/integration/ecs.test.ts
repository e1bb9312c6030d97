import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTagsForResourceCommand,
  ListTasksCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { LEASE_TAG } from '../../src/experiments/faults/lease-kind.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { labReset } from '../../src/lab/lab.js';
import { fmtSeconds } from '../../src/reports/format.js';
import { readJournal } from '../../src/run/journal.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';
import { drill, killedWhen, LAB_SCENARIOS, usePolicyRuns, variant } from './_drill.js';

/**
 * The lab ECS drills end to end: a service of real app processes behind the lab ALB as IP
 * targets. Every count is checked against ECS itself (DescribeTasks / ListTasks), not only the
 * run record.
 */
const lab = useLab({ aurora: false, ecs: true });
/** Each drill below runs under exactly its scenario's generated IAM policy. */
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

const ecs = () =>
  new ECSClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: 3,
  });

function svc() {
  const e = lab.info().ecs;
  if (!e) throw new Error('the lab has no ECS service');
  return e;
}

async function runningTasks(): Promise<Task[]> {
  const { clusterName: cluster, serviceName } = svc();
  const c = ecs();
  try {
    const arns =
      (await c.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: 'RUNNING' }))).taskArns ?? [];
    if (!arns.length) return [];
    return ((await c.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? []).filter(
      (t) => t.lastStatus === 'RUNNING',
    );
  } finally {
    c.destroy();
  }
}

async function describe_(arns: string[]): Promise<Task[]> {
  const c = ecs();
  try {
    return (await c.send(new DescribeTasksCommand({ cluster: svc().clusterName, tasks: arns }))).tasks ?? [];
  } finally {
    c.destroy();
  }
}

/** The service at its desired count, every running task a healthy target and nothing else registered. */
async function steady(): Promise<boolean> {
  const c = ecs();
  const { elbv2 } = labClients(lab.info());
  try {
    const s = (await c.send(new DescribeServicesCommand({ cluster: svc().clusterName, services: [svc().serviceName] })))
      .services?.[0];
    const th = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: svc().targetGroupArn })))
      .TargetHealthDescriptions;
    return (
      s?.runningCount === svc().desiredCount &&
      s.pendingCount === 0 &&
      th?.length === svc().desiredCount &&
      th.every((t) => t.TargetHealth?.State === 'healthy')
    );
  } finally {
    c.destroy();
    elbv2.destroy();
  }
}

const ipOf = (t: Task) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;

interface Replacement {
  stepId: string;
  service: string;
  seconds: number;
  desiredCount: number;
  stopped: { task: string; az?: string }[];
  replacements: { task: string; az?: string; ip?: string }[];
}

/** The service's lease tag values (ListTagsForResource on its long ARN). */
async function serviceLeaseTags(): Promise<string[]> {
  const c = ecs();
  try {
    const res = await c.send(new ListTagsForResourceCommand({ resourceArn: svc().serviceArn }));
    return (res.tags ?? []).filter((t) => t.key === LEASE_TAG).map((t) => t.value ?? '');
  } finally {
    c.destroy();
  }
}

function replacementOf(journal: JournalEntry[]): Replacement | undefined {
  for (const e of journal) {
    const d = e.data as { followUp?: { data?: { replacement?: Replacement } } };
    if (e.kind === 'note' && d.followUp?.data?.replacement) return d.followUp.data.replacement;
  }
  return undefined;
}

beforeEach(() => eventually(steady, 60_000, 200).then(() => {}), 70_000);
afterEach(() => labReset({ dir: lab.dir() }));

describe('lab ECS drills', { timeout: 150_000 }, () => {
  it('ecs-task-stop: stops half of the tasks, the service replaces them, RTO measured through the ALB', async () => {
    const before = await runningTasks();
    expect(before).toHaveLength(svc().desiredCount);
    const t0 = Date.now();
    const { result, journal, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'ecs-task-stop.yaml'));
    const rec = result.record;
    expect(rec.verdict, rec.reason).not.toBe('inconclusive');
    expect([0, 4], rec.reason).toContain(result.exitCode);

    // The stopped tasks: half of those running before, per the journal, and STOPPED per ECS.
    const fault = rec.faults[0];
    // Rollback: the journaled wait for the service (nothing restarts a stopped task), which succeeded.
    expect(fault).toMatchObject({ type: 'ecs-stop-tasks', action: 'ecs:StopTask', rollback: 'succeeded' });
    const requested = journal.find((e) => e.kind === 'fault.requested')?.data as { targets: string[] };
    expect(requested.targets).toHaveLength(Math.floor(before.length / 2));
    const beforeArns = new Set(before.map((t) => t.taskArn));
    expect(requested.targets.every((a) => beforeArns.has(a))).toBe(true);
    const stopped = await describe_(requested.targets);
    expect(stopped.map((t) => t.lastStatus)).toEqual(requested.targets.map(() => 'STOPPED'));
    for (const t of stopped) {
      expect(t.stopCode).toBe('UserInitiated');
      expect(t.stoppedReason).toContain(`drillproof run ${rec.runId} step stop-half`);
    }
    // Only those: the other half kept running through the drill.
    const untouched = before.filter((t) => !requested.targets.includes(t.taskArn as string));
    expect((await describe_(untouched.map((t) => t.taskArn as string))).map((t) => t.lastStatus)).toEqual(
      untouched.map(() => 'RUNNING'),
    );
    expect(fault?.confirmation?.status, fault?.confirmation?.detail).toBe('confirmed');

    // Replacements: new tasks, running now, healthy targets, as many as were stopped.
    await eventually(steady, 30_000, 200);
    const now = await runningTasks();
    const fresh = now.filter((t) => !beforeArns.has(t.taskArn));
    expect(fresh).toHaveLength(requested.targets.length);
    for (const t of fresh) expect(t.createdAt?.getTime()).toBeGreaterThan(t0);
    const rep = replacementOf(journal);
    expect(rep, 'the follow-up recorded the replacement').toBeDefined();
    expect(new Set(rep?.replacements.map((r) => r.task))).toEqual(
      new Set(fresh.map((t) => t.taskArn?.split('/').pop())),
    );
    expect(rep?.stopped.map((s) => s.task).sort()).toEqual(requested.targets.map((a) => a.split('/').pop()).sort());
    // The replacement took time after the fault, but not longer than the observe window.
    expect(rep?.seconds).toBeGreaterThan(0);
    expect(rep?.seconds).toBeLessThan(60);
    // The run record and both reports carry it next to the user-side RTO.
    expect(rec.replacements).toEqual([rep]);
    const md = readFileSync(join(runDir, 'report.md'), 'utf8');
    expect(md).toMatch(
      new RegExp(
        `^\\*\\*RTO .* · service lab-api back at 4 healthy tasks ${fmtSeconds(rep?.seconds as number)} after F`,
        'm',
      ),
    );
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    for (const r of rep?.replacements ?? []) expect(html).toContain(`${r.task} (${r.az})`);

    // The timeline carries the stop codes (watcher) and the service events.
    const watch = journal.filter((e) => e.kind === 'watch.event').map((e) => e.data as Record<string, string>);
    for (const a of requested.targets) {
      const id = a.split('/').pop();
      expect(
        watch.some(
          (w) => w.resource === `task/${id}` && w.state === 'STOPPED' && w.reason?.startsWith('UserInitiated'),
        ),
      ).toBe(true);
    }
    expect(watch.some((w) => w.source === 'ecs' && /has started \d+ tasks/.test(w.message ?? ''))).toBe(true);

    const rto = rec.measurements.rto;
    expect(rto, JSON.stringify(rto)).not.toBeNull();
    expect(rto?.seconds, JSON.stringify(rto)).not.toBeNull();
    if (!rto?.noOutage) expect(rto?.seconds as number).toBeGreaterThan(0);
    console.log(
      `ecs-task-stop: ${requested.targets.length}/${before.length} stopped, RTO ${rto?.seconds}s (noOutage ${rto?.noOutage}, failed ${rec.measurements.probes.web?.phases.fault.failed}), replacement ${rep?.seconds}s, ${runDir}`,
    );
  });

  it('ecs-az-impairment: stops only the tasks in lab-1a; the report says where the replacements went', async () => {
    const before = await runningTasks();
    const inAz = before.filter((t) => t.availabilityZone === 'lab-1a');
    expect(inAz.length).toBeGreaterThan(0);
    expect(inAz.length).toBeLessThan(before.length);
    const { result, journal, runDir, sink } = await drillUnderPolicy(join(LAB_SCENARIOS, 'ecs-az-impairment.yaml'));
    const rec = result.record;
    expect(rec.verdict, rec.reason).not.toBe('inconclusive');
    expect([0, 4], rec.reason).toContain(result.exitCode);
    const targets = rec.faults.flatMap((f) => f.targets);
    expect(new Set(targets)).toEqual(new Set(inAz.map((t) => t.taskArn)));
    const stopped = await describe_(targets);
    expect(stopped.every((t) => t.lastStatus === 'STOPPED' && t.stopCode === 'UserInitiated')).toBe(true);
    const outside = before.filter((t) => t.availabilityZone !== 'lab-1a');
    expect((await describe_(outside.map((t) => t.taskArn as string))).map((t) => t.lastStatus)).toEqual(
      outside.map(() => 'RUNNING'),
    );
    for (const f of rec.faults) expect(f.confirmation?.status, f.confirmation?.detail).toBe('confirmed');

    await eventually(steady, 30_000, 200);
    const fresh = (await runningTasks()).filter((t) => !before.some((b) => b.taskArn === t.taskArn));
    expect(fresh).toHaveLength(inAz.length);
    const rep = replacementOf(journal);
    expect(rep?.replacements.map((r) => `${r.task}@${r.az}`).sort()).toEqual(
      fresh.map((t) => `${t.taskArn?.split('/').pop()}@${t.availabilityZone}`).sort(),
    );
    for (const t of fresh) expect(ipOf(t)).toBeDefined();
    // Where they went is in the report (the scheduler spreads: the emptied AZ gets them back).
    const md = readFileSync(join(runDir, 'report.md'), 'utf8');
    for (const t of fresh) expect(md).toContain(`${t.taskArn?.split('/').pop()} (${t.availabilityZone})`);
    // Replacements placed back into the impaired AZ (per ECS) are flagged: record, report, warning.
    const back = fresh.filter((t) => t.availabilityZone === 'lab-1a').map((t) => t.taskArn?.split('/').pop());
    expect(rec.replacements?.[0]).toMatchObject({ impairedAz: 'lab-1a' });
    expect([...(rec.replacements?.[0]?.intoImpairedAz ?? [])].sort()).toEqual(back.sort());
    const warned = sink.messages.filter((m) => m.code === 'DP_OBSERVE_W5401');
    if (back.length) {
      expect(md).toContain(
        `replaced into the impaired AZ lab-1a: ${rec.replacements?.[0]?.intoImpairedAz?.join(', ')}`,
      );
      expect(warned.map((m) => m.level)).toEqual(['warn']);
      expect(warned[0]?.message).toContain('replaced into the impaired AZ lab-1a');
    } else {
      expect(md).not.toContain('replaced into the impaired AZ');
      expect(warned).toEqual([]);
    }
    const rto = rec.measurements.rto;
    expect(rto?.seconds, JSON.stringify(rto)).not.toBeNull();
    if (!rto?.noOutage) expect(rto?.seconds as number).toBeGreaterThan(0);
    console.log(
      `ecs-az-impairment: ${targets.length} stopped in lab-1a of ${before.length}, RTO ${rto?.seconds}s (noOutage ${rto?.noOutage}), replacement ${rep?.seconds}s into ${fresh.map((t) => t.availabilityZone).join(',')} (${back.length} flagged back in lab-1a)`,
    );
  });

  it('ecs-task-stop killed with -9 after StopTask: recover waits until the service is back, healthy', async () => {
    const before = await runningTasks();
    const file = variant('ecs-task-stop', (d) => {
      d.steps.baseline = '1s';
    });
    const out = await killedWhen(file, lab.dir(), '"kind":"fault.acknowledged"');
    const journalFile = join(out, 'journal.ndjson');
    const killed = readJournal(journalFile).entries;
    expect(killed.some((e) => e.kind === 'run.finished')).toBe(false);
    const stopped = (killed.find((e) => e.kind === 'fault.requested')?.data as { targets?: string[] })?.targets ?? [];
    expect(stopped).toHaveLength(Math.floor(before.length / 2));
    // The wait for the service was journaled before StopTask: recover has something to replay.
    // (after the release of the lease on the service, journaled first).
    const recorded = killed
      .filter((e) => e.kind === 'inverse.recorded')
      .map((e) => e.data as { inverse: { action: string } });
    expect(recorded.map((d) => d.inverse.action)).toEqual(['ecs.release-lease', 'ecs.await-service']);

    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await recoverRun(out, { createAws: (t, rec) => createAwsApis(t, rec), sink, pollMs: 200 });
    const recoverS = (Date.now() - t0) / 1000;
    expect(r.exitCode).toBe(0);
    expect(r.nothingToDo).toBe(false);
    // The wait for the service, then the lease on it (journaled first, released last).
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['stop-half', 'succeeded'],
      ['lease.ecs', 'succeeded'],
    ]);
    // Not "nothing to recover": the wait is replayed and reported as a recovered step.
    expect(sink.messages.map((m) => m.code)).toEqual([
      'DP_RECOVER_I8002',
      'DP_ROLLBACK_I4001',
      'DP_ROLLBACK_I4001',
      'DP_RECOVER_I8004',
    ]);
    expect(await serviceLeaseTags()).toEqual([]);
    // As found the moment recover returns (no further waiting here): desired count, every task
    // RUNNING and the registered IP targets exactly the running tasks' IPs, all healthy.
    expect(await steady()).toBe(true);
    const now = await runningTasks();
    expect(now).toHaveLength(svc().desiredCount);
    expect(now.some((t) => stopped.includes(t.taskArn as string))).toBe(false);
    const { elbv2 } = labClients(lab.info());
    const th = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: svc().targetGroupArn })))
      .TargetHealthDescriptions;
    elbv2.destroy();
    expect(th?.map((t) => `${t.Target?.Id}:${t.TargetHealth?.State}`).sort()).toEqual(
      now.map((t) => `${ipOf(t)}:healthy`).sort(),
    );
    // The journal: the replayed wait succeeded, the run closed as aborted by recover.
    const after = readJournal(journalFile).entries.slice(killed.length);
    expect(after.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['rollback.started', 'rollback.succeeded', 'run.finished']),
    );
    expect(after.find((e) => e.kind === 'run.finished')?.data).toMatchObject({ verdict: 'aborted' });
    console.log(`ecs-task-stop kill -9: ${stopped.length} stopped, recover waited ${recoverS}s for the service`);
  });
  it('two ecs-task-stop drills started together on the service: the second exits 3 naming the first, no lease left', async () => {
    // Each probes at half the shipped rate, so together they load the lab no more than one drill.
    const file = variant('ecs-task-stop', (d) => {
      d.steps.baseline = '2s';
      for (const p of d.probes) if (p.rate) p.rate = '10/s';
    });
    const before = await runningTasks();
    const [a, b] = await Promise.all([drill(file, lab.dir()), drill(file, lab.dir())]);
    const runs = [a, b].map((d) => d.result);
    console.info(runs.map((r) => `${r.record.runId}: exit ${r.exitCode} ${r.record.reason ?? ''}`).join('\n'));
    const loser = runs.find((r) => r.exitCode === 3);
    const winner = runs.find((r) => r !== loser);
    expect(loser, runs.map((r) => r.record.reason).join(' | ')).toBeDefined();
    expect([0, 4], winner?.record.reason).toContain(winner?.exitCode);
    expect(loser?.record.reason).toContain(`${svc().serviceArn} is held by drill ${winner?.record.runId}`);
    // The refused drill stopped nothing: only the winner's half of the tasks was stopped.
    expect(loser?.record.faults).toEqual([]);
    expect(winner?.record.faults.map((f) => [f.type, f.rollback])).toEqual([['ecs-stop-tasks', 'succeeded']]);
    const stopped = [a, b].flatMap((d) =>
      d.journal.filter((e) => e.kind === 'fault.requested').flatMap((e) => (e.data as { targets: string[] }).targets),
    );
    expect(stopped).toHaveLength(Math.floor(before.length / 2));
    // The lease went through ECS's tag calls on the service ARN, and neither drill left one behind.
    const calls = a.journal
      .concat(b.journal)
      .filter((e) => e.kind === 'aws.call' && e.data.service === 'ecs')
      .map((e) => e.data.operation);
    expect(calls).toEqual(expect.arrayContaining(['TagResource', 'ListTagsForResource', 'UntagResource']));
    expect(await serviceLeaseTags()).toEqual([]);
  });
});
