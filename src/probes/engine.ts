import { writeFileSync } from 'node:fs';
import { DrillproofError } from '../errors.js';
import { type MessageSink, message, silentSink } from '../io/messages.js';
import type { RunWrites } from '../run/disk.js';
import { readbackFilePath, samplesDir } from '../run/files.js';
import { type HeartbeatReadback, SAMPLE_FORMAT_VERSION, type Sample, type SampleFileHeader } from '../run/samples.js';
import { AnchoredClock, type Clock, systemClock } from '../util/clock.js';
import { scrubSecrets } from '../util/secrets.js';
import { formatDurationMs } from '../util/units.js';
import type { CredentialContext } from './credentials.js';
import { createProbeRunner, type ProbeConfig, probeKind } from './kinds/registry.js';
import { type LiveProbeStats, LiveProbeWindow } from './live.js';
import type { ProbeRunner } from './runner.js';
import { OpenLoopScheduler } from './scheduler.js';
import { SampleWriter } from './store.js';

export interface StartProbesOptions {
  probes: ProbeConfig[];
  /** Run directory; samples go to `<outDir>/samples/<probe>.ndjson`. */
  outDir: string;
  runId: string;
  /** The run's anchored clock (share it with the journal so both use one timeline). */
  clock?: AnchoredClock | Clock;
  sink?: MessageSink;
  /** Aborting stops the probes (same as `stop()`). */
  signal?: AbortSignal;
  /** Stop scheduling after this long; absent = until stopped. */
  durationMs?: number;
  /** Where database passwords come from (env for `{env: NAME}`, AWS clients). */
  credentials?: CredentialContext;
  /** Keep plain `.ndjson` files instead of gzipping them at the end. */
  gzip?: boolean;
  /** Delay before sample 0 (lets connections warm up). Default 0. */
  startDelayMs?: number;
  /** Record every slot's send lag (bench). */
  recordLags?: boolean;
  /** Interval of `sink.progress` updates, ms (default 1000). */
  progressEveryMs?: number;
  /** The run's write channel: a failed sample write is reported there (default: its own). */
  writes?: RunWrites;
}

export interface ProbeFileResult {
  probe: string;
  path: string;
  samples: number;
}

export interface ProbeRunResult {
  t0: number;
  files: ProbeFileResult[];
  readbacks: HeartbeatReadback[];
  /** Read-backs that failed (the heartbeat database was unreachable at the end). */
  readbackErrors: { probe: string; error: string }[];
}

export interface ErrorRateRule {
  probe: string;
  /** Trip when failed / completed ≥ this ratio (0..1) ... */
  threshold: number;
  /** ... over the samples scheduled in the last windowMs (checked once the run is that old). */
  windowMs: number;
}

export interface ProbeRunHandle {
  readonly runId: string;
  /** Epoch ms of the schedule origin (sample 0 of every probe). */
  readonly t0: number;
  readonly clock: AnchoredClock;
  /** Resolves when every probe finished its duration (or was stopped). */
  readonly done: Promise<void>;
  stats(): LiveProbeStats[];
  /** Failed / completed over the samples of `probe` scheduled in the last `windowMs`. */
  errorRate(probe: string, windowMs: number): { rate: number | null; samples: number };
  /** Every sample as it completes; returns an unsubscribe function. */
  subscribe(listener: (s: Sample) => void): () => void;
  /** Calls `onTrip` once when the rule holds (guardrail: abort on error rate). */
  watchErrorRate(rule: ErrorRateRule, onTrip: (rate: number) => void): () => void;
  /** Reads back the run's heartbeat rows now (after recovery); also written to samples/<probe>.readback.json. */
  readback(probe: string, kind?: 'failover' | 'restore'): Promise<HeartbeatReadback>;
  /** Send lag (start − scheduled, ms) of every slot so far; empty unless `recordLags` was set. */
  sendLags(probe: string): readonly number[];
  /** Stops scheduling, waits for in-flight samples, reads back heartbeats (unless false), closes files. */
  stop(opts?: { readback?: boolean }): Promise<ProbeRunResult>;
}

