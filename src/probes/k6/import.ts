import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DrillproofError } from '../../errors.js';
import { sampleFilePath } from '../../run/files.js';
import { K6SampleConverter, type K6SampleSource, WALL_LATENCY_METRIC } from './convert.js';
import { LineSplitter, parseK6Line } from './ndjson.js';
import { K6_DEFAULT_TIMEOUT_MS } from './prepare.js';
import { estimateIntervalMs, K6SampleFileWriter, k6SampleHeader } from './sample-file.js';

export interface ImportK6Options {
  /** A k6 `--out json=` file, plain or gzipped. */
  input?: string;
  /**
   * Several runners' files (k6 operator parallel runs, or any set of `--out json` files): merged
   * onto one timeline by their wall-clock times, each sample keeping its runner's name.
   */
  inputs?: readonly string[];
  /** Output directory: samples go to `<outDir>/samples/<probe>.ndjson`. */
  outDir: string;
  probe?: string;
  /** The scripts' request timeout T (failures are counted at T); default 60s, k6's default. */
  timeoutMs?: number;
  /** Δ; default: the mean spacing of request starts. */
  intervalMs?: number;
  /** Which points become samples; `auto` picks drillproof's wall-clock Trend when the file has it. */
  source?: K6SampleSource | 'auto';
}

export interface ImportK6Result {
  samplesPath: string;
  source: K6SampleSource;
  samples: number;
  failed: number;
  dropped: number;
  lines: number;
  badLines: number;
  intervalMs: number;
  timeoutMs: number;
  t0: number | null;
  thresholds: Record<string, string[]>;
  inputSha256: string;
  /** One entry per input file, in the order given. */
  runners: RunnerStats[];
}

export interface RunnerStats {
  runner: string;
  file: string;
  sha256: string;
  samples: number;
  failed: number;
  dropped: number;
  badLines: number;
  firstScheduled: number | null;
  lastScheduled: number | null;
}

