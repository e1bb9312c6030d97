import { computeRto } from '../../measurements/rto.js';
import { seriesFromSamples } from '../../measurements/series.js';
import type { PhaseName } from '../../run/measurements.js';
import type { Sample } from '../../run/samples.js';
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
 * Per probe: the samples at or after F the engine could not send on time (`error: "late"`: an
 * overloaded machine, not the target), and the RTO recomputed by the measurement core with those
 * samples set aside instead of counted as failed. A late sample counts as failed (it cannot show
 * the target was up), so it can hold a recovery back; the second figure says whether it did.
 */
export interface LateInfo {
  count: number;
  rtoWithoutLateSeconds: number | null;
}

export function lateAfterFault(ev: Evidence, samples: readonly ProbeSamples[]): Map<string, LateInfo> {
  const F = ev.measurements.faultAtMs;
  const out = new Map<string, LateInfo>();
  for (const data of samples) {
    const pm = ev.measurements.probes[data.header.probe];
    if (F === null || !pm?.rto) continue;
    const late = (s: Sample) => s.error === 'late' && s.scheduled >= F;
    const count = data.samples.filter(late).length;
    let rtoWithoutLateSeconds: number | null = pm.rto.seconds;
    if (count > 0) {
      const series = seriesFromSamples(
        { ...data.header, recoveryWindowMs: pm.rto.windowSeconds * 1000 },
        data.samples.filter((s) => !late(s)),
      );
      const endMs = pm.split?.endMs ?? pm.phases.all.endMs ?? undefined;
      rtoWithoutLateSeconds = computeRto(series, F, endMs === undefined ? {} : { endMs }).result.seconds;
    }
    out.set(data.header.probe, { count, rtoWithoutLateSeconds });
  }
  return out;
}
