import { DrillproofError } from '../../errors.js';
import { type MessageSink, message, silentSink } from '../../io/messages.js';
import type { K6LoadConfig } from '../../probes/k6/config.js';
import { prepareK6Load } from '../../probes/k6/prepare.js';
import { type K6LoadHandle, type K6Result, k6RunRecord, startK6Load } from '../../probes/k6/runner.js';
import type { Sample } from '../../run/samples.js';
import type { Clock } from '../../util/clock.js';
import { formatDurationMs, parseDurationMs } from '../../util/units.js';
import type { DrillPorts, ProbeSession } from '../phases/ports.js';

export interface K6DrillOptions {
  /** `--k6` from the command line. */
  k6Flag?: string;
  env?: NodeJS.ProcessEnv;
  /** Directory of the scenario file (relative script and binary paths). */
  scenarioDir: string;
  sink?: MessageSink;
  /** Probe name of the k6 samples (file `samples/<probe>.ndjson`); default `k6`. */
  probe?: string;
  /** Recovery window W recorded in the k6 sample header. */
  recoveryWindowMs?: number;
  stopGraceMs?: number;
  killAfterMs?: number;
  /** How long preflight waits for k6 to report the test running (default 60 s). */
  readyTimeoutMs?: number;
}

/**
 * The baseline must already carry the load: wait until k6 runs. k6 exiting first (a script
 * exception, a bad option) or not starting in time fails the preflight (exit 3).
 */
async function waitUntilRunning(h: K6LoadHandle, clock: Clock, timeoutMs: number): Promise<void> {
  const ac = new AbortController();
  const timer = clock.sleep(timeoutMs, ac.signal).then(
    () => 'timeout' as const,
    () => 'timeout' as const,
  );
  const r = await Promise.race([h.ready, timer]);
  ac.abort();
  if (r === true) return;
  if (r === 'timeout') {
    throw DrillproofError.user('K6NotStarted', `k6 did not start running within ${formatDurationMs(timeoutMs)}`, {
      exitCode: 3,
      hint: 'check the k6 output in the run directory (k6/) and that the script initialises quickly',
    });
  }
  const res = await h.done;
  throw DrillproofError.user('K6NotStarted', `k6 stopped before the load started: ${res.description}`, {
    exitCode: 3,
    hint: res.stderrTail.length
      ? `k6 said: ${res.stderrTail.slice(-3).join(' | ')}`
      : 'run the script with k6 alone to see the problem',
    details: { exitCode: res.exitCode, classification: res.classification },
  });
}

/** `record.k6.classification` of a drill whose external load data has not been imported yet. */
export const EXTERNAL_PENDING = 'external (not imported yet)';

/** What the scenario says under `load.k6`, read from the resolved scenario object. */
export function scenarioK6(scenario: unknown): K6LoadConfig | undefined {
  const load = (scenario as { load?: { k6?: K6LoadConfig } } | null)?.load;
  return load?.k6;
}

/**
 * Adds the scenario's k6 load to the drill engine's ports. The engine starts "probes (and optional
 * load)" through `startProbes`: this starts the probes, then k6 on the same timeline, and returns
 * one session whose samples include k6's (so live checks and guardrails see them), whose `stop()`
 * stops k6 too, and whose k6 results reach the run record through `writeEvidence`.
 *
 * Preflight: the k6 binary, version and extensions are checked inside `startProbes`, which the
 * engine runs in its preflight phase, and `startProbes` returns only once k6 runs, so a missing
 * extension or a script that fails at start fails the drill with exit 3 before anything is
 * injected, and the baseline already carries the load. k6 stops when the session stops, or at once when the engine passes an
 * abort `signal` to `startProbes` (the runner does).
 */
