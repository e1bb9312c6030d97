import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../src/errors.js';
import { type RedisHeartbeatConfig, RedisHeartbeatDriver } from '../../src/probes/kinds/redis.js';

const cfg = (over: Partial<RedisHeartbeatConfig> = {}): RedisHeartbeatConfig => ({
  kind: 'redis-heartbeat',
  name: 'cache',
  intervalMs: 100,
  timeoutMs: 1000,
  maxInFlight: 10,
  connectTimeoutMs: 1000,
  connection: { host: '127.0.0.1', port: 6379, password: { type: 'none' }, tls: 'disable' },
  clusterMode: false,
  keyPrefix: 'drillproof:hb',
  ttlSeconds: 60,
  ...over,
});

describe('redis heartbeat driver configuration', () => {
  it('writes run keys with a hash tag, so a run lives in one cluster slot', () => {
    const d = new RedisHeartbeatDriver(cfg(), { env: {} });
    expect(d.key('r1', 7)).toBe('drillproof:hb:{r1}:7');
    expect(d.source).toBe('127.0.0.1:6379');
  });

  it('refuses an RDS IAM token and a key prefix with spaces, as user errors with hints', () => {
    const iam = (() => {
      try {
        new RedisHeartbeatDriver(
          cfg({ connection: { host: 'h', port: 1, password: { type: 'rdsIamAuth' }, tls: 'require' } }),
          { env: {} },
        );
      } catch (e) {
        return e;
      }
    })() as DrillproofError;
    expect(iam).toBeInstanceOf(DrillproofError);
    expect(iam.code).toBe('CredentialUnsupported');
    expect(iam.hint).toContain('AUTH token');
    expect(() => new RedisHeartbeatDriver(cfg({ keyPrefix: 'a b' }), { env: {} })).toThrow(/key prefix "a b"/);
  });

  it('a missing AUTH token variable fails the write before anything is sent', async () => {
    const d = new RedisHeartbeatDriver(
      cfg({
        connection: { host: '127.0.0.1', port: 1, password: { type: 'env', name: 'NOPE_TOKEN' }, tls: 'disable' },
      }),
      { env: {} },
    );
    let sent = false;
    await expect(
      d.write({ runId: 'r', seq: 0 }, new AbortController().signal, () => {
        sent = true;
        return 0;
      }),
    ).rejects.toMatchObject({ code: 'CredentialMissing' });
    expect(sent).toBe(false);
    await d.close();
  });
});
