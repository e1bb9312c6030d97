import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { DrillproofError } from '../../errors.js';
import type { CaSource, CredentialSource, ProbeCommon } from '../config.js';
import { type CredentialContext, passwordProvider } from '../credentials.js';
import { readCa } from '../tls.js';
import type { HeartbeatDriver } from './heartbeat/runner.js';

export interface RedisConnectionConfig {
  /** Primary endpoint (cluster mode off) or configuration endpoint (cluster mode on). */
  host: string;
  port: number;
  /** RBAC user; absent with an AUTH token (the `default` user). */
  username?: string;
  /** The AUTH token (or the RBAC user's password). */
  password: CredentialSource;
  /** disable; require = TLS without verifying the certificate; verify-full = verify against `ca` or Node's CAs. */
  tls: 'disable' | 'require' | 'verify-full';
  ca?: CaSource;
  /** Name checked against the certificate (default: host). */
  servername?: string;
}

export interface RedisHeartbeatConfig extends ProbeCommon {
  kind: 'redis-heartbeat';
  connection: RedisConnectionConfig;
  /** Cluster mode on: a Redis Cluster client that follows MOVED redirects. */
  clusterMode: boolean;
  /** Keys are `<keyPrefix>:{<runId>}:<seq>` (the hash tag keeps a run's keys in one slot). */
  keyPrefix: string;
  /** Heartbeat keys expire after this many seconds, so drills do not fill the cache. */
  ttlSeconds: number;
  connectTimeoutMs: number;
}

export const DEFAULT_REDIS_KEY_PREFIX = 'drillproof:hb';

const KEY_SAFE = /^[A-Za-z0-9:_.-]{1,100}$/;

/**
 * Redis heartbeat on ioredis 5: every write is one `SET key sent_at EX ttl` through the primary
 * endpoint. The client never queues offline (a write without a connection is not attempted), never
 * re-sends a command after a reconnect (a write is attempted once), and reconnects when a demoted
 * primary answers READONLY. Acknowledged = the server answered OK.
 */
export class RedisHeartbeatDriver implements HeartbeatDriver {
  readonly source: string;
  private client: Redis | Cluster | undefined;
  private readonly password: () => Promise<string | undefined>;
  private readonly env: NodeJS.ProcessEnv;
  lastError: string | null = null;

  constructor(
    private readonly cfg: RedisHeartbeatConfig,
    ctx: CredentialContext,
  ) {
    this.env = ctx.env;
    const c = cfg.connection;
    this.source = `${c.host}:${c.port}`;
    if (!KEY_SAFE.test(cfg.keyPrefix)) {
      throw DrillproofError.user(
        'HeartbeatIdentifierInvalid',
        `key prefix "${cfg.keyPrefix}" has characters Redis keys here do not use`,
        {
          hint: 'use letters, digits and : _ . - (e.g. drillproof:hb)',
        },
      );
    }
    if (c.password.type === 'rdsIamAuth') {
      throw DrillproofError.user('CredentialUnsupported', 'IAM auth tokens are not supported for Redis', {
        hint: 'give the AUTH token (or the RBAC user password) with authToken: { env: NAME }, { file: PATH } or { secretsManager: ARN }',
      });
    }
    this.password = passwordProvider(
      { host: c.host, port: c.port, user: c.username ?? 'default', password: c.password },
      ctx,
    );
  }

  key(runId: string, seq: number): string {
    return `${this.cfg.keyPrefix}:{${runId}}:${seq}`;
  }

