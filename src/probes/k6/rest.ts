import { createServer } from 'node:net';

/** k6's execution status (`lib/execution.go`): an integer enum in `GET /v1/status`. */
export const K6_RUN_STATUS = [
  'created',
  'init-vus',
  'init-executors',
  'init-done',
  'paused-before-run',
  'started',
  'setup',
  'running',
  'teardown',
  'ended',
  'interrupted',
  'marked-as-failed',
] as const;

export interface K6Status {
  status: number;
  statusName: string;
  running: boolean;
  stopped: boolean;
  paused: boolean;
  tainted: boolean;
  vus: number | null;
  vusMax: number | null;
}

/**
 * Client for k6's REST API on loopback (`--address 127.0.0.1:<port>`). Only status and stop are
 * used: k6 v2 removed live VU changes, and `/v1/metrics` is cumulative, so not for RTO.
 */
export class K6RestClient {
  readonly base: string;
  constructor(
    readonly port: number,
    private readonly timeoutMs = 2000,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  async status(): Promise<K6Status> {
    const res = await fetch(`${this.base}/v1/status`, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`GET /v1/status answered ${res.status}`);
    return toStatus(await res.json());
  }

  /**
   * Asks k6 to stop the test (k6 then runs handleSummary and exits 103). Waits longer than a
   * status poll: a busy machine must not turn a stop into a signal.
   */
  async stop(timeoutMs = this.timeoutMs * 5): Promise<K6Status> {
    const res = await fetch(`${this.base}/v1/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { type: 'status', id: 'default', attributes: { stopped: true } } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`PATCH /v1/status answered ${res.status}`);
    return toStatus(await res.json());
  }
}

function toStatus(body: unknown): K6Status {
  const a = ((body as { data?: { attributes?: Record<string, unknown> } })?.data?.attributes ?? {}) as Record<
    string,
    unknown
  >;
  const status = typeof a.status === 'number' ? a.status : -1;
  return {
    status,
    statusName: K6_RUN_STATUS[status] ?? `unknown(${String(a.status)})`,
    running: a.running === true,
    stopped: a.stopped === true,
    paused: a.paused === true,
    tainted: a.tainted === true,
    vus: typeof a.vus === 'number' ? a.vus : null,
    vusMax: typeof a['vus-max'] === 'number' ? a['vus-max'] : null,
  };
}

/** A loopback TCP port free at the time of the call (k6 binds it right after). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
