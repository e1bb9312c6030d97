import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { sleep } from '../node-entry.js';
import { type ProcessRegistry, spawnTracked, stopChild } from '../processes.js';
import type { LabTlsFiles } from './tls.js';

export interface RedisNodeSpec {
  /** Cache cluster id (`lab-redis-001`, `lab-redis-cluster-0001-002`). */
  id: string;
  nodeGroupId: string;
  az: string;
  port: number;
  /** Redis Cluster bus port (cluster mode on). */
  busPort?: number;
}

export interface RedisNodeContext {
  bin: string;
  registry: ProcessRegistry;
  logsDir: string;
  dataDir: string;
  cwd: string;
  authToken?: string;
  tls?: LabTlsFiles;
}

/** One ElastiCache cache node: a real redis-server on a free loopback port. */
export class RedisNode {
  child: ChildProcess | undefined;
  readonly created = new Date();
  private admin: Redis | undefined;

  constructor(
    readonly spec: RedisNodeSpec,
    private readonly ctx: RedisNodeContext,
    readonly cluster: boolean,
  ) {}

  get id(): string {
    return this.spec.id;
  }
  get port(): number {
    return this.spec.port;
  }

  async start(replicaOf?: number): Promise<void> {
    const dir = join(this.ctx.dataDir, this.id);
    mkdirSync(dir, { recursive: true });
    const c = this.ctx;
    const args = [
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      // Without this a replica's first sync waits 5 s for more replicas to join the transfer.
      '--repl-diskless-sync-delay',
      '0',
    ];
    if (c.tls) {
      args.push(
        '--port',
        '0',
        '--tls-port',
        String(this.port),
        '--tls-cert-file',
        c.tls.certFile,
        '--tls-key-file',
        c.tls.keyFile,
      );
      args.push('--tls-ca-cert-file', c.tls.caFile, '--tls-auth-clients', 'no', '--tls-replication', 'yes');
      if (this.cluster) args.push('--tls-cluster', 'yes');
    } else args.push('--port', String(this.port));
    if (c.authToken) args.push('--requirepass', c.authToken, '--masterauth', c.authToken);
    if (this.cluster) {
      args.push(
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--cluster-node-timeout',
        '3000',
      );
      args.push('--cluster-port', String(this.spec.busPort), '--cluster-announce-ip', '127.0.0.1');
      args.push('--cluster-require-full-coverage', 'no');
    }
    if (replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(replicaOf));
    this.child = spawnTracked(c.registry, {
      name: `redis ${this.id}`,
      command: c.bin,
      args,
      cwd: c.cwd,
      logFile: join(c.logsDir, `redis-${this.id}.log`),
    });
    const child = this.child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const end = Date.now() + 15_000;
    for (;;) {
      try {
        if ((await this.client().ping()) === 'PONG') return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > end || !this.child) throw new Error(`redis ${this.id} did not start (see redis-${this.id}.log)`);
      await sleep(50);
    }
  }

  /** An admin connection (AUTH and TLS as the node needs), kept open. */
  client(): Redis {
    if (!this.admin) {
      this.admin = new Redis({
        host: '127.0.0.1',
        port: this.port,
        lazyConnect: false,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
        connectTimeout: 2000,
        retryStrategy: () => 200,
        ...(this.ctx.authToken ? { password: this.ctx.authToken } : {}),
        ...(this.ctx.tls ? { tls: { ca: readFileSync(this.ctx.tls.caFile), servername: 'localhost' } } : {}),
      });
      this.admin.on('error', () => {});
    }
    return this.admin;
  }

  /** `role` / `master_link_status` from INFO replication. */
  async replication(): Promise<Record<string, string>> {
    const text = await this.client().info('replication');
    return Object.fromEntries(
      text
        .split(/\r?\n/)
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    );
  }

  async stop(): Promise<void> {
    this.admin?.disconnect();
    this.admin = undefined;
    await stopChild(this.child);
  }
}
