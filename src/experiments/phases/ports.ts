import type { RunWrites } from '../../run/disk.js';
import type { JournalEntry } from '../../run/journal-types.js';
import type { Measurements, ObjectiveVerdict } from '../../run/measurements.js';
import type { RunRecord } from '../../run/record.js';
import type { Sample } from '../../run/samples.js';
import type { AnchoredClock } from '../../util/clock.js';
import type { DbAccess } from '../faults/types.js';
import type { DrillScenario } from './drill-input.js';

/** A running set of probes (and optional load). Probes only emit samples. */
export interface ProbeSession {
  /** Every sample of every probe, as produced (also written to `samples/*.ndjson`). */
  onSample(listener: (s: Sample) => void): void;
  /** Probe intervals by name, ms (for steady-state and recovery checks). */
  intervals(): Record<string, number>;
  /** Stops scheduling, settles in-flight requests, runs heartbeat read-backs, closes files. */
  stop(): Promise<void>;
}

/**
 * The collaborators of the engine that live in other modules (probes, measurements, evidence).
 * Injected, so the engine is tested without them and the CLI wires the real ones.
 */
export interface DrillPorts {
  startProbes(i: {
    scenario: DrillScenario;
    runDir: string;
    runId: string;
    timeline: AnchoredClock;
    /** Aborted when the drill aborts (guardrail, signal): load generators stop at once. */
    signal?: AbortSignal;
    /** The run's write channel: a sample write that fails is reported there (and aborts the drill). */
    writes?: RunWrites;
  }): Promise<ProbeSession>;
  analyze(i: {
    runDir: string;
    scenario: DrillScenario;
    journal: JournalEntry[];
  }): Promise<{ measurements: Measurements; objectives: ObjectiveVerdict[] }>;
  /** Writes the evidence (at least evidence.json); returns the files written. */
  writeEvidence(runDir: string, record: RunRecord): Promise<string[]>;
  /** Database access with the scenario's heartbeat probe credentials (restore verification). */
  dbAccess?(scenario: DrillScenario, runId: string): DbAccess | undefined;
}