/** A runner's name from its file: `k6-runner-2.json.gz` → `k6-runner-2`; repeated names get a suffix. */
export function runnerNames(files: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base =
      basename(f)
        .replace(/\.gz$/, '')
        .replace(/\.(nd)?json$/, '') || 'runner';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Streams the lines of a plain or gzipped file, hashing the bytes as stored. */
async function* lines(path: string, gz: boolean, hash?: ReturnType<typeof createHash>): AsyncGenerator<string> {
  const raw = createReadStream(path);
  if (hash) raw.on('data', (c) => hash.update(c as Buffer));
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const split = new LineSplitter();
  for await (const chunk of stream) yield* split.push(chunk as Buffer);
  yield* split.flush();
}

/**
 * Converts a k6 JSON output file recorded elsewhere (e.g. during a manual failover) into a
 * drillproof sample store that `drillproof analyze` reads.
 */
export async function importK6Output(opts: ImportK6Options): Promise<ImportK6Result> {
  const probe = opts.probe ?? 'k6';
  const files = opts.inputs?.length ? [...opts.inputs] : opts.input ? [opts.input] : [];
  if (files.length === 0)
    throw DrillproofError.user('K6OutputNotFound', 'no k6 output file given', {
      hint: 'give the file(s) k6 wrote with --out json=<file>',
    });
  const multi = files.length > 1;
  const names = runnerNames(files);
  const gz: boolean[] = [];
  for (const f of files) {
    try {
      gz.push(await isGzip(f));
    } catch (err) {
      throw DrillproofError.user('K6OutputNotFound', `k6 output ${f} cannot be read`, {
        cause: err,
        hint: 'give the file k6 wrote with --out json=<file> (plain or .gz)',
      });
    }
  }
  // One kind of point for every runner: the wall-clock Trend when any runner's script has it.
  let source: K6SampleSource = opts.source === 'wallclock' || opts.source === 'http' ? opts.source : 'http';
  if (opts.source === undefined || opts.source === 'auto') {
    search: for (const [i, f] of files.entries()) {
      for await (const l of lines(f, gz[i] as boolean)) {
        if (!l.includes(WALL_LATENCY_METRIC)) continue;
        const p = parseK6Line(l);
        if (p.ok && p.line.type === 'Point' && p.line.metric === WALL_LATENCY_METRIC) {
          source = 'wallclock';
          break search;
        }
      }
    }
  }
  const timeoutMs = opts.timeoutMs ?? K6_DEFAULT_TIMEOUT_MS;
  const samplesPath = sampleFilePath(opts.outDir, probe);
  const writer = new K6SampleFileWriter(samplesPath);
  await writer.open();
  const runners: RunnerStats[] = [];
  const totals = { samples: 0, failed: 0, dropped: 0, lines: 0, badLines: 0 };
  let first: number | null = null;
  let last: number | null = null;
  const thresholds: Record<string, string[]> = {};
  const all = createHash('sha256');
  for (const [i, file] of files.entries()) {
    const conv = new K6SampleConverter({ probe, source, timeoutMs });
    const hash = createHash('sha256');
    const runner = names[i] as string;
    try {
      for await (const l of lines(file, gz[i] as boolean, hash)) {
        const p = parseK6Line(l);
        if (!p.ok) {
          conv.noteBadLine(p.reason);
          continue;
        }
        for (const smp of conv.convert(p.line)) await writer.write(multi ? { ...smp, runner } : smp);
      }
    } catch (err) {
      throw DrillproofError.user('K6OutputInvalid', `k6 output ${file} cannot be decoded`, {
        cause: err,
        hint: gz[i] ? 'the gzip stream is corrupt or truncated' : 'check that this is k6 --out json output',
      });
    }
    const st = conv.stats;
    const sha = hash.digest('hex');
    all.update(sha);
    runners.push({
      runner,
      file: basename(file),
      sha256: sha,
      samples: st.samples,
      failed: st.failed,
      dropped: st.dropped,
      badLines: st.badLines,
      firstScheduled: st.firstScheduled,
      lastScheduled: st.lastScheduled,
    });
    totals.samples += st.samples;
    totals.failed += st.failed;
    totals.dropped += st.dropped;
    totals.lines += st.lines;
    totals.badLines += st.badLines;
    if (st.firstScheduled !== null && (first === null || st.firstScheduled < first)) first = st.firstScheduled;
    if (st.lastScheduled !== null && (last === null || st.lastScheduled > last)) last = st.lastScheduled;
    Object.assign(thresholds, st.thresholds);
  }
  const empty = runners.filter((r) => r.samples === 0);
  if (totals.samples === 0 || (multi && empty.length)) {
    throw DrillproofError.user(
      'K6OutputEmpty',
      `k6 output ${(multi ? empty.map((r) => r.file) : files).join(', ')} has no ${source === 'wallclock' ? WALL_LATENCY_METRIC : 'http_req_duration'} points (${totals.lines} lines, ${totals.badLines} unreadable)`,
      {
        hint: 'record with k6 run --out json=<file>; a --summary-export file has no per-request data',
      },
    );
  }
  // Δ of the merged load: the mean spacing of all runners' request starts together.
  const intervalMs = opts.intervalMs ?? estimateIntervalMs(totals.samples - totals.dropped, first, last);
  await writer.finish(k6SampleHeader({ probe, intervalMs, timeoutMs, t0: first ?? 0 }));
  const result: ImportK6Result = {
    samplesPath,
    source,
    samples: totals.samples,
    failed: totals.failed,
    dropped: totals.dropped,
    lines: totals.lines,
    badLines: totals.badLines,
    intervalMs,
    timeoutMs,
    t0: first,
    thresholds,
    // One file: the digest of its bytes; several: the digest of their digests, in the order given.
    inputSha256: multi ? all.digest('hex') : (runners[0]?.sha256 as string),
    runners,
  };
  await mkdir(join(opts.outDir, 'k6'), { recursive: true });
  await writeFile(
    join(opts.outDir, 'k6', 'import.json'),
    `${JSON.stringify({ input: files.map((f) => basename(f)).join(', '), ...result, samplesPath: `samples/${probe}.ndjson` }, null, 2)}\n`,
  );
  return result;
}
