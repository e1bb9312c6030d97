import { basename, join } from 'node:path';

/**
 * The names of the files in a run directory. Every layer that reads or writes a run directory
 * takes them from here (docs/evidence-format.md lists what each holds).
 */
export const RUN_FILES = {
  /** The write-ahead journal: one JSON entry per line, fsynced (journal-types.ts). */
  journal: 'journal.ndjson',
  /** The run record the evidence is built from (record.ts). */
  record: 'run.json',
  /** Every measurement, recomputable from the samples and the journal (measurements.ts). */
  measurements: 'measurements.json',
  /** F recorded by `drillproof probe` when no journal exists (fault-file.ts). */
  fault: 'fault.json',
  /** The machine-readable result of the evidence pack. */
  evidence: 'evidence.json',
  /** Sample files and heartbeat read-backs (samples.ts). */
  samplesDir: 'samples',
} as const;

export function journalPath(runDir: string): string {
  return join(runDir, RUN_FILES.journal);
}

export function samplesDir(runDir: string): string {
  return join(runDir, RUN_FILES.samplesDir);
}

/** `<run>/samples/<probe>.ndjson` (gzipped to `.ndjson.gz` when the probe stops). */
export function sampleFilePath(runDir: string, probe: string): string {
  return join(samplesDir(runDir), `${probe}.ndjson`);
}

/**
 * `<run>/samples/<probe>.readback.json` after a failover (rows read back from the new primary),
 * `<probe>.restore.readback.json` for a restore (rows read back from the restored copy).
 */
export function readbackFilePath(runDir: string, probe: string, kind: 'failover' | 'restore' = 'failover'): string {
  return join(samplesDir(runDir), `${probe}${kind === 'restore' ? '.restore' : ''}.readback.json`);
}

/** The scenario as run: `scenario.yaml` (or the extension the file had). */
export function scenarioCopyName(scenarioPath: string): string {
  const b = basename(scenarioPath);
  const i = b.lastIndexOf('.');
  return `scenario${i > 0 ? b.slice(i) : '.yaml'}`;
}
