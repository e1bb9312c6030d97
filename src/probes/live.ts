import * as hdr from 'hdr-histogram-js';
import type { Sample } from '../run/samples.js';

/** Live figures of one probe, for the TTY view and progress lines (never for reported numbers). */
export interface LiveProbeStats {
  probe: string;
  /** Samples completed per second over the last window. */
  ratePerSecond: number;
  /** ok / completed over the last window (null when nothing completed). */
  okRatio: number | null;
  /** P95 latency of the last window from an HDR histogram (3 significant digits), ms. */
  p95Ms: number | null;
  /** Epoch ms of the first failed sample of the current failure run, or null when up. */
  outageSinceMs: number | null;
  completed: number;
  failed: number;
}

const BUCKET_MS = 1000;
export const LIVE_WINDOW_MS = 10_000;
const N_BUCKETS = LIVE_WINDOW_MS / BUCKET_MS;
/** Samples kept for error-rate windows (guardrails). */
const MAX_RATE_WINDOW_MS = 120_000;

function newHistogram(): hdr.Histogram {
  // Microseconds as integers: hdr-histogram-js truncates fractions.
  return hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, autoResize: true });
}

/**
 * Rolling per-second buckets over the last 10 s (by scheduled time) with an HDR histogram each,
 * plus the recent (scheduled, ok) pairs for error-rate windows.
 */
export class LiveProbeWindow {
  private readonly buckets: { key: number; count: number; ok: number; hist: hdr.Histogram }[] = [];
  private readonly scratch = newHistogram();
  private recentT: number[] = [];
  private recentOk: boolean[] = [];
  private recentHead = 0;
  private maxSeq = -1;
  private outageSince: number | null = null;
  completed = 0;
  failed = 0;

  /** `t0`: schedule origin, so the rate is right during the first 10 s too. */
  constructor(
    readonly probe: string,
    private readonly t0 = Number.NEGATIVE_INFINITY,
  ) {
    for (let i = 0; i < N_BUCKETS; i++) this.buckets.push({ key: -1, count: 0, ok: 0, hist: newHistogram() });
  }

  record(s: Sample): void {
    this.completed++;
    if (!s.ok) this.failed++;
    const key = Math.floor(s.scheduled / BUCKET_MS);
    const b = this.buckets[key % N_BUCKETS] as (typeof this.buckets)[number];
    if (b.key !== key) {
      if (key < b.key) return;
      b.key = key;
      b.count = 0;
      b.ok = 0;
      b.hist.reset();
    }
    b.count++;
    if (s.ok) b.ok++;
    b.hist.recordValue(Math.max(0, Math.round(s.latencyMs * 1000)));
    this.recentT.push(s.scheduled);
    this.recentOk.push(s.ok);
    if (this.recentT.length % 1024 === 0) this.prune(s.scheduled);
    if (s.seq > this.maxSeq) {
      this.maxSeq = s.seq;
      if (s.ok) this.outageSince = null;
      else if (this.outageSince === null) this.outageSince = s.scheduled;
    }
  }

  stats(nowMs: number): LiveProbeStats {
    // The 10 one-second buckets ending with the one that holds the latest instant before now.
    const minKey = Math.floor((nowMs - 1) / BUCKET_MS) - (N_BUCKETS - 1);
    let count = 0;
    let ok = 0;
    this.scratch.reset();
    for (const b of this.buckets) {
      if (b.key < minKey || b.count === 0) continue;
      count += b.count;
      ok += b.ok;
      this.scratch.add(b.hist);
    }
    return {
      probe: this.probe,
      ratePerSecond: count / (Math.max(1, Math.min(LIVE_WINDOW_MS, nowMs - this.t0)) / 1000),
      okRatio: count ? ok / count : null,
      p95Ms: count ? this.scratch.getValueAtPercentile(95) / 1000 : null,
      outageSinceMs: this.outageSince,
      completed: this.completed,
      failed: this.failed,
    };
  }

  /** Failed / completed among samples scheduled in (nowMs − windowMs, nowMs]. */
  errorRate(nowMs: number, windowMs: number): { rate: number | null; samples: number } {
    this.prune(nowMs);
    let n = 0;
    let bad = 0;
    const from = nowMs - windowMs;
    for (let i = this.recentT.length - 1; i >= this.recentHead; i--) {
      const t = this.recentT[i] as number;
      if (t <= from || t > nowMs) continue;
      n++;
      if (!this.recentOk[i]) bad++;
    }
    return { rate: n ? bad / n : null, samples: n };
  }

  private prune(nowMs: number): void {
    const from = nowMs - MAX_RATE_WINDOW_MS;
    while (this.recentHead < this.recentT.length && (this.recentT[this.recentHead] as number) < from) this.recentHead++;
    if (this.recentHead > 4096 && this.recentHead > this.recentT.length / 2) {
      this.recentT = this.recentT.slice(this.recentHead);
      this.recentOk = this.recentOk.slice(this.recentHead);
      this.recentHead = 0;
    }
  }
}
