import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetExperimentCommand, ListExperimentsCommand } from '@aws-sdk/client-fis';
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  ListTagsCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { LEASE_TAG } from '../../src/experiments/faults/lease-kind.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { labReset } from '../../src/lab/lab.js';
import { readJournal } from '../../src/run/journal.js';
import { listSampleFiles, readProbeSamples } from '../../src/run/sample-reader.js';
import type { Sample } from '../../src/run/samples.js';
import { labClients, useLab } from '../_helpers/lab.js';
import { drill, LAB_SCENARIOS, usePolicyRuns, variant } from './_drill.js';

/**
 * The lab Lambda drills end to end: the lambda probe invokes a real function process through the
 * lab's Lambda API; the throttle and the FIS invocation error are checked against Lambda and FIS
 * themselves, and against the probe's samples.
 */
const lab = useLab({ aurora: false, lambda: true });
/** Each drill below runs under exactly its scenario's generated IAM policy. */
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

function lambda() {
  const i = lab.info();
  return new LambdaClient({
    region: i.region,
    endpoint: i.awsEndpoint,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    maxAttempts: 3,
  });
}

const fnName = () => {
  const name = lab.info().lambda?.functionName;
  if (!name) throw new Error('the lab has no Lambda function');
  return name;
};

async function reserved(): Promise<number | undefined> {
  const c = lambda();
  try {
    return (await c.send(new GetFunctionConcurrencyCommand({ FunctionName: fnName() }))).ReservedConcurrentExecutions;
  } finally {
    c.destroy();
  }
}

/** The function's lease tag values (ListTags on its unqualified ARN). */
async function functionLeaseTags(): Promise<string[]> {
  const c = lambda();
  try {
    const res = await c.send(new ListTagsCommand({ Resource: lab.info().lambda?.functionArn }));
    return Object.entries(res.Tags ?? {})
      .filter(([k]) => k === LEASE_TAG)
      .map(([, v]) => v);
  } finally {
    c.destroy();
  }
}

async function samplesOf(runDir: string, probe: string): Promise<Sample[]> {
  const file = listSampleFiles(runDir).find((f) => f.probe === probe);
  if (!file) throw new Error(`no ${probe} sample file`);
  return (await readProbeSamples(file.path)).samples;
}

/**
 * First and last scheduled time of the failed samples at or after F, and their errors. A `late`
 * sample is one the loaded machine could not send on time: not an answer of the function.
 */
function failureWindow(samples: Sample[], faultAtMs: number) {
  const late = samples.filter((s) => s.error === 'late').length;
  const failed = samples.filter((s) => !s.ok && s.error !== 'late' && s.scheduled >= faultAtMs);
  return {
    late,
    count: failed.length,
    first: failed[0]?.scheduled ?? null,
    last: failed.at(-1)?.scheduled ?? null,
    errors: [...new Set(failed.map((s) => s.error))],
  };
}

afterEach(async () => {
  const c = lambda();
  try {
    await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: fnName() }));
  } finally {
    c.destroy();
  }
  await labReset({ dir: lab.dir() });
});

