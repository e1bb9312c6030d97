import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type MessageSink, message, silentSink } from '../../io/messages.js';
import { sampleFilePath } from '../../run/files.js';
import type { Sample } from '../../run/samples.js';
import { type AnchoredClock, type Clock, systemClock } from '../../util/clock.js';
import { formatDurationMs } from '../../util/units.js';
import { k6RunArgs } from './args.js';
import { exitOf, OutputTail } from './child.js';
import { K6SampleConverter } from './convert.js';
import { classifyK6Exit } from './exit-codes.js';
import { LineSplitter, parseK6Line } from './ndjson.js';
import { type K6Prepared, type PrepareK6Options, prepareK6Load } from './prepare.js';
import { freeLoopbackPort, K6RestClient, type K6Status } from './rest.js';
import { type K6Result, readSummary, reportK6Result } from './result.js';
import { estimateIntervalMs, K6SampleFileWriter, k6SampleHeader } from './sample-file.js';
import { K6Stopper } from './stop.js';
import { FileTailer } from './tail.js';

export { type K6Result, k6RunRecord } from './result.js';

export interface StartK6LoadOptions {
  /** Either a prepared load (preflight done) or the scenario config to prepare now. */
  prepared?: K6Prepared;
  config?: PrepareK6Options['config'];
  /** The run directory: samples to `<outDir>/samples/<probe>.ndjson`, k6 files to `<outDir>/k6/`. */
  outDir: string;
  runId: string;
  clock?: Clock;
  /** The run's anchored clock: k6's wall-clock times are moved onto its timeline. */
  anchor?: AnchoredClock;
  sink?: MessageSink;
  /** Aborting it stops k6 (REST stop, then SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  k6Flag?: string;
  scenarioDir?: string;
  defaultDurationMs?: number;
  /** Sample probe name (and file name); default `k6`. */
  probe?: string;
  recoveryWindowMs?: number;
  /** Called for each sample as it is parsed (live views, guardrails). */
  onSample?: (s: Sample) => void;
  /** After a REST stop request, how long to wait for k6 to exit before SIGTERM. */
  stopGraceMs?: number;
  /** After SIGTERM, how long to wait before SIGKILL. */
  killAfterMs?: number;
  /** A user script's longest allowed run; generated load uses its planned duration plus margins. */
  maxDurationMs?: number;
  tailPollMs?: number;
  statusPollMs?: number;
}

export interface K6LoadHandle {
  pid: number | undefined;
  port: number;
  samplesPath: string;
  /**
   * Resolves true once k6 reports the test running (or its first sample arrives), false when k6
   * exited without ever running. The drill waits for it so the baseline already has load.
   */
  ready: Promise<boolean>;
  /** The last answer of `GET /v1/status` (polled every `statusPollMs`); null before the first. */
  status(): K6Status | null;
  /** Stops the test (idempotent); resolves when k6 has exited and results are written. */
  stop(reason: string): Promise<K6Result>;
  done: Promise<K6Result>;
}

/**
 * Starts k6 as a child process next to the drill: `--out json=` tailed into samples while it runs,
 * the REST API on loopback for status and stop, handleSummary / `--summary-export` for thresholds.
 * Resolves once k6 is spawned; `done` resolves when it has exited and every file is written.
 */
