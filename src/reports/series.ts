import type { ProbeSamples } from '../run/sample-reader.js';

/**
 * Chart data: a probe's samples reduced to one bucket per pixel column. Each bucket keeps the
 * min and max latency and the failure count, so a single failed sample among thousands (or a
 * one-second outage in an hour-long run) stays visible after downsampling.
 */
export interface SeriesBucket {
  /** Epoch ms bounds [t0, t1). */
  t0: number;
  t1: number;
  n: number;
  ok: number;
  failed: number;
  /** Latency range over ok samples; null when the bucket has none. */
  okMinMs: number | null;
  okMaxMs: number | null;
}

export interface ProbeSeries {
  probe: string;
  kind: string;
  intervalMs: number;
  timeoutMs: number;
  startMs: number;
  endMs: number;
  buckets: SeriesBucket[];
  /** Largest ok latency, for the y axis. */
  maxOkMs: number;
  samples: number;
}

export type { ProbeSamples };

export function buildSeries(data: ProbeSamples, range: { startMs: number; endMs: number }, buckets = 600): ProbeSeries {
  const { header, samples } = data;
  const span = Math.max(1, range.endMs - range.startMs);
  const width = span / buckets;
  const out: SeriesBucket[] = Array.from({ length: buckets }, (_, i) => ({
    t0: range.startMs + i * width,
    t1: range.startMs + (i + 1) * width,
    n: 0,
    ok: 0,
    failed: 0,
    okMinMs: null,
    okMaxMs: null,
  }));
  let maxOkMs = 0;
  for (const s of samples) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor((s.scheduled - range.startMs) / width)));
    const b = out[i] as SeriesBucket;
    b.n++;
    if (s.ok) {
      b.ok++;
      b.okMinMs = b.okMinMs === null ? s.latencyMs : Math.min(b.okMinMs, s.latencyMs);
      b.okMaxMs = b.okMaxMs === null ? s.latencyMs : Math.max(b.okMaxMs, s.latencyMs);
      if (s.latencyMs > maxOkMs) maxOkMs = s.latencyMs;
    } else {
      b.failed++;
    }
  }
  return {
    probe: header.probe,
    kind: header.kind,
    intervalMs: header.intervalMs,
    timeoutMs: header.timeoutMs,
    startMs: range.startMs,
    endMs: range.endMs,
    buckets: out,
    maxOkMs,
    samples: samples.length,
  };
}

/** The time range every chart of a run shares: first to last scheduled sample of any probe. */
export function seriesRange(all: readonly ProbeSamples[]): { startMs: number; endMs: number } | null {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const d of all) {
    for (const s of d.samples) {
      if (s.scheduled < start) start = s.scheduled;
      const e = s.scheduled + d.header.intervalMs;
      if (e > end) end = e;
    }
  }
  return Number.isFinite(start) && Number.isFinite(end) ? { startMs: start, endMs: end } : null;
}