describe('lab Lambda drills', { timeout: 150_000 }, () => {
  it('lambda-throttle: the probe sees the throttle window, RTO measured, the reserved concurrency put back', async () => {
    // A reserved concurrency the drill must restore (not just remove).
    const c = lambda();
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: fnName(), ReservedConcurrentExecutions: 7 }));
    c.destroy();
    expect(await reserved()).toBe(7);

    const { result, journal, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'lambda-throttle.yaml'));
    const rec = result.record;
    expect(rec.verdict, rec.reason).not.toBe('inconclusive');
    expect([0, 4], rec.reason).toContain(result.exitCode);
    // Lambda itself: the previous value is back.
    expect(await reserved()).toBe(7);
    // The inverse was journaled with that value before the throttle.
    // (The lease on the function is journaled first: its release runs last.)
    const lease = journal.findIndex((e) => e.kind === 'inverse.recorded' && e.data.stepId === 'lease.lambda');
    const inv = journal.findIndex((e) => e.kind === 'inverse.recorded' && e.data.stepId !== 'lease.lambda');
    expect(lease).toBeGreaterThanOrEqual(0);
    expect(lease).toBeLessThan(inv);
    expect(await functionLeaseTags()).toEqual([]);
    const req = journal.findIndex((e) => e.kind === 'fault.requested');
    expect(inv).toBeGreaterThanOrEqual(0);
    expect(inv).toBeLessThan(req);
    expect((journal[inv]?.data as { inverse?: { params: unknown } } | undefined)?.inverse?.params).toMatchObject({
      reservedConcurrency: 7,
    });
    const fault = rec.faults[0];
    expect(fault).toMatchObject({ type: 'lambda-throttle', action: 'lambda:PutFunctionConcurrency' });
    expect(fault?.confirmation?.status, fault?.confirmation?.detail).toBe('confirmed');
    expect(fault?.confirmation?.answers).toEqual([expect.objectContaining({ ReservedConcurrentExecutions: 0 })]);

    // The probe: throttled (429) samples only, for about restoreAfter (5 s), then none.
    const F = rec.measurements.faultAtMs as number;
    const w = failureWindow(await samplesOf(runDir, 'orders'), F);
    expect(w.errors).toEqual(['throttled']);
    const windowS = ((w.last as number) - (w.first as number)) / 1000;
    expect(windowS).toBeGreaterThan(4);
    expect(windowS).toBeLessThan(8);
    const rto = rec.measurements.rto;
    expect(rto?.seconds, JSON.stringify(rto)).not.toBeNull();
    expect(rto?.noOutage).toBe(false);
    // R − F covers the throttle (restoreAfter 5 s) and stays within the objective.
    expect(rto?.seconds as number).toBeGreaterThanOrEqual(5 - (rto?.resolutionSeconds as number));
    expect(rto?.seconds as number).toBeLessThanOrEqual(20);
    console.log(
      `lambda-throttle: ${w.count} throttled samples over ${windowS}s, RTO ${rto?.seconds}s (±${rto?.resolutionSeconds}s), concurrency back at ${await reserved()}`,
    );
  });

  it('lambda-invocation-error: the probe sees the FIS error window as function errors, confirmed from the experiment', async () => {
    const before = await reserved();
    const { result, runDir, journal } = await drillUnderPolicy(join(LAB_SCENARIOS, 'lambda-invocation-error.yaml'));
    const rec = result.record;
    expect(rec.verdict, rec.reason).not.toBe('inconclusive');
    expect([0, 4], rec.reason).toContain(result.exitCode);
    const fault = rec.faults[0];
    expect(fault?.type).toBe('fis-experiment');
    expect(fault?.confirmation?.status, fault?.confirmation?.detail).toBe('confirmed');

    // FIS itself: the experiment ran its action to completion; its window bounds the errors.
    const { fis } = labClients(lab.info());
    const ack = journal.find((e) => e.kind === 'fault.acknowledged')?.data as { response: { experimentId: string } };
    const id = ack.response.experimentId;
    // The one experiment of the run, found by its run tag as well.
    const tagged = ((await fis.send(new ListExperimentsCommand({}))).experiments ?? []).filter(
      (x) => x.tags?.['drillproof:run-id'] === rec.runId,
    );
    expect(tagged.map((x) => x.id)).toEqual([id]);
    const exp = (await fis.send(new GetExperimentCommand({ id }))).experiment;
    fis.destroy();
    expect(exp?.state?.status).toBe('completed');
    const action = exp?.actions?.['invocation-error'];
    expect(action?.state?.status).toBe('completed');
    const start = action?.startTime?.getTime() as number;
    const end = action?.endTime?.getTime() as number;
    expect((end - start) / 1000).toBeGreaterThanOrEqual(4.9);

    const F = rec.measurements.faultAtMs as number;
    const samples = await samplesOf(runDir, 'orders');
    const w = failureWindow(samples, F);
    expect(w.errors).toEqual(['function_error']);
    // Every failure inside the action's window (the extension polls its configuration: a little slack).
    const slackMs = 1500;
    expect(w.first as number).toBeGreaterThanOrEqual(start - slackMs);
    expect(w.last as number).toBeLessThanOrEqual(end + slackMs);
    // And the window is mostly failures: the probe really saw the error window, not a blip.
    const inWindow = samples.filter((s) => s.scheduled >= start + slackMs && s.scheduled < end - slackMs);
    expect(inWindow.length).toBeGreaterThan(10);
    expect(inWindow.every((s) => !s.ok)).toBe(true);
    expect(w.late, 'samples sent late (machine load)').toBeLessThan(inWindow.length / 2);
    const windowS = ((w.last as number) - (w.first as number)) / 1000;
    const rto = rec.measurements.rto;
    expect(rto?.seconds, JSON.stringify(rto)).not.toBeNull();
    expect(rto?.seconds as number).toBeGreaterThan(0);
    expect(await reserved()).toBe(before);
    console.log(
      `lambda-invocation-error: ${w.count} function errors over ${windowS}s (action ${(end - start) / 1000}s), RTO ${rto?.seconds}s, verdict ${rec.verdict}`,
    );
  });

  it('lambda-throttle killed with -9 while throttled: recover puts the previous reserved concurrency back', async () => {
    const c = lambda();
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: fnName(), ReservedConcurrentExecutions: 7 }));
    c.destroy();
    // No restoreAfter: only the rollback (here: recover, from the journal) undoes the throttle.
    const file = variant('lambda-throttle', (d) => {
      d.steps.baseline = '1s';
      delete d.steps.faults[0].restoreAfter;
    });
    const out = join(mkdtempSync(join(tmpdir(), 'dp-kill-')), 'run');
    const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'drillproof.js');
    const child: ChildProcess = spawn(process.execPath, [bin, 'run', file, '--lab', lab.dir(), '--out', out, '--yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    let gone = false;
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    child.on('exit', () => (gone = true));
    const journalFile = join(out, 'journal.ndjson');
    for (;;) {
      if (gone) throw new Error(`drill exited before injecting:\n${stderr}`);
      if (existsSync(journalFile) && readFileSync(journalFile, 'utf8').includes('"kind":"fault.acknowledged"')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    // Killed while throttled: Lambda says 0, the journal has the inverse and no end.
    expect(await reserved()).toBe(0);
    const entries = readJournal(journalFile).entries;
    expect(entries.some((e) => e.kind === 'inverse.recorded')).toBe(true);
    expect(entries.some((e) => e.kind === 'run.finished')).toBe(false);
    const r = await recoverRun(out, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink: new RecordingSink(),
      pollMs: 200,
      waitTimeoutMs: 30_000,
    });
    expect(r.exitCode).toBe(0);
    expect(await reserved()).toBe(7);
  });
  it('two lambda-throttle drills started together on the function: the second exits 3 naming the first, no lease left', async () => {
    const c = lambda();
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: fnName(), ReservedConcurrentExecutions: 7 }));
    c.destroy();
    const file = variant('lambda-throttle', (d) => {
      d.steps.baseline = '2s';
      for (const p of d.probes) if (p.rate) p.rate = '5/s';
    });
    const [a, b] = await Promise.all([drill(file, lab.dir()), drill(file, lab.dir())]);
    const runs = [a, b].map((d) => d.result);
    console.info(runs.map((r) => `${r.record.runId}: exit ${r.exitCode} ${r.record.reason ?? ''}`).join('\n'));
    const loser = runs.find((r) => r.exitCode === 3);
    const winner = runs.find((r) => r !== loser);
    expect(loser, runs.map((r) => r.record.reason).join(' | ')).toBeDefined();
    expect([0, 4], winner?.record.reason).toContain(winner?.exitCode);
    const arn = lab.info().lambda?.functionArn as string;
    expect(loser?.record.reason).toContain(`${arn} is held by drill ${winner?.record.runId}`);
    expect(loser?.record.faults).toEqual([]);
    expect(winner?.record.faults.map((f) => f.type)).toEqual(['lambda-throttle']);
    // One throttle only, undone: the concurrency the function had, and no lease left by either drill.
    const puts = [a, b].flatMap((d) =>
      d.journal.filter((e) => e.kind === 'aws.call' && e.data.operation === 'PutFunctionConcurrency'),
    );
    expect(puts.length).toBeGreaterThanOrEqual(1);
    expect(await reserved()).toBe(7);
    const calls = a.journal
      .concat(b.journal)
      .filter((e) => e.kind === 'aws.call' && e.data.service === 'lambda')
      .map((e) => e.data.operation);
    expect(calls).toEqual(expect.arrayContaining(['TagResource', 'ListTags', 'UntagResource']));
    expect(await functionLeaseTags()).toEqual([]);
  });
});
