import { DrillproofError } from '../../errors.js';
import { type ComputeInput, computeMeasurements } from '../../measurements/compute.js';
import { type ProbeSeries, SeriesBuilder } from '../../measurements/series.js';
import { type FaultSource, resolveFaultTime } from '../../run/fault-file.js';
import { samplesDir } from '../../run/files.js';
import type { Measurements } from '../../run/measurements.js';
import { listSampleFiles, readReadbacks, readSampleFile, type SampleFileStats } from '../../run/sample-reader.js';
import type { HeartbeatReadback, SampleFileHeader } from '../../run/samples.js';

/**
 * Analysis from the files of a run directory (`drillproof analyze`, the drill's analysis phase):
 * the run-directory readers (src/run) feed the pure measurement core (src/measurements).
 */
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
  return { series, headers, readbacks: readReadbacks(runDir), files };
}

export interface AnalyzeOptions extends Omit<ComputeInput, 'series' | 'readbacks' | 'faultMs' | 'faultIssuedMs'> {
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
  const { faultMs, source, issuedMs } = resolveFaultTime(runDir, opts.faultAtMs);
  const { faultAtMs: _f, ...rest } = opts;
  const measurements = computeMeasurements({
    ...rest,
    series: run.series,
    readbacks: run.readbacks,
    faultMs,
    ...(issuedMs === undefined ? {} : { faultIssuedMs: issuedMs }),
  });
  return { measurements, faultSource: source, run };
}

/** `--fault-at`: RFC 3339 (with a zone) or epoch milliseconds; undefined when it is neither. */
export function parseTimeArg(text: string): number | undefined {
  const s = text.trim();
  if (/^\d{10,}(\.\d+)?$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
