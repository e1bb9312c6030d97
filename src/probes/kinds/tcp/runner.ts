import { Socket } from 'node:net';
import { classifyNetworkError, errorDetail } from '../../classify.js';
import type { ProbeCommon } from '../../config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from '../../runner.js';

export interface TcpProbeConfig extends ProbeCommon {
  kind: 'tcp';
  host: string;
  port: number;
}

/** TCP connect probe: ok when the three-way handshake completes; the socket is closed at once. */
export class TcpProbe implements ProbeRunner {
  readonly kind = 'tcp' as const;
  constructor(private readonly cfg: TcpProbeConfig) {}

  attempt(a: ProbeAttempt): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      const socket = new Socket();
      const done = (o: ProbeOutcome) => {
        a.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(o);
      };
      const onAbort = () => done({ ok: false, status: null, error: 'timeout' });
      if (a.signal.aborted) return onAbort();
      a.signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => done({ ok: true, status: null, error: null }));
      socket.once('error', (err) =>
        done({ ok: false, status: null, error: classifyNetworkError(err), detail: errorDetail(err) }),
      );
      socket.connect({ host: this.cfg.host, port: this.cfg.port });
    });
  }

  async close(): Promise<void> {}
}
