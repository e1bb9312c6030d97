import { accessSync, constants, existsSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DrillproofError } from '../errors.js';

/** What one sample line costs on disk, generously (JSON with times, status, error, detail). */
const BYTES_PER_SAMPLE = 300;
/** Reports, journal, evidence and the scenario copy on top of the samples. */
const FIXED_BYTES = 20 * 1024 * 1024;

/** Disk a drill needs in its run directory: its samples at the probes' rates, twice over, plus the pack. */
export function estimateRunBytes(o: { samplesPerSecond: number; durationMs: number }): number {
  return Math.ceil(o.samplesPerSecond * (o.durationMs / 1000) * BYTES_PER_SAMPLE * 2) + FIXED_BYTES;
}

function unusable(runDir: string, why: string, hint: string): DrillproofError {
  return DrillproofError.user('RunDirUnusable', `run directory ${runDir}: ${why}; nothing was run`, {
    exitCode: 2,
    hint,
    details: { runDir },
  });
}

/** The nearest existing ancestor of `p` (where the directory would be created). */
function existingAncestor(p: string): string {
  let d = p;
  while (!existsSync(d)) {
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return d;
}

/**
 * Before anything runs: the run directory must be absent or an empty directory, writable, on a
 * file system with room for `neededBytes`. A drill never writes into a directory holding other
 * files (it would overwrite them), and never finds out mid-fault that it cannot write.
 * @throws DrillproofError `RunDirUnusable` (exit 2)
 */
export function checkRunDir(runDir: string, neededBytes: number): void {
  if (existsSync(runDir)) {
    const st = statSync(runDir);
    if (!st.isDirectory())
      throw unusable(runDir, 'exists and is not a directory', 'give --out a new directory, or remove the file');
    if (readdirSync(runDir).length > 0)
      throw unusable(
        runDir,
        'exists and is not empty',
        'give --out a new or empty directory; a run never writes over other files',
      );
  }
  const base = existingAncestor(runDir);
  if (!statSync(base).isDirectory())
    throw unusable(runDir, `${base} is a file, so the directory cannot be created`, 'choose another path for --out');
  try {
    accessSync(base, constants.W_OK | constants.X_OK);
  } catch {
    throw unusable(runDir, `${base} is not writable`, 'choose a directory you may write to, or fix its permissions');
  }
  const fs = statfsSync(base);
  const free = fs.bavail * fs.bsize;
  if (free < neededBytes) {
    const mb = (n: number) => `${Math.ceil(n / 1024 / 1024)} MB`;
    throw unusable(
      runDir,
      `${mb(free)} free on its file system, the drill needs about ${mb(neededBytes)}`,
      'free some space or write the run elsewhere with --out',
    );
  }
}
