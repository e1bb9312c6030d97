import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import { DrillproofError } from '../errors.js';
import { samplesDir } from './files.js';
import type { HeartbeatReadback, Sample, SampleFileHeader } from './samples.js';

/** The sample files of a run: `<name>.ndjson` or `<name>.ndjson.gz` (the plain one wins if both). */
export function listSampleFiles(runDir: string): { probe: string; path: string }[] {
  const dir = samplesDir(runDir);
  if (!existsSync(dir)) return [];
  const byProbe = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const m = /^(.+)\.ndjson(\.gz)?$/.exec(f);
    if (!m) continue;
    const probe = m[1] as string;
    if (!m[2] || !byProbe.has(probe)) byProbe.set(probe, join(dir, f));
  }
  return [...byProbe].map(([probe, path]) => ({ probe, path }));
}

export interface SampleFileStats {
  /** Lines that did not parse (a torn last line after a crash, or a truncated gzip). */
  badLines: number;
  /** The last line was one of them: what a crash mid-write leaves, unlike damage inside the file. */
  lastLineBad: boolean;
  truncated: boolean;
}

/**
 * Reads a sample file line by line (plain or gzipped), calling `onSample` for every complete
 * sample line. A torn last line or a gzip cut short by a crash ends the read without an error:
 * everything before it is kept.
 */
export async function readSampleFile(
  path: string,
  onHeader: (h: SampleFileHeader) => void,
  onSample: (s: Sample) => void,
): Promise<SampleFileStats> {
  const stats: SampleFileStats = { badLines: 0, lastLineBad: false, truncated: false };
  if (!existsSync(path)) {
    throw DrillproofError.user('SamplesNotFound', `sample file ${path} does not exist`);
  }
  const file = createReadStream(path);
  // Z_SYNC_FLUSH: a gzip cut short (crash while compressing) yields what it holds instead of an error.
  const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const input = path.endsWith('.gz') ? file.pipe(gunzip) : file;
  let streamError: unknown = null;
  const onError = (err: unknown) => {
    streamError = err;
    stats.truncated = true;
  };
  gunzip.on('error', onError);
  file.on('error', onError);
  const rl = createInterface({ input, crlfDelay: Infinity });
  let sawHeader = false;
  for await (const line of rl) {
    if (line.length === 0) continue;
    let obj: Record<string, unknown>;
    stats.lastLineBad = false;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      stats.badLines++;
      stats.lastLineBad = true;
      continue;
    }
    if (obj.type === 'header') {
      sawHeader = true;
      onHeader(obj as unknown as SampleFileHeader);
      continue;
    }
    if (typeof obj.seq !== 'number' || typeof obj.scheduled !== 'number' || typeof obj.ok !== 'boolean') {
      stats.badLines++;
      continue;
    }
    onSample(obj as unknown as Sample);
  }
  if (streamError) stats.truncated = true;
  if (!sawHeader) {
    throw DrillproofError.user('SamplesInvalid', `sample file ${path} has no header line`, {
      hint: 'sample files start with a {"type":"header",...} line written by drillproof probes',
    });
  }
  return stats;
}

/** A whole sample file in memory (charts of the report): its header and samples in file order. */
export interface ProbeSamples {
  header: SampleFileHeader;
  samples: Sample[];
}

/**
 * Reads a whole sample file into memory. Stricter than `readSampleFile`: a damaged line inside
 * the file is an error (only a torn last line, what a crash leaves, is tolerated).
 * @throws DrillproofError `RunFileCorrupt`, `SamplesInvalid`, `SamplesNotFound`
 */
export async function readProbeSamples(path: string): Promise<ProbeSamples> {
  let header: SampleFileHeader | undefined;
  const samples: Sample[] = [];
  const stats = await readSampleFile(
    path,
    (h) => {
      header ??= h;
    },
    (s) => samples.push(s),
  );
  if (stats.badLines > (stats.lastLineBad ? 1 : 0)) {
    throw DrillproofError.user('RunFileCorrupt', `${path}: ${stats.badLines} line(s) are not sample JSON lines`);
  }
  return { header: header as SampleFileHeader, samples };
}

/** The heartbeat read-backs of a run (`samples/*.readback.json`), in file name order. */
export function readReadbacks(runDir: string): HeartbeatReadback[] {
  const dir = samplesDir(runDir);
  if (!existsSync(dir)) return [];
  const out: HeartbeatReadback[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.readback.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as HeartbeatReadback);
    } catch (cause) {
      throw DrillproofError.user('ReadbackInvalid', `heartbeat read-back ${join(dir, f)} is not valid json`, { cause });
    }
  }
  return out;
}