export async function startK6Load(opts: StartK6LoadOptions): Promise<K6LoadHandle> {
  const clock = opts.clock ?? systemClock;
  const sink = opts.sink ?? silentSink;
  const probe = opts.probe ?? 'k6';
  const prepared =
    opts.prepared ??
    (await prepareK6Load({
      config: opts.config ?? {},
      outDir: opts.outDir,
      k6Flag: opts.k6Flag,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.scenarioDir ? { scenarioDir: opts.scenarioDir } : {}),
      ...(opts.defaultDurationMs ? { defaultDurationMs: opts.defaultDurationMs } : {}),
    }));
  const k6Dir = join(opts.outDir, 'k6');
  const rawOutputPath = join(k6Dir, 'k6-output.json');
  const summaryPath = join(k6Dir, prepared.generated ? 'summary.json' : 'summary-export.json');
  const samplesPath = sampleFilePath(opts.outDir, probe);
  const port = await freeLoopbackPort();
  const rest = new K6RestClient(port);

  const args = k6RunArgs({ prepared, rawOutputPath, summaryPath, port, runId: opts.runId });
  // A stale output or summary from an earlier attempt must not be read as this run's.
  await rm(rawOutputPath, { force: true });
  await rm(summaryPath, { force: true });

  const writer = new K6SampleFileWriter(samplesPath);
  await writer.open();
  const driftMs = opts.anchor ? opts.anchor.driftMs() : 0;
  const converter = new K6SampleConverter({
    probe,
    source: prepared.source,
    timeoutMs: prepared.timeoutMs,
    clockOffsetMs: driftMs,
  });
  const splitter = new LineSplitter();
  // Ready: k6 reports the test running, or its first sample arrived (true); k6 exited first (false).
  let markReady: (ran?: boolean) => void = () => {};
  let readySettled = false;
  const ready = new Promise<boolean>((resolve) => {
    markReady = (ran = true) => {
      if (!readySettled) {
        readySettled = true;
        resolve(ran);
      }
    };
  });
  const handleLine = async (text: string): Promise<void> => {
    const parsed = parseK6Line(text);
    if (!parsed.ok) {
      converter.noteBadLine(parsed.reason);
      return;
    }
    for (const s of converter.convert(parsed.line)) {
      await writer.write(s);
      markReady();
      opts.onSample?.(s);
    }
  };
  const tailer = new FileTailer(
    rawOutputPath,
    async (chunk) => {
      for (const line of splitter.push(chunk)) await handleLine(line);
    },
    clock,
    opts.tailPollMs ?? 100,
  );

  const startedAt = opts.anchor ? opts.anchor.nowMs() : clock.wallMs();
  const child: ChildProcess = spawn(prepared.bin, args, {
    cwd: dirname(prepared.scriptPath),
    env: {
      ...(opts.env ?? process.env),
      ...prepared.env,
      K6_AUTO_EXTENSION_RESOLUTION: 'false',
      K6_NO_USAGE_REPORT: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail(child);
  sink.emit(
    message(
      'info',
      'DP_K6_I0001',
      `k6 ${prepared.info.version} started (pid ${child.pid}, ${prepared.generated ? 'generated script' : prepared.scriptPath})`,
      {
        pid: child.pid,
        port,
        bin: prepared.bin,
        args,
      },
    ),
  );

  const { exit, exited } = exitOf(child);
  tailer.start();

  let lastStatus: K6Status | null = null;
  const watchStop = new AbortController();
  const watch = (async () => {
    while (!exited() && !watchStop.signal.aborted) {
      try {
        lastStatus = await rest.status();
        if (lastStatus.running) markReady();
        sink.progress?.({
          id: 'k6',
          label: 'k6 load',
          done: converter.stats.samples,
          detail: `${lastStatus.statusName} vus ${lastStatus.vus ?? '?'} failed ${converter.stats.failed}`,
        });
      } catch {
        // Not listening yet, or already gone: the exit handler decides.
      }
      try {
        // Poll quickly until k6 runs (the drill waits for it), then at the normal pace.
        await clock.sleep(readySettled ? (opts.statusPollMs ?? 1000) : 50, watchStop.signal);
      } catch {
        return;
      }
    }
  })();

  const stopper = new K6Stopper({
    child,
    rest,
    sink,
    clock,
    exit,
    exited,
    stopGraceMs: opts.stopGraceMs ?? prepared.gracefulStopMs + 15_000,
    killAfterMs: opts.killAfterMs ?? prepared.gracefulStopMs + 30_000,
  });
  const doStop = (reason: string) => stopper.stop(reason);

  const onAbort = () => void doStop(`aborted: ${String(opts.signal?.reason ?? 'signal')}`);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const limitMs =
    prepared.durationMs !== null
      ? prepared.durationMs + prepared.gracefulStopMs + 60_000
      : (opts.maxDurationMs ?? null);
  const limitAc = new AbortController();
  if (limitMs !== null) {
    clock.sleep(limitMs, limitAc.signal).then(
      () => void doStop(`k6 ran past its limit of ${formatDurationMs(limitMs)}`),
      () => {},
    );
  }

  const done = (async (): Promise<K6Result> => {
    const ex = await exit;
    markReady(false);
    limitAc.abort();
    watchStop.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    await watch;
    await stopper.stopping;
    await tailer.stop();
    for (const line of splitter.flush()) await handleLine(line);
    output.flush();
    const st = converter.stats;
    const intervalMs =
      prepared.intervalMs ?? estimateIntervalMs(st.samples - st.dropped, st.firstScheduled, st.lastScheduled);
    await writer.finish(
      k6SampleHeader({
        probe,
        intervalMs,
        timeoutMs: prepared.timeoutMs,
        t0: st.firstScheduled ?? startedAt,
        ...(opts.recoveryWindowMs !== undefined ? { recoveryWindowMs: opts.recoveryWindowMs } : {}),
        clock: { source: opts.anchor ? 'monotonic-anchored' : 'wall', driftMs },
      }),
    );
    const summary = await readSummary(summaryPath);
    const info = ex.spawnError
      ? {
          classification: 'crashed' as const,
          resultsUsable: false,
          description: `k6 could not be started: ${ex.spawnError.message}`,
        }
      : classifyK6Exit(ex.code, ex.signal, stopper.reason !== null);
    const result: K6Result = {
      exitCode: ex.code,
      signal: ex.signal,
      ...info,
      thresholds: summary?.thresholds ?? {},
      summary,
      stoppedReason: stopper.reason,
      stoppedWith: stopper.with,
      samples: st.samples,
      failed: st.failed,
      dropped: st.dropped,
      badLines: st.badLines,
      samplesPath,
      rawOutputPath,
      summaryPath,
      lastStatus,
      stderrTail: output.lines,
      bin: prepared.bin,
      version: prepared.info.version,
    };
    reportK6Result(sink, result, st.badLineReasons);
    return result;
  })();

  return {
    pid: child.pid,
    port,
    samplesPath,
    status: () => lastStatus,
    ready,
    stop: async (reason) => {
      await doStop(reason);
      return done;
    },
    done,
  };
}
