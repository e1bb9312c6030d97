import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How the server is down: connections refused, reset, answered 503, or accepted and never answered. */
export type DownMode = 'refuse' | 'reset' | '503' | 'hang';

/**
 * A loopback HTTP server that can go down for a known time in several ways. Every transition
 * returns (and records) the epoch ms at which it took effect: the truth tests compare RTO with.
 */
export class FlakyServer {
  private server: Server;
  private mode: DownMode | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly hung = new Set<ServerResponse>();
  readonly transitions: { at: number; mode: DownMode | 'up' }[] = [];
  requests = 0;
  port = 0;

  private constructor() {
    this.server = this.make();
  }

  static async start(): Promise<FlakyServer> {
    const s = new FlakyServer();
    await s.listen(0);
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  private make(): Server {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket: Socket) => {
      if (this.mode === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const a = this.server.address();
        if (a && typeof a === 'object') this.port = a.port;
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    req.resume();
    switch (this.mode) {
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case '503':
        res.writeHead(503, { 'content-type': 'text/plain', 'x-backend': 'flaky' }).end('unavailable');
        return;
      case 'hang':
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
      default:
        res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': 'flaky' }).end('ok');
    }
  }

  /** Goes down in `mode`; resolves with the epoch ms from which requests fail. */
  async down(mode: DownMode): Promise<number> {
    const at = Date.now();
    if (mode === 'refuse') {
      const closed = new Promise<void>((r) => this.server.close(() => r()));
      for (const s of this.sockets) s.destroy();
      this.server.closeAllConnections();
      await closed;
    }
    this.mode = mode;
    this.transitions.push({ at, mode });
    return at;
  }

  /** Comes back; resolves with the epoch ms from which requests succeed. */
  async up(): Promise<number> {
    if (this.mode === 'refuse') {
      this.server = this.make();
      await this.listen(this.port);
    }
    this.mode = null;
    const at = Date.now();
    this.transitions.push({ at, mode: 'up' });
    return at;
  }

  async close(): Promise<void> {
    for (const r of this.hung) r.destroy();
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
