import type { Sample, SampleError } from '../../run/samples.js';
import { mapK6ErrorCode, neverSent } from './errors-map.js';
import type { K6Line, K6PointLine } from './ndjson.js';
import { rfc3339ToEpochMs } from './ndjson.js';

/** The wall-clock Trend drillproof's generated script records (ms, from iteration start). */
export const WALL_LATENCY_METRIC = 'drillproof_latency';
/** The success Rate drillproof's generated script records. */
export const OK_RATE_METRIC = 'drillproof_ok';

/**
 * Which points become samples:
 * - `wallclock`: one sample per `drillproof_latency` point (generated scripts): latency includes
 *   DNS, connect and TLS, measured from the iteration start.
 * - `http`: one sample per `http_req_duration` point (any script): k6's duration excludes DNS /
 *   connect / TLS blocking, so it under-reports latency when connections are re-established.
 */
export type K6SampleSource = 'wallclock' | 'http';

export interface K6ConvertOptions {
  probe: string;
  source: K6SampleSource;
  /** The request timeout T: the latency recorded for timeouts and dropped iterations. */
  timeoutMs: number;
  /**
   * Subtracted from k6's wall-clock times to place them on the run's anchored timeline (the
   * wall/monotonic drift measured when k6 started). 0 for imports.
   */
  clockOffsetMs?: number;
}

export interface K6ConvertStats {
  lines: number;
  points: number;
  samples: number;
  failed: number;
  dropped: number;
  badLines: number;
  /** First few reasons for bad lines, for people. */
  badLineReasons: string[];
  /** Threshold sources per metric, from the `Metric` lines. */
  thresholds: Record<string, string[]>;
  metrics: string[];
  firstScheduled: number | null;
  lastScheduled: number | null;
}

/**
 * Turns k6 output lines into drillproof samples, in arrival order. Stateful only for `seq`
 * numbering and statistics; one instance per output file.
 */
export class K6SampleConverter {
  private seq = 0;
  readonly stats: K6ConvertStats = {
    lines: 0,
    points: 0,
    samples: 0,
    failed: 0,
    dropped: 0,
    badLines: 0,
    badLineReasons: [],
    thresholds: {},
    metrics: [],
    firstScheduled: null,
    lastScheduled: null,
  };

  constructor(private readonly opts: K6ConvertOptions) {}

  noteBadLine(reason: string): void {
    this.stats.lines++;
    this.stats.badLines++;
    if (this.stats.badLineReasons.length < 5) this.stats.badLineReasons.push(reason);
  }

  /** Converts one parsed line; most lines (other metrics, declarations) yield no sample. */
  convert(line: K6Line): Sample[] {
    this.stats.lines++;
    if (line.type === 'Metric') {
      if (!this.stats.metrics.includes(line.metric)) this.stats.metrics.push(line.metric);
      const th = (line.data.thresholds ?? []).map((t) => (typeof t === 'string' ? t : t.threshold));
      if (th.length > 0) this.stats.thresholds[line.metric] = th;
      return [];
    }
    this.stats.points++;
    const wanted = this.opts.source === 'wallclock' ? WALL_LATENCY_METRIC : 'http_req_duration';
    if (line.metric === wanted) return [this.push(this.requestSample(line))];
    if (line.metric === 'dropped_iterations') return this.droppedSamples(line);
    return [];
  }

  private endMs(p: K6PointLine): number {
    return rfc3339ToEpochMs(p.data.time) - (this.opts.clockOffsetMs ?? 0);
  }

  private requestSample(p: K6PointLine): Sample {
    const tags = p.data.tags ?? {};
    const statusNum = tags.status === undefined ? Number.NaN : Number(tags.status);
    const status = Number.isFinite(statusNum) && statusNum > 0 ? statusNum : null;
    const code = tags.error_code === undefined || tags.error_code === '' ? 0 : Number(tags.error_code);
    const ok = this.isOk(tags, status, code);
    let error: SampleError | null = null;
    if (!ok) error = mapK6ErrorCode(Number.isFinite(code) ? code : 1000, status);
    const measured = Math.max(0, p.data.value);
    const end = this.endMs(p);
    const latencyMs = error === 'timeout' ? Math.max(measured, this.opts.timeoutMs) : measured;
    const sample: Sample = {
      probe: this.opts.probe,
      seq: 0,
      // The point's time is the request END time: the start is end − measured duration.
      scheduled: end - measured,
      ok,
      latencyMs,
      serviceMs: neverSent(error) ? null : measured,
      status,
      error,
    };
    const detail = tags.error;
    if (!ok && detail) sample.detail = detail.slice(0, 200);
    return sample;
  }

  private isOk(tags: Record<string, string>, status: number | null, code: number): boolean {
    if (this.opts.source === 'wallclock' && tags.ok !== undefined) return tags.ok === 'true';
    if (tags.expected_response !== undefined) return tags.expected_response === 'true';
    // No expected_response tag (system tags reduced): k6's default expectation is 200–399.
    return code === 0 && status !== null && status >= 200 && status < 400;
  }

  private droppedSamples(p: K6PointLine): Sample[] {
    const n = Math.max(0, Math.round(p.data.value));
    const at = this.endMs(p);
    const out: Sample[] = [];
    for (let i = 0; i < n; i++) {
      this.stats.dropped++;
      out.push(
        this.push({
          probe: this.opts.probe,
          seq: 0,
          scheduled: at,
          ok: false,
          latencyMs: this.opts.timeoutMs,
          serviceMs: null,
          status: null,
          error: 'late',
          late: true,
          detail: 'k6 dropped the iteration: no free VU (raise maxVUs)',
        }),
      );
    }
    return out;
  }

  private push(s: Sample): Sample {
    s.seq = this.seq++;
    this.stats.samples++;
    if (!s.ok) this.stats.failed++;
    const st = this.stats;
    if (st.firstScheduled === null || s.scheduled < st.firstScheduled) st.firstScheduled = s.scheduled;
    if (st.lastScheduled === null || s.scheduled > st.lastScheduled) st.lastScheduled = s.scheduled;
    return s;
  }
}
