import { createReadStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DrillproofError } from '../errors.js';
import { listSampleFiles, readSampleFile, type SampleFileStats } from '../probes/read.js';
import type { HeartbeatReadback, SampleFileHeader } from '../probes/sample.js';
import { samplesDir } from '../probes/store.js';
import { type ComputeInput, computeMeasurements } from './compute.js';
import { type ProbeSeries, SeriesBuilder } from './series.js';
import type { Measurements } from './types.js';

export type FaultSource = 'flag' | 'journal' | 'fault.json' | 'none';

/** `<run>/fault.json`, written by `drillproof probe` when F is recorded. */
export interface FaultFile {
  faultAt: string;
  faultAtMs: number;
  source: 'key' | 'flag';
}

export function writeFaultFile(runDir: string, faultAtMs: number, source: FaultFile['source']): FaultFile {
  const f: FaultFile = { faultAt: new Date(Math.round(faultAtMs)).toISOString(), faultAtMs, source };
  writeFileSync(join(runDir, 'fault.json'), `${JSON.stringify(f, null, 2)}\n`);
  return f;
}

/** F from the first `fault.requested` entry of the journal (tolerates a torn last line). */
export async function faultFromJournal(runDir: string): Promise<number | null> {
  const path = join(runDir, 'journal.ndjson');
  if (!existsSync(path)) return null;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    let e: { kind?: unknown; t?: unknown; time?: unknown };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (e.kind !== 'fault.requested') continue;
    rl.close();
    if (typeof e.t === 'number') return e.t;
    if (typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time))) return Date.parse(e.time);
    return null;
  }
  return null;
}

export function faultFromFile(runDir: string): number | null {
  const path = join(runDir, 'fault.json');
  if (!existsSync(path)) return null;
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as Partial<FaultFile>;
    if (typeof f.faultAtMs === 'number') return f.faultAtMs;
    if (typeof f.faultAt === 'string' && !Number.isNaN(Date.parse(f.faultAt))) return Date.parse(f.faultAt);
  } catch {
    // fall through: an unreadable fault.json is reported as "no fault time"
  }
  return null;
}

/** F: the flag, else the journal's first fault.requested, else fault.json. */
export async function resolveFaultTime(
  runDir: string,
  flagMs?: number,
): Promise<{ faultMs: number | null; source: FaultSource }> {
  if (flagMs !== undefined) return { faultMs: flagMs, source: 'flag' };
  const j = await faultFromJournal(runDir);
  if (j !== null) return { faultMs: j, source: 'journal' };
  const f = faultFromFile(runDir);
  if (f !== null) return { faultMs: f, source: 'fault.json' };
  return { faultMs: null, source: 'none' };
}

export interface LoadedRun {
  series: ProbeSeries[];
  headers: SampleFileHeader[];
  readbacks: HeartbeatReadback[];
  files: ({ probe: string; path: string } & SampleFileStats)[];
}

/** Reads every sample file (plain or gzipped, torn last line tolerated) and read-back of a run. */
export async function loadRunSamples(runDir: string): Promise<LoadedRun> {
  const list = listSampleFiles(runDir);
  if (list.length === 0) {
    throw DrillproofError.user('SamplesNotFound', `no sample files in ${samplesDir(runDir)}`, {
      hint: 'point analyze at a run directory written by `drillproof probe` or `drillproof run`',
    });
  }
  const series: ProbeSeries[] = [];
  const headers: SampleFileHeader[] = [];
  const files: LoadedRun['files'] = [];
  for (const f of list) {
    let builder: SeriesBuilder | null = null;
    let header: SampleFileHeader | null = null;
    const stats = await readSampleFile(
      f.path,
      (h) => {
        header ??= h;
        builder ??= new SeriesBuilder(h);
      },
      (s) => builder?.add(s),
    );
    if (builder && header) {
      series.push((builder as SeriesBuilder).build());
      headers.push(header);
    }
    files.push({ ...f, ...stats });
  }
  const readbacks: HeartbeatReadback[] = [];
  const dir = samplesDir(runDir);
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.readback.json')) continue;
    try {
      readbacks.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as HeartbeatReadback);
    } catch (cause) {
      throw DrillproofError.user('ReadbackInvalid', `heartbeat read-back ${join(dir, f)} is not valid json`, { cause });
    }
  }
  return { series, headers, readbacks, files };
}

export interface AnalyzeOptions extends Omit<ComputeInput, 'series' | 'readbacks' | 'faultMs'> {
  /** F from --fault-at (epoch ms); otherwise journal, then fault.json. */
  faultAtMs?: number;
}

export interface AnalyzeResult {
  measurements: Measurements;
  faultSource: FaultSource;
  run: LoadedRun;
}

/** Recomputes every measurement of a run directory from its raw files. */
export async function analyzeRunDir(runDir: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const run = await loadRunSamples(runDir);
  const { faultMs, source } = await resolveFaultTime(runDir, opts.faultAtMs);
  const { faultAtMs: _f, ...rest } = opts;
  const measurements = computeMeasurements({ ...rest, series: run.series, readbacks: run.readbacks, faultMs });
  return { measurements, faultSource: source, run };
}

export function writeMeasurementsFile(runDir: string, m: Measurements): string {
  const path = join(runDir, 'measurements.json');
  writeFileSync(path, `${JSON.stringify(m, null, 2)}\n`);
  return path;
}

/** `--fault-at`: RFC 3339 (with a zone) or epoch milliseconds; undefined when it is neither. */
export function parseTimeArg(text: string): number | undefined {
  const s = text.trim();
  if (/^\d{10,}(\.\d+)?$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
