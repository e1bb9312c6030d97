import type { PhaseName } from '../../measurements/types.js';
import type { Evidence } from '../evidence-schema.js';
import type { ProbeSamples } from '../series.js';

/** One phase's latencies with every failure counted at the timeout, in schedule order and ascending, and its ok flags in schedule order. */
export interface PhaseSample {
  ordered: Float64Array;
  sorted: Float64Array;
  ok: Uint8Array;
}
export type PhaseValues = Map<string, Partial<Record<PhaseName, PhaseSample>>>;

const PHASES: PhaseName[] = ['baseline', 'fault', 'recovery', 'all'];

/**
 * The raw values behind each reported percentile: a probe's samples in each phase's exact bounds
 * [startMs, endMs). A phase whose recount differs from the reported count (samples missing or
 * changed) is left out, so it is compared by its reported values only.
 */
export function phaseValues(ev: Evidence, samples: readonly ProbeSamples[]): PhaseValues {
  const out: PhaseValues = new Map();
  for (const data of samples) {
    const pm = ev.measurements.probes[data.header.probe];
    if (!pm) continue;
    const T = pm.timeoutMs;
    const perPhase: Partial<Record<PhaseName, PhaseSample>> = {};
    const inOrder = [...data.samples].sort((x, y) => x.scheduled - y.scheduled);
    for (const ph of PHASES) {
      const st = pm.phases[ph];
      if (st.startMs === null || st.endMs === null || st.scheduled === 0) continue;
      const start = st.startMs;
      const end = st.endMs;
      const vals: number[] = [];
      const ok: number[] = [];
      for (const s of inOrder) {
        if (s.scheduled < start || s.scheduled >= end) continue;
        vals.push(s.ok ? s.latencyMs : T);
        ok.push(s.ok ? 1 : 0);
      }
      if (vals.length !== st.scheduled) continue;
      perPhase[ph] = {
        ordered: Float64Array.from(vals),
        sorted: Float64Array.from(vals).sort(),
        ok: Uint8Array.from(ok),
      };
    }
    out.set(data.header.probe, perPhase);
  }
  return out;
}

/**
 * Per probe, the samples at or after F the engine flagged late (it could not keep the schedule:
 * an overloaded machine). They count as failures, so they can hold a recovery back.
 */
export function lateAfterFault(ev: Evidence, samples: readonly ProbeSamples[]): Map<string, number> {
  const F = ev.measurements.faultAtMs;
  const out = new Map<string, number>();
  for (const data of samples) {
    let n = 0;
    if (F !== null) for (const s of data.samples) if (s.late && s.scheduled >= F) n++;
    out.set(data.header.probe, n);
  }
  return out;
}
