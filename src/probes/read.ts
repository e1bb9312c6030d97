import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import { DrillproofError } from '../errors.js';
import type { Sample, SampleFileHeader } from './sample.js';
import { samplesDir } from './store.js';

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
  const stats: SampleFileStats = { badLines: 0, truncated: false };
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
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      stats.badLines++;
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