interface Running {
  cfg: ProbeConfig;
  runner: ProbeRunner;
  scheduler: OpenLoopScheduler;
  writer: SampleWriter;
  live: LiveProbeWindow;
  run: Promise<void>;
}

/** Starts every probe on one shared schedule origin t0 and streams their samples to disk. */
export async function startProbes(opts: StartProbesOptions): Promise<ProbeRunHandle> {
  const sink = opts.sink ?? silentSink;
  const clock = opts.clock instanceof AnchoredClock ? opts.clock : new AnchoredClock(opts.clock ?? systemClock);
  const names = new Set<string>();
  for (const p of opts.probes) {
    if (names.has(p.name)) {
      throw DrillproofError.user('ProbeNameDuplicate', `two probes are named "${p.name}"`, {
        hint: 'give every probe a unique name',
      });
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.name)) {
      throw DrillproofError.user('ProbeNameInvalid', `probe name "${p.name}" cannot be used as a file name`, {
        hint: 'use letters, digits, dots, dashes and underscores',
      });
    }
    names.add(p.name);
  }
  const credentials = opts.credentials ?? { env: {} };
  const runners = opts.probes.map((cfg) => createProbeRunner(cfg, { runId: opts.runId, clock, credentials }));
  await Promise.all(runners.map((r) => r.start?.()));

  const t0Mono = clock.clock.monotonicMs() + (opts.startDelayMs ?? 0);
  const t0 = clock.toEpochMs(t0Mono);
  const listeners = new Set<(s: Sample) => void>();
  const running: Running[] = opts.probes.map((cfg, i) => {
    const measures = probeKind(cfg.kind)?.measures;
    const header: SampleFileHeader = {
      type: 'header',
      formatVersion: SAMPLE_FORMAT_VERSION,
      probe: cfg.name,
      kind: cfg.kind,
      intervalMs: cfg.intervalMs,
      timeoutMs: cfg.timeoutMs,
      t0,
      clock: { source: 'performance.now anchored to Date.now', driftMs: Math.round(clock.driftMs() * 1000) / 1000 },
    };
    if (cfg.recoveryWindowMs !== undefined) header.recoveryWindowMs = cfg.recoveryWindowMs;
    if (measures) header.measures = measures;
    const writer = new SampleWriter(opts.outDir, header, opts.writes);
    const live = new LiveProbeWindow(cfg.name, t0);
    const runner = runners[i] as ProbeRunner;
    const scheduler = new OpenLoopScheduler(cfg, runner, clock, {
      t0Mono,
      ...(opts.durationMs === undefined ? {} : { durationMs: opts.durationMs }),
      onSample: (s) => {
        writer.write(s);
        live.record(s);
        for (const l of listeners) l(s);
      },
    });
    scheduler.keepLags = opts.recordLags ?? false;
    return { cfg, runner, scheduler, writer, live, run: scheduler.run() };
  });
  sink.emit(
    message('info', 'DP_PROBE_I0001', `probes started: ${opts.probes.map((p) => p.name).join(', ')}`, {
      probes: opts.probes.map((p) => ({
        name: p.name,
        kind: p.kind,
        intervalMs: p.intervalMs,
        timeoutMs: p.timeoutMs,
      })),
      t0,
      dir: samplesDir(opts.outDir),
    }),
  );

  const done = Promise.all(running.map((r) => r.run)).then(() => undefined);
  const byName = new Map(running.map((r) => [r.cfg.name, r]));
  const get = (probe: string): Running => {
    const r = byName.get(probe);
    if (!r) throw DrillproofError.user('ProbeUnknown', `no probe named "${probe}" is running`);
    return r;
  };

  const progressTimer = setInterval(() => {
    const now = clock.nowMs();
    const elapsed = now - t0;
    sink.progress?.({
      id: 'probes',
      label: `probing ${formatDurationMs(Math.max(0, Math.round(elapsed / 1000) * 1000))}`,
      done: Math.max(0, elapsed),
      ...(opts.durationMs === undefined ? {} : { total: opts.durationMs }),
      detail: running.map((r) => formatLive(r.live.stats(now), now)).join(' | '),
    });
  }, opts.progressEveryMs ?? 1000);
  progressTimer.unref();

  const readbacks: HeartbeatReadback[] = [];
  const readbackErrors: { probe: string; error: string }[] = [];
  const readback = async (probe: string, kind: 'failover' | 'restore' = 'failover') => {
    const r = get(probe);
    if (!r.runner.readback) {
      throw DrillproofError.user('ProbeNotHeartbeat', `probe "${probe}" is a ${r.cfg.kind} probe, not a heartbeat`);
    }
    const rb = await r.runner.readback(kind);
    const file = readbackFilePath(opts.outDir, probe, kind);
    writeFileSync(file, `${scrubSecrets(JSON.stringify(rb))}\n`);
    sink.emit(
      message('info', 'DP_PROBE_I0003', `read back ${rb.seqs.length} heartbeat rows of ${probe} from ${rb.source}`, {
        probe,
        rows: rb.seqs.length,
        file,
      }),
    );
    readbacks.push(rb);
    return rb;
  };

  let stopping: Promise<ProbeRunResult> | null = null;
  const stop = (stopOpts: { readback?: boolean } = {}): Promise<ProbeRunResult> => {
    stopping ??= (async () => {
      for (const r of running) r.scheduler.stop();
      await done;
      clearInterval(progressTimer);
      if (stopOpts.readback !== false) {
        for (const r of running) {
          if (!r.runner.readback) continue;
          try {
            await readback(r.cfg.name);
          } catch (err) {
            const error = String((err as Error)?.message ?? err);
            readbackErrors.push({ probe: r.cfg.name, error });
            sink.emit(
              message('warn', 'DP_PROBE_W0002', `heartbeat read-back of ${r.cfg.name} failed: ${error}`, {
                probe: r.cfg.name,
              }),
            );
          }
        }
      }
      await Promise.all(running.map((r) => r.runner.close().catch(() => {})));
      const files: ProbeFileResult[] = [];
      for (const r of running) {
        files.push({ probe: r.cfg.name, path: await r.writer.close(opts.gzip ?? true), samples: r.writer.count });
      }
      sink.emit(
        message(
          'info',
          'DP_PROBE_I0002',
          `probes stopped: ${files.map((f) => `${f.probe} ${f.samples}`).join(', ')} samples`,
          {
            files,
          },
        ),
      );
      return { t0, files, readbacks, readbackErrors };
    })();
    return stopping;
  };
  if (opts.signal) {
    if (opts.signal.aborted) void stop();
    else opts.signal.addEventListener('abort', () => void stop(), { once: true });
  }

  return {
    runId: opts.runId,
    t0,
    clock,
    done,
    stats: () => {
      const now = clock.nowMs();
      return running.map((r) => r.live.stats(now));
    },
    errorRate: (probe, windowMs) => get(probe).live.errorRate(clock.nowMs(), windowMs),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    watchErrorRate: (rule, onTrip) => {
      const r = get(rule.probe);
      let tripped = false;
      const l = (s: Sample) => {
        if (tripped || s.probe !== rule.probe) return;
        const now = clock.nowMs();
        if (now - t0 < rule.windowMs) return;
        const { rate } = r.live.errorRate(now, rule.windowMs);
        if (rate !== null && rate >= rule.threshold) {
          tripped = true;
          listeners.delete(l);
          onTrip(rate);
        }
      };
      listeners.add(l);
      return () => listeners.delete(l);
    },
    readback,
    sendLags: (probe) => get(probe).scheduler.lags,
    stop,
  };
}

/** `web 50/s ok 99.8% p95 12ms DOWN 3.2s` */
export function formatLive(s: LiveProbeStats, nowMs: number): string {
  const ok = s.okRatio === null ? '-' : `${(s.okRatio * 100).toFixed(1)}%`;
  const p95 = s.p95Ms === null ? '-' : `${s.p95Ms < 10 ? s.p95Ms.toFixed(1) : Math.round(s.p95Ms)}ms`;
  const down = s.outageSinceMs === null ? '' : ` DOWN ${((nowMs - s.outageSinceMs) / 1000).toFixed(1)}s`;
  return `${s.probe} ${Math.round(s.ratePerSecond)}/s ok ${ok} p95 ${p95}${down}`;
}