export function withK6Load(
  ports: DrillPorts,
  o: K6DrillOptions,
): DrillPorts & { k6Result(): Promise<K6Result | null> } {
  let handle: K6LoadHandle | null = null;
  let result: Promise<K6Result | null> = Promise.resolve(null);
  const sink = o.sink ?? silentSink;

  let external: NonNullable<K6LoadConfig['external']> | null = null;

  const startProbes: DrillPorts['startProbes'] = async (i) => {
    const config = scenarioK6(i.scenario);
    if (!config) return ports.startProbes(i);
    if (config.external) {
      // The load runs elsewhere: nothing to start. The journal's times (F, the phases) are what
      // the imported k6 data is analysed against afterwards.
      external = config.external;
      sink.emit(
        message(
          'info',
          'DP_K6_I0201',
          `load runs outside drillproof (${external.description ?? 'external k6'}): after the drill, add it with \`drillproof import-k6 --run ${i.runDir} <k6 --out json files…>\``,
          { probe: external.probe, runners: external.runners ?? null, runDir: i.runDir },
        ),
      );
      return ports.startProbes(i);
    }
    const maxDuration = i.scenario.guardrails?.maxDuration;
    const prepared = await prepareK6Load({
      config,
      outDir: i.runDir,
      k6Flag: o.k6Flag,
      ...(o.env ? { env: o.env } : {}),
      scenarioDir: o.scenarioDir,
      defaultDurationMs: (maxDuration ? parseDurationMs(maxDuration) : undefined) ?? 15 * 60_000,
    });
    const session = await ports.startProbes(i);
    const listeners: ((s: Sample) => void)[] = [];
    const signal = i.signal;
    try {
      handle = await startK6Load({
        prepared,
        outDir: i.runDir,
        runId: i.runId,
        clock: i.timeline.clock,
        anchor: i.timeline,
        sink,
        ...(o.env ? { env: o.env } : {}),
        ...(o.probe ? { probe: o.probe } : {}),
        ...(o.recoveryWindowMs !== undefined ? { recoveryWindowMs: o.recoveryWindowMs } : {}),
        ...(o.stopGraceMs !== undefined ? { stopGraceMs: o.stopGraceMs } : {}),
        ...(o.killAfterMs !== undefined ? { killAfterMs: o.killAfterMs } : {}),
        ...(signal ? { signal } : {}),
        onSample: (s) => {
          for (const l of listeners) l(s);
        },
      });
      await waitUntilRunning(handle, i.timeline.clock, o.readyTimeoutMs ?? 60_000);
    } catch (err) {
      await handle?.stop('preflight failed').catch(() => {});
      await session.stop().catch(() => {});
      throw err;
    }
    const h = handle;
    result = h.done;
    const probe = o.probe ?? 'k6';
    const combined: ProbeSession = {
      onSample: (l) => {
        session.onSample(l);
        listeners.push(l);
      },
      intervals: () => ({ ...session.intervals(), [probe]: prepared.intervalMs ?? 1000 }),
      stop: async () => {
        await Promise.all([h.stop('drill finished'), session.stop()]);
      },
    };
    return combined;
  };

  const writeEvidence: DrillPorts['writeEvidence'] = async (runDir, record) => {
    const r = await result;
    // Set on the engine's record itself, so the run's result and the evidence agree.
    if (r) record.k6 = k6RunRecord(r);
    else if (external) record.k6 = { exitCode: null, classification: EXTERNAL_PENDING, thresholds: {} };
    return ports.writeEvidence(runDir, record);
  };

  // Objectives on the external load's probe cannot be judged before its data is imported: they
  // are left out of this verdict (and named), and `import-k6 --run` judges them with the rest.
  const analyze: DrillPorts['analyze'] = async (i) => {
    const a = await ports.analyze(i);
    const probe = external?.probe;
    if (!probe || a.measurements.probes[probe]) return a;
    const pending = a.objectives.filter((o) => o.name.split(':')[1] === probe);
    if (pending.length)
      sink.emit(
        message(
          'warn',
          'DP_K6_W0201',
          `${pending.length} objective(s) on the external load (${pending.map((o) => o.name).join(', ')}) are judged when its data is imported with \`drillproof import-k6 --run\``,
          { pending: pending.map((o) => o.name) },
        ),
      );
    return { ...a, objectives: a.objectives.filter((o) => !pending.includes(o)) };
  };

  return { ...ports, startProbes, writeEvidence, analyze, k6Result: () => result };
}
