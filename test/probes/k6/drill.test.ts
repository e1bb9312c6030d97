import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecorder } from '../../../src/aws/call-record.js';
import { analyzeRunDir } from '../../../src/experiments/analysis/run-dir.js';
import { withK6Load } from '../../../src/experiments/compose/k6-load.js';
import type { DrillInput, DrillScenario } from '../../../src/experiments/phases/drill-input.js';
import type { DrillPorts, ProbeSession } from '../../../src/experiments/phases/ports.js';
import { runDrill } from '../../../src/experiments/runner.js';
import { type ScenarioInput, scenarioSchema } from '../../../src/experiments/schema/scenario.js';
import { ManualSignalSource } from '../../../src/experiments/signals.js';
import { RecordingSink } from '../../../src/io/messages.js';
import { readJournal } from '../../../src/run/journal.js';
import type { RunRecord } from '../../../src/run/record.js';
import type { Sample, SampleFileHeader } from '../../../src/run/samples.js';
import type { AnchoredClock } from '../../../src/util/clock.js';
import { fakeAws } from '../../_helpers/fake-aws.js';
import { FAKE_K6, type FakeK6Behaviour, fakeK6Env, K6_FIXTURES } from '../../_helpers/fake-k6.js';
import { type RefSample, refPhase, refRto } from '../../measurements/_reference.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A web probe that is always up (the drill's own probe; k6 is the load under test here). Like the
 * real open-loop scheduler it catches up on its 20 ms grid when timers fire late on a busy machine.
 */
const webProbe: DrillPorts['startProbes'] = async ({
  timeline,
}: {
  timeline: AnchoredClock;
}): Promise<ProbeSession> => {
  const listeners: ((s: Sample) => void)[] = [];
  let seq = 0;
  const t0 = timeline.nowMs();
  const timer = setInterval(() => {
    for (const now = timeline.nowMs(); t0 + seq * 20 <= now; seq++) {
      const s: Sample = {
        probe: 'web',
        seq,
        scheduled: t0 + seq * 20,
        ok: true,
        latencyMs: 1,
        serviceMs: 1,
        status: 200,
        error: null,
      };
      for (const l of listeners) l(s);
    }
  }, 20);
  return { onSample: (l) => listeners.push(l), intervals: () => ({ web: 20 }), stop: async () => clearInterval(timer) };
};

type Observe = { timeout: string; recovery?: { probes: string[]; hold: string } };

/** A validated scenario (the schema fills the defaults) with generated k6 load. */
const scenario = (observe: Observe, k6: Record<string, unknown> = {}): DrillScenario =>
  scenarioSchema.parse({
    version: 1,
    metadata: { name: 'ec2-stop-with-k6' },
    target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
    resources: { web: { type: 'ec2-instance', ids: ['i-1'] } },
    probes: [
      {
        name: 'web',
        type: 'http',
        url: 'http://127.0.0.1:9/',
        interval: '20ms',
        recoveryWindow: '200ms',
        dependsOn: ['web'],
      },
    ],
    steps: { baseline: '100ms', faults: [{ id: 'stop-one', type: 'ec2-stop', resource: 'web' }], observe },
    load: { k6: { generate: { url: 'http://127.0.0.1:18080/', rate: '10/s', timeout: '2s' }, ...k6 } },
  } satisfies ScenarioInput);

async function drill(
  sc: DrillScenario,
  signals?: ManualSignalSource,
  onProgress?: (id: string) => void,
  fake: Partial<FakeK6Behaviour> = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'dp-k6-drill-'));
  dirs.push(root);
  const sink = new RecordingSink();
  if (onProgress) {
    const record = sink.progress.bind(sink);
    sink.progress = (p) => {
      record(p);
      onProgress(p.id);
    };
  }
  const evidence: RunRecord[] = [];
  const env = {
    ...process.env,
    K6_BIN: FAKE_K6,
    // k6 replays the generated-run fixture (an outage 2–4 s after its first point), rebased to now.
    ...fakeK6Env({
      fixture: join(K6_FIXTURES, 'generated-run.ndjson'),
      summary: join(K6_FIXTURES, 'handle-summary-generated-passed.json'),
      hold: true,
      rebase: true,
      batch: 50,
      lineMs: 1,
      ...fake,
    }),
  };
  const ports = withK6Load(
    {
      startProbes: webProbe,
      analyze: async ({ runDir }) => ({ measurements: (await analyzeRunDir(runDir)).measurements, objectives: [] }),
      writeEvidence: async (_d, rec) => {
        evidence.push(rec);
        return ['evidence.json'];
      },
    },
    { scenarioDir: root, env, sink, recoveryWindowMs: 1000 },
  );
  const input: DrillInput = {
    scenario: sc,
    scenarioPath: join(root, 'drill.yaml'),
    scenarioText: 'x: 1\n',
    scenarioSha256: 'abc',
    runDir: join(root, 'run'),
    runId: 'run-k6',
    yes: false,
    interactive: false,
  };
  const result = await runDrill(input, {
    createAws: (rec: CallRecorder) =>
      fakeAws(
        {
          instances: [
            { id: 'i-1', az: 'us-east-1a', state: 'running' },
            { id: 'i-2', az: 'us-east-1b', state: 'running' },
          ],
        },
        rec,
      ).aws,
    provider: 'lab',
    ports,
    sink,
    pollMs: 10,
    waitTimeoutMs: 2000,
    ...(signals ? { signals } : {}),
  });
  const journal = readJournal(join(input.runDir, 'journal.ndjson')).entries;
  return { result, journal, evidence, sink, runDir: input.runDir, k6: await ports.k6Result() };
}

