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
  input: string;
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
  let gz: boolean;
  try {
    gz = await isGzip(opts.input);
  } catch (err) {
    throw DrillproofError.user('K6OutputNotFound', `k6 output ${opts.input} cannot be read`, {
      cause: err,
      hint: 'give the file k6 wrote with --out json=<file> (plain or .gz)',
    });
  }
  let source: K6SampleSource = opts.source === 'wallclock' || opts.source === 'http' ? opts.source : 'http';
  if (opts.source === undefined || opts.source === 'auto') {
    for await (const l of lines(opts.input, gz)) {
      if (!l.includes(WALL_LATENCY_METRIC)) continue;
      const p = parseK6Line(l);
      if (p.ok && p.line.type === 'Point' && p.line.metric === WALL_LATENCY_METRIC) {
        source = 'wallclock';
        break;
      }
    }
  }
  const timeoutMs = opts.timeoutMs ?? K6_DEFAULT_TIMEOUT_MS;
  const samplesPath = sampleFilePath(opts.outDir, probe);
  const writer = new K6SampleFileWriter(samplesPath);
  await writer.open();
  const conv = new K6SampleConverter({ probe, source, timeoutMs });
  const hash = createHash('sha256');
  try {
    for await (const l of lines(opts.input, gz, hash)) {
      const p = parseK6Line(l);
      if (!p.ok) {
        conv.noteBadLine(p.reason);
        continue;
      }
      for (const s of conv.convert(p.line)) await writer.write(s);
    }
  } catch (err) {
    throw DrillproofError.user('K6OutputInvalid', `k6 output ${opts.input} cannot be decoded`, {
      cause: err,
      hint: gz ? 'the gzip stream is corrupt or truncated' : 'check that this is k6 --out json output',
    });
  }
  const st = conv.stats;
  if (st.samples === 0) {
    throw DrillproofError.user(
      'K6OutputEmpty',
      `k6 output ${opts.input} has no ${source === 'wallclock' ? WALL_LATENCY_METRIC : 'http_req_duration'} points (${st.lines} lines, ${st.badLines} unreadable)`,
      {
        hint: 'record with k6 run --out json=<file>; a --summary-export file has no per-request data',
      },
    );
  }
  const intervalMs =
    opts.intervalMs ?? estimateIntervalMs(st.samples - st.dropped, st.firstScheduled, st.lastScheduled);
  await writer.finish(k6SampleHeader({ probe, intervalMs, timeoutMs, t0: st.firstScheduled ?? 0 }));
  const result: ImportK6Result = {
    samplesPath,
    source,
    samples: st.samples,
    failed: st.failed,
    dropped: st.dropped,
    lines: st.lines,
    badLines: st.badLines,
    intervalMs,
    timeoutMs,
    t0: st.firstScheduled,
    thresholds: st.thresholds,
    inputSha256: hash.digest('hex'),
  };
  await mkdir(join(opts.outDir, 'k6'), { recursive: true });
  await writeFile(
    join(opts.outDir, 'k6', 'import.json'),
    `${JSON.stringify({ input: basename(opts.input), ...result, samplesPath: `samples/${probe}.ndjson` }, null, 2)}\n`,
  );
  return result;
}