  private async options(extra: Partial<RedisOptions> = {}): Promise<RedisOptions> {
    const c = this.cfg.connection;
    const password = await this.password();
    let tls: ConnectionOptions | undefined;
    if (c.tls === 'require') tls = { rejectUnauthorized: false };
    if (c.tls === 'verify-full') {
      tls = { rejectUnauthorized: true };
      // An IP host is checked against the certificate's IP SANs; SNI never carries an IP.
      const name = c.servername ?? (isIP(c.host) ? undefined : c.host);
      if (name !== undefined) tls.servername = name;
      if (c.ca) tls.ca = readCa(c.ca, this.env);
    }
    return {
      ...(c.username ? { username: c.username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(tls ? { tls } : {}),
      connectTimeout: this.cfg.connectTimeoutMs,
      commandTimeout: this.cfg.timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      enableReadyCheck: true,
      retryStrategy: (times: number) => Math.min(25 * times, 250),
      reconnectOnError: (err: Error) => (err.message.startsWith('READONLY') ? 1 : false),
      ...extra,
    };
  }

  private async connect(extra: Partial<RedisOptions> = {}): Promise<Redis | Cluster> {
    const c = this.cfg.connection;
    const opts = await this.options(extra);
    const client = this.cfg.clusterMode
      ? new Cluster([{ host: c.host, port: c.port }], {
          redisOptions: opts,
          enableOfflineQueue: false,
          clusterRetryStrategy: (times: number) => Math.min(50 * times, 500),
          // The nodes announce loopback addresses in the lab; on AWS they announce their own.
          slotsRefreshTimeout: this.cfg.timeoutMs,
        })
      : new Redis({ host: c.host, port: c.port, ...opts });
    client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    return client;
  }

  /** Resolves when the client is ready, rejects (write not attempted) at the deadline. */
  private async ready(signal: AbortSignal): Promise<Redis | Cluster> {
    this.client ??= await this.connect();
    const client = this.client;
    if (client.status === 'ready') return client;
    if (client.status === 'end') {
      this.client = undefined;
      return this.ready(signal);
    }
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        client.off('ready', onReady);
        signal.removeEventListener('abort', onAbort);
      };
      const onReady = () => {
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(new Error('deadline passed before a connection was ready'));
      };
      client.once('ready', onReady);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
    return client;
  }

  async write(row: { runId: string; seq: number }, signal: AbortSignal, onSent: () => number): Promise<void> {
    const client = await this.ready(signal);
    if (signal.aborted) throw new Error('deadline passed before the write was sent');
    const sentAt = onSent();
    const reply = await new Promise<string | null>((resolve, reject) => {
      const onAbort = () => reject(Object.assign(new Error('write timed out'), { code: 'ETIMEDOUT' }));
      signal.addEventListener('abort', onAbort, { once: true });
      client
        .set(this.key(row.runId, row.seq), String(sentAt), 'EX', this.cfg.ttlSeconds)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
    if (reply !== 'OK') throw new Error(`SET answered ${String(reply)}`);
  }

  async readBack(runId: string, timeoutMs: number): Promise<{ seqs: number[]; sentAt: number[] }> {
    const client = await this.connect({ commandTimeout: timeoutMs, enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    try {
      const pattern = `${this.cfg.keyPrefix}:{${runId}}:*`;
      const nodes = client instanceof Cluster ? await clusterMasters(client, timeoutMs) : [client];
      const keys: string[] = [];
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
      }
      const rows: { seq: number; sentAt: number }[] = [];
      for (let i = 0; i < keys.length; i += 500) {
        const chunk = keys.slice(i, i + 500);
        const values = await client.mget(...chunk);
        chunk.forEach((k, j) => {
          const v = values[j];
          const seq = Number(k.slice(k.lastIndexOf(':') + 1));
          if (v !== null && v !== undefined && Number.isInteger(seq)) rows.push({ seq, sentAt: Number(v) });
        });
      }
      rows.sort((a, b) => a.seq - b.seq);
      return { seqs: rows.map((r) => r.seq), sentAt: rows.map((r) => r.sentAt) };
    } finally {
      client.disconnect();
    }
  }

  async close(): Promise<void> {
    this.client?.disconnect();
    this.client = undefined;
  }
}

async function clusterMasters(c: Cluster, timeoutMs: number): Promise<Redis[]> {
  if (c.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the cluster was not ready for the read-back')), timeoutMs);
      c.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  return c.nodes('master');
}
