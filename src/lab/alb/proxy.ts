import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { TargetGroup } from './target-group.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/**
 * The ALB listener: forwards each request to a target picked by the target group. Errors answer as
 * ALB does: 502 when the target refuses or resets, 504 when it does not answer in time (a disrupted
 * AZ), 503 when no target is registered.
 */
export class AlbProxy {
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(
    private readonly group: TargetGroup,
    private readonly reachable: (az: string) => boolean,
    private readonly targetTimeoutMs = 5000,
  ) {}

  listen(port: number): Promise<number> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    return new Promise((resolve) => {
      this.server?.listen(port, '127.0.0.1', () => {
        const a = this.server?.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  private fail(res: ServerResponse, status: number, text: string): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'text/html', server: 'awselb/2.0' });
    res.end(
      `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center></body></html>\n`,
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const t = this.group.pick();
    if (!t) {
      req.resume();
      this.fail(res, 503, 'Service Temporarily Unavailable');
      return;
    }
    const port = this.group.dialPort(t);
    if (!this.reachable(t.az) || port === undefined) {
      req.resume();
      setTimeout(() => this.fail(res, 504, 'Gateway Time-out'), Math.min(this.targetTimeoutMs, 2000));
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-proto'] = 'http';
    const up = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
        timeout: this.targetTimeoutMs,
      },
      (ur) => {
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(ur.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
        res.writeHead(ur.statusCode ?? 502, h);
        ur.pipe(res);
        ur.on('error', () => res.destroy());
      },
    );
    up.on('timeout', () => {
      up.destroy();
      this.fail(res, 504, 'Gateway Time-out');
    });
    up.on('error', () => this.fail(res, 502, 'Bad Gateway'));
    req.pipe(up);
  }

  close(): Promise<void> {
    this.agent.destroy();
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
