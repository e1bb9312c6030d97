/**
 * Parser for k6's `--out json=<file>` output: one JSON object per line, either a `Metric`
 * declaration or a `Point`. The format is tolerant on purpose: key order is not relied on, the
 * legacy `tainted` field and a missing `data.name` are accepted, `tags` may be null.
 */

export interface K6MetricLine {
  type: 'Metric';
  metric: string;
  data: {
    name?: string;
    type: 'counter' | 'gauge' | 'trend' | 'rate' | string;
    contains?: string;
    /** Threshold sources; an object when `abortOnFail` is set. */
    thresholds?: (string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string | null })[] | null;
    submetrics?: { name: string; suffix?: string; tags?: Record<string, string> }[] | null;
    tainted?: unknown;
  };
}

export interface K6PointLine {
  type: 'Point';
  metric: string;
  data: {
    /** RFC 3339 with up to nanoseconds and a zone offset; the sample's END time for HTTP metrics. */
    time: string;
    value: number;
    tags: Record<string, string> | null;
    metadata?: Record<string, string>;
  };
}

export type K6Line = K6MetricLine | K6PointLine;

export type ParseLineResult = { ok: true; line: K6Line } | { ok: false; reason: string };

/** Parses one NDJSON line; unknown `type`s and malformed lines are reported, never thrown. */
export function parseK6Line(text: string): ParseLineResult {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null) return { ok: false, reason: 'not an object' };
  const o = v as Record<string, unknown>;
  const data = o.data as Record<string, unknown> | undefined;
  if (typeof o.metric !== 'string' || typeof data !== 'object' || data === null) {
    return { ok: false, reason: 'missing metric or data' };
  }
  if (o.type === 'Metric') {
    if (typeof data.type !== 'string') return { ok: false, reason: 'metric line without data.type' };
    return { ok: true, line: o as unknown as K6MetricLine };
  }
  if (o.type === 'Point') {
    if (typeof data.time !== 'string' || typeof data.value !== 'number') {
      return { ok: false, reason: 'point line without data.time or data.value' };
    }
    if (data.tags !== null && data.tags !== undefined && typeof data.tags !== 'object') {
      return { ok: false, reason: 'point tags are not an object' };
    }
    return { ok: true, line: o as unknown as K6PointLine };
  }
  return { ok: false, reason: `unknown line type ${JSON.stringify(o.type)}` };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 (Go's `time.Time` JSON: nanoseconds, trailing zeros trimmed, any offset) → epoch ms with
 * sub-millisecond precision kept as a fraction. Parsed by hand because `Date.parse` truncates to
 * milliseconds and its handling of more than 3 fractional digits is implementation-defined.
 * Returns NaN when the text is not RFC 3339.
 */
export function rfc3339ToEpochMs(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offMin = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
    ms -= sign * offMin * 60_000;
  }
  return ms;
}

/**
 * Splits a byte stream into complete lines. k6 writes one line per `write`, but a reader can see
 * a line half-written: the unterminated tail is kept until its newline arrives.
 */
export class LineSplitter {
  private tail = '';
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds a chunk; returns the lines it completed (without the newline, empty lines dropped). */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const parts = (this.tail + text).split('\n');
    this.tail = parts.pop() ?? '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.length > 0);
  }

  /** The incomplete last line, if any (a file that ends without a newline). */
  flush(): string[] {
    const rest = this.tail + this.decoder.decode();
    this.tail = '';
    return rest.trim().length > 0 ? [rest] : [];
  }

  /** Bytes-as-text currently held back waiting for a newline. */
  get pending(): string {
    return this.tail;
  }
}
