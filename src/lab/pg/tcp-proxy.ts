import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The lab's stand-in for an RDS DNS endpoint: a TCP proxy whose backend moves on failover.
 * Moving it drops every open connection (clients reconnect, as after a real DNS flip); while there
 * is no backend, new connections are closed at once.
 */
export class EndpointProxy {
  private server: Server | undefined;
  private backend: number | undefined;
  private readonly open = new Set<Socket>();
  port = 0;

  constructor(readonly name: string) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', () => resolve()));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : port;
    return this.port;
  }

  get target(): number | undefined {
    return this.backend;
  }

  /** Points the endpoint at a backend port (undefined = nothing answers) and drops open connections. */
  moveTo(port: number | undefined): void {
    if (port === this.backend) return;
    this.backend = port;
    this.dropAll();
  }

  dropAll(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  private accept(client: Socket): void {
    const port = this.backend;
    if (port === undefined) {
      client.destroy();
      return;
    }
    const up = connect({ host: '127.0.0.1', port });
    client.setNoDelay(true);
    up.setNoDelay(true);
    this.open.add(client);
    this.open.add(up);
    const close = () => {
      client.destroy();
      up.destroy();
      this.open.delete(client);
      this.open.delete(up);
    };
    client.on('error', close);
    up.on('error', close);
    client.on('close', close);
    up.on('close', close);
    client.pipe(up);
    up.pipe(client);
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
  }
}
