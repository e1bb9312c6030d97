import type { ProbeKind, Sample, SampleFileHeader, SampleMeaning } from '../run/samples.js';

/** Write outcome codes stored per sample of a heartbeat probe. */
export const WRITE_NONE = 0;
export const WRITE_ACKNOWLEDGED = 1;
export const WRITE_INDETERMINATE = 2;

/**
 * One probe's samples in columns (typed arrays), sorted by scheduled time: about 30 bytes per
 * sample, so a million samples fit in ~30 MB. Every measurement is a pure function of this.
 */
export interface ProbeSeries {
  name: string;
  kind: ProbeKind | string;
  intervalMs: number;
  timeoutMs: number;
  recoveryWindowMs?: number;
  /** What the samples stand for, from the file header (see `meaningOf` in src/run/samples.ts). */
  measures?: SampleMeaning;
  t0: number;
  n: number;
  seq: Float64Array;
  scheduled: Float64Array;
  latencyMs: Float64Array;
  ok: Uint8Array;
  /** WRITE_* per sample (heartbeat probes). */
  write: Uint8Array;
  /** sent_at epoch ms of the write (NaN when none). */
  sentAt: Float64Array;
  /** Samples flagged late / overflow (engine-limited). */
  late: number;
}

export type SeriesHeader = Pick<SampleFileHeader, 'probe' | 'kind' | 'intervalMs' | 'timeoutMs' | 't0'> & {
  recoveryWindowMs?: number;
  measures?: SampleMeaning;
};

/**
 * Collects samples arriving in any order (files are in completion order) into columns indexed by
 * seq, then compacts them: O(n), no comparison sort. A seq seen twice keeps the last line.
 */
export class SeriesBuilder {
  private cap = 1024;
  private maxSeq = -1;
  private present = new Uint8Array(this.cap);
  private scheduled = new Float64Array(this.cap);
  private latency = new Float64Array(this.cap);
  private ok = new Uint8Array(this.cap);
  private write = new Uint8Array(this.cap);
  private sentAt = new Float64Array(this.cap);
  private late = 0;

  constructor(private readonly header: SeriesHeader) {}

  add(s: Sample): void {
    const i = s.seq;
    if (!Number.isInteger(i) || i < 0) return;
    if (i >= this.cap) this.grow(i + 1);
    if (i > this.maxSeq) this.maxSeq = i;
    this.present[i] = 1;
    this.scheduled[i] = s.scheduled;
    this.latency[i] = s.latencyMs;
    this.ok[i] = s.ok ? 1 : 0;
    this.write[i] = s.write ? (s.write.outcome === 'acknowledged' ? WRITE_ACKNOWLEDGED : WRITE_INDETERMINATE) : 0;
    this.sentAt[i] = s.write ? s.write.sentAt : Number.NaN;
    if (s.late) this.late++;
  }

  private grow(min: number): void {
    let cap = this.cap;
    while (cap < min) cap *= 2;
    const g = <T extends Float64Array | Uint8Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(cap);
      b.set(a);
      return b;
    };
    this.present = g(this.present, Uint8Array);
    this.scheduled = g(this.scheduled, Float64Array);
    this.latency = g(this.latency, Float64Array);
    this.ok = g(this.ok, Uint8Array);
    this.write = g(this.write, Uint8Array);
    this.sentAt = g(this.sentAt, Float64Array);
    this.cap = cap;
  }

  build(): ProbeSeries {
    let n = 0;
    for (let i = 0; i <= this.maxSeq; i++) n += this.present[i] as number;
    const seq = new Float64Array(n);
    const scheduled = new Float64Array(n);
    const latencyMs = new Float64Array(n);
    const ok = new Uint8Array(n);
    const write = new Uint8Array(n);
    const sentAt = new Float64Array(n);
    let k = 0;
    for (let i = 0; i <= this.maxSeq; i++) {
      if (!this.present[i]) continue;
      seq[k] = i;
      scheduled[k] = this.scheduled[i] as number;
      latencyMs[k] = this.latency[i] as number;
      ok[k] = this.ok[i] as number;
      write[k] = this.write[i] as number;
      sentAt[k] = this.sentAt[i] as number;
      k++;
    }
    const h = this.header;
    const out: ProbeSeries = {
      name: h.probe,
      kind: h.kind,
      intervalMs: h.intervalMs,
      timeoutMs: h.timeoutMs,
      t0: h.t0,
      n,
      seq,
      scheduled,
      latencyMs,
      ok,
      write,
      sentAt,
      late: this.late,
    };
    if (h.recoveryWindowMs !== undefined) out.recoveryWindowMs = h.recoveryWindowMs;
    if (h.measures !== undefined) out.measures = h.measures;
    return out;
  }
}

/** Builds a series from in-memory samples (tests, and callers that hold samples already). */
export function seriesFromSamples(header: SeriesHeader, samples: Iterable<Sample>): ProbeSeries {
  const b = new SeriesBuilder(header);
  for (const s of samples) b.add(s);
  return b.build();
}

/** First index whose scheduled time is ≥ t (binary search; n when none). */
export function lowerBound(a: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** End of the observed time range: after the last sample's slot. */
export function seriesEndMs(s: ProbeSeries): number | null {
  return s.n ? (s.scheduled[s.n - 1] as number) + s.intervalMs : null;
}