/** RFC 3339 → epoch ms keeping sub-millisecond digits, written apart from src's parser. */
function epochMs(t: string): number {
  const frac = /\.(\d+)/.exec(t)?.[1];
  return Date.parse(t.replace(/\.\d+/, '')) + (frac ? Number(`0.${frac}`) * 1000 : 0);
}

describe('a drill with k6 load (fake k6)', () => {
  it('folds k6 samples into the measurements: per-phase P95 equals an independent computation', async () => {
    const { result, journal, evidence, runDir, k6 } = await drill(
      scenario({ timeout: '3s', recovery: { probes: ['web'], hold: '200ms' } }),
    );
    expect({ exit: result.exitCode, reason: result.record.reason }).toEqual({ exit: 0, reason: undefined });
    expect(k6).toMatchObject({
      classification: 'stopped',
      exitCode: 103,
      stoppedWith: 'rest',
      stoppedReason: 'drill finished',
    });
    expect(evidence[0]?.k6).toMatchObject({
      exitCode: 103,
      classification: 'stopped',
      thresholds: { 'drillproof_latency: p(95)<3000': true },
    });

    // Independently: the lines k6 wrote, F from the journal, R and the phases by the reference definitions.
    const header = JSON.parse(
      readFileSync(join(runDir, 'samples', 'k6.ndjson'), 'utf8').split('\n')[0] as string,
    ) as SampleFileHeader;
    const drift = header.clock?.driftMs ?? 0;
    const lines = readFileSync(join(runDir, 'k6', 'k6-output.json'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const pts: RefSample[] = lines
      .filter((l) => l.type === 'Point' && l.metric === 'drillproof_latency')
      .map((l, i) => ({
        seq: i,
        scheduled: epochMs(l.data.time) - drift - l.data.value,
        ok: l.data.tags.ok === 'true',
        latencyMs: l.data.value,
      }))
      .sort((a, b) => a.scheduled - b.scheduled);
    // F: when AWS accepted the first fault call (its fault.acknowledged), docs/measurements.md §10.
    const firstFault = journal.find((e) => e.kind === 'fault.requested');
    const F = journal.find(
      (e) => e.kind === 'fault.acknowledged' && (e.data as { stepId?: string }).stepId === firstFault?.data.stepId,
    )?.t as number;
    const end = (pts.at(-1) as RefSample).scheduled + 100;
    const rto = refRto(pts, F, 1000, end);
    // On a very busy machine the drill can end before k6 replayed everything: then no recovery.
    const R = rto.R ?? end;
    const first = Math.min((pts[0] as RefSample).scheduled, header.t0);
    const m = (await analyzeRunDir(runDir)).measurements.probes.k6;
    expect(m?.kind).toBe('k6');
    for (const [phase, from, to] of [
      ['baseline', first, F],
      ['fault', F, R],
      ['recovery', R, end],
    ] as const) {
      const want = refPhase(pts, from, to, 2000);
      const got = m?.phases[phase];
      expect({
        phase,
        n: got?.scheduled,
        ok: got?.ok,
        p95: got?.p95Ms,
        p95All: got?.p95WithFailuresMs,
        p99: got?.p99Ms,
      }).toEqual({
        phase,
        n: want.scheduled,
        ok: want.ok,
        p95: want.p95,
        p95All: want.p95All,
        p99: want.p99,
      });
    }
    // the fixture's outage is in the k6 data: the fault phase holds failures, the honest P95 is T
    if (!rto.noOutage) expect(m?.phases.fault.failed).toBeGreaterThan(0);
    if (rto.R === null) expect(m?.rto?.seconds).toBeNull();
    else expect(m?.rto?.seconds).toBeCloseTo((R - F) / 1000, 6);
  });

  it('an abort stops k6 and rolls back', async () => {
    const signals = new ManualSignalSource();
    let fired = false;
    // Ctrl-C once the drill observes (fault injected, k6 running)
    const p = drill(scenario({ timeout: '5s', recovery: { probes: ['web'], hold: '4s' } }), signals, (id) => {
      if (id === 'observe' && !fired) {
        fired = true;
        signals.fire('SIGINT');
      }
    });
    const { result, journal, k6, evidence } = await p;
    expect(result.exitCode).toBe(5);
    expect(journal.some((e) => e.kind === 'rollback.succeeded')).toBe(true);
    // k6 is stopped at the moment of the abort, with its reason, not later when the probes stop
    expect(k6).toMatchObject({ classification: 'stopped' });
    expect(k6?.stoppedReason).toMatch(/^aborted: .*SIGINT/);
    expect(evidence[0]?.k6?.classification).toBe('stopped');
  });

  it('fails preflight (exit 3) without injecting when the k6 binary lacks an extension', async () => {
    const sc = scenario({ timeout: '3s' }, { extensions: ['xk6-sql'] });
    const { result, journal } = await drill(sc);
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toContain('lacks extension xk6-sql');
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
  });

  it('fails preflight (exit 3) when k6 stops before the load starts (a script exception)', async () => {
    const { result, journal } = await drill(scenario({ timeout: '3s' }), undefined, undefined, { exitAtStart: 107 });
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toContain('k6 stopped before the load started: the script threw an exception');
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
  });
});
