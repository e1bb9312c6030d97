import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from './files.js';
import { faultTimesFromJournal, readRunJournal } from './journal.js';
import type { Measurements } from './measurements.js';

export type FaultSource = 'flag' | 'journal' | 'fault.json' | 'none';

/** `<run>/fault.json`, written by `drillproof probe` when F is recorded. */
export interface FaultFile {
  faultAt: string;
  faultAtMs: number;
  source: 'key' | 'flag';
}

export function writeFaultFile(runDir: string, faultAtMs: number, source: FaultFile['source']): FaultFile {
  const f: FaultFile = { faultAt: new Date(Math.round(faultAtMs)).toISOString(), faultAtMs, source };
  writeFileSync(join(runDir, RUN_FILES.fault), `${JSON.stringify(f, null, 2)}\n`);
  return f;
}

export function faultFromFile(runDir: string): number | null {
  const path = join(runDir, RUN_FILES.fault);
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

/**
 * F of a run directory: the flag, else the journal's first fault as AWS accepted it (its issued
 * time, kept as `issuedMs`, when no acceptance was recorded; whatever lines of the journal are
 * readable), else fault.json.
 */
export function resolveFaultTime(
  runDir: string,
  flagMs?: number,
): { faultMs: number | null; source: FaultSource; issuedMs?: number } {
  if (flagMs !== undefined) return { faultMs: flagMs, source: 'flag' };
  const j = faultTimesFromJournal(readRunJournal(runDir, { skipBadLines: true }));
  if (j !== null) return { faultMs: j.acceptedMs ?? j.issuedMs, source: 'journal', issuedMs: j.issuedMs };
  const f = faultFromFile(runDir);
  if (f !== null) return { faultMs: f, source: 'fault.json' };
  return { faultMs: null, source: 'none' };
}

export function writeMeasurementsFile(runDir: string, m: Measurements): string {
  const path = join(runDir, RUN_FILES.measurements);
  writeFileSync(path, `${JSON.stringify(m, null, 2)}\n`);
  return path;
}
