import { Pool } from 'undici';
import { classifyNetworkError, errorDetail } from '../../classify.js';
import type { ProbeCommon } from '../../config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from '../../runner.js';
import { Slots } from '../../slots.js';

export interface HttpExpect {
  status: number[];
  bodyContains?: string;
  /** A JavaScript regular expression source, matched against the body. */
  bodyMatches?: string;
  /** Header name (any case) → exact expected value. */
  headers?: Record<string, string>;
}

export interface HttpProbeConfig extends ProbeCommon {
  kind: 'http';
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expect: HttpExpect;
  /** keep-alive: one pooled set of connections; fresh: a new connection (and DNS lookup) per sample. */
  connection: 'keep-alive' | 'fresh';
  /** Response header naming the backend that answered, recorded in the sample. */
  backendHeader?: string;
}

/** Connections of the keep-alive pool; requests beyond wait for one (their latency shows it). */
export const KEEP_ALIVE_CONNECTIONS = 64;
/** Simultaneous connections in fresh mode (one per request). */
export const FRESH_CONNECTIONS = 256;

/**
 * HTTP probe on undici 7. keep-alive: one Pool reused by every sample (what users with pooled
 * connections see, including the one failure per stale socket). fresh: a connection per sample
 * (`reset: true` on a pool without keep-alive), which also re-resolves DNS every time.
 * The deadline is the attempt's AbortSignal (a native timer); undici's own header/body timers
 * tick at about 500 ms, so they are set well above T and only act as backstops.
 */
export class HttpProbe implements ProbeRunner {
  readonly kind = 'http' as const;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly bodyRe: RegExp | null;
  private readonly needBody: boolean;
  private readonly slots: Slots;

  constructor(private readonly cfg: HttpProbeConfig) {
    // Requests wait for a connection here, never in undici's own queue (see Slots).
    this.slots = new Slots(
      Math.min(cfg.maxInFlight, cfg.connection === 'fresh' ? FRESH_CONNECTIONS : KEEP_ALIVE_CONNECTIONS),
    );
    const url = new URL(cfg.url);
    this.path = `${url.pathname}${url.search}`;
    const backstop = cfg.timeoutMs + 1000;
    this.pool = new Pool(url.origin, {
      // A bounded pool, like real clients: without a bound a burst opens a connection per request
      // and a few thousand simultaneous connects overflow the server's accept queue.
      connections: this.slots.limit,
      pipelining: cfg.connection === 'fresh' ? 0 : 1,
      keepAliveTimeout: 4000,
      headersTimeout: backstop,
      bodyTimeout: backstop,
      connect: { timeout: backstop },
    });
    this.bodyRe = cfg.expect.bodyMatches === undefined ? null : new RegExp(cfg.expect.bodyMatches);
    this.needBody = cfg.expect.bodyContains !== undefined || this.bodyRe !== null;
  }

  async attempt(a: ProbeAttempt): Promise<ProbeOutcome> {
    const { cfg } = this;
    let status: number | null = null;
    if (!(await this.slots.acquire(a.signal))) {
      return { ok: false, status: null, error: 'timeout', detail: 'no free connection before the deadline' };
    }
    try {
      const res = await this.pool.request({
        path: this.path,
        method: cfg.method as 'GET',
        headers: cfg.headers,
        body: cfg.body ?? null,
        signal: a.signal,
        reset: cfg.connection === 'fresh',
      });
      status = res.statusCode;
      const backend = cfg.backendHeader ? headerValue(res.headers[cfg.backendHeader.toLowerCase()]) : undefined;
      let body = '';
      if (this.needBody) body = await res.body.text();
      else await res.body.dump();
      const out: ProbeOutcome = { ok: true, status, error: null };
      if (cfg.backendHeader) out.backend = backend ?? null;
      if (!cfg.expect.status.includes(status)) return { ...out, ok: false, error: 'http_status' };
      if (cfg.expect.bodyContains !== undefined && !body.includes(cfg.expect.bodyContains)) {
        return { ...out, ok: false, error: 'body_mismatch' };
      }
      if (this.bodyRe && !this.bodyRe.test(body)) return { ...out, ok: false, error: 'body_mismatch' };
      for (const [name, want] of Object.entries(cfg.expect.headers ?? {})) {
        if (headerValue(res.headers[name.toLowerCase()]) !== want) {
          return { ...out, ok: false, error: 'header_mismatch', detail: `header ${name}` };
        }
      }
      return out;
    } catch (err) {
      return { ok: false, status, error: classifyNetworkError(err), detail: errorDetail(err) };
    } finally {
      this.slots.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy().catch(() => {});
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}
