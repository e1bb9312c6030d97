import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkDbTls } from '../../src/experiments/preflight-tls.js';
import { scenarioSchema } from '../../src/experiments/schema/scenario.js';
import { PostgresHeartbeatDriver } from '../../src/probes/kinds/heartbeat/postgres.js';
import type { HeartbeatProbeConfig } from '../../src/probes/kinds/heartbeat/runner.js';
import { tlsOptions } from '../../src/probes/tls.js';
import { useLab } from '../_helpers/lab.js';
import { drill, variant } from './_drill.js';

/**
 * TLS for real: the lab makes a CA at `lab up`, every PostgreSQL endpoint serves a certificate it
 * signed, and `verify-full` is checked against it. A wrong CA stops the drill in preflight.
 */
const lab = useLab({ aurora: false });

function otherCa(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dp-other-ca-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=not the lab',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  return join(dir, 'ca.pem');
}

const probe = (ssl: unknown) =>
  scenarioSchema.parse({
    version: 1,
    metadata: { name: 'tls' },
    target: { provider: 'lab', region: 'us-east-1' },
    probes: [
      {
        name: 'hb',
        type: 'postgres-heartbeat',
        interval: '200ms',
        connection: {
          host: lab.info().db.host,
          port: lab.info().db.port,
          database: lab.info().db.database,
          user: lab.info().db.user,
          password: { env: 'DRILLPROOF_LAB_DB_PASSWORD' },
          ssl,
        },
      },
    ],
    steps: { baseline: '1s', faults: [{ id: 'x', type: 'exec', command: ['true'] }], observe: { timeout: '10s' } },
  });

describe('the lab databases serve TLS signed by the lab CA', () => {
  it('lab.json names the CA; preflight verifies with it, and refuses Node roots or another CA', async () => {
    const caFile = lab.info().db.caFile as string;
    expect(readFileSync(caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
    const env = { DRILLPROOF_LAB_DB_PASSWORD: lab.info().db.password };
    const o = { env, scenarioDir: '.' };
    const [ok] = await checkDbTls(probe({ mode: 'verify-full', ca: { file: caFile } }), o);
    expect(ok).toMatchObject({
      check: 'tls hb',
      ok: true,
      detail: expect.stringMatching(/TLSv1\.[23], certificate verified/),
    });
    const [fromEnv] = await checkDbTls(probe({ mode: 'verify-full', ca: { env: 'LAB_CA' } }), {
      ...o,
      env: { ...env, LAB_CA: readFileSync(caFile, 'utf8') },
    });
    expect(fromEnv?.ok).toBe(true);
    const [roots] = await checkDbTls(probe('verify-full'), o);
    expect(roots).toMatchObject({ ok: false, detail: expect.stringMatching(/not trusted by Node's built-in CAs/) });
    const [wrong] = await checkDbTls(probe({ mode: 'verify-full', ca: { file: otherCa() } }), o);
    expect(wrong).toMatchObject({ ok: false, detail: expect.stringMatching(/not trusted by the CA bundle .*ca\.pem/) });
    expect(wrong?.hint).toMatch(
      /ssl: \{ mode: verify-full, ca: \{ file: <bundle\.pem> \} \}; for RDS the bundle is https:\/\/truststore\.pki\.rds\.amazonaws\.com/,
    );
    const [req] = await checkDbTls(probe('require'), o);
    expect(req).toMatchObject({ ok: true, detail: expect.stringContaining('certificate not checked') });
  });

  it('a verify-full heartbeat writes and reads back through an encrypted, verified connection', async () => {
    const info = lab.info();
    const conn = {
      host: info.db.host,
      port: info.db.port,
      database: info.db.database,
      user: info.db.user,
      password: { type: 'literal' as const, value: info.db.password },
      ssl: 'verify-full' as const,
      sslCa: { type: 'file' as const, path: info.db.caFile as string },
    };
    const cfg: HeartbeatProbeConfig = {
      kind: 'postgres-heartbeat',
      name: 'hb',
      intervalMs: 200,
      timeoutMs: 3000,
      maxInFlight: 4,
      schema: 'drillproof',
      table: 'heartbeat',
      connection: conn,
      connectTimeoutMs: 3000,
    };
    const driver = new PostgresHeartbeatDriver(cfg, { env: {} });
    try {
      await driver.write({ runId: 'tls-run', seq: 1 }, new AbortController().signal, () => Date.now());
      expect((await driver.readBack('tls-run', 5000)).seqs).toEqual([1]);
    } finally {
      await driver.close();
    }
    const c = new pg.Client({ ...conn, password: info.db.password, ssl: tlsOptions(conn, {}) });
    await c.connect();
    const r = await c.query('select ssl, version from pg_stat_ssl where pid = pg_backend_pid()');
    await c.end();
    expect(r.rows[0]).toMatchObject({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
  });

  it('with the wrong CA the drill stops in preflight (exit 3) with a clear hint, nothing injected', async () => {
    const wrongCa = otherCa();
    const file = variant('rds-multi-az-failover', (d) => {
      d.probes[1].connection.ssl = { mode: 'verify-full', ca: { file: wrongCa } };
    });
    const { result, journal } = await drill(file, lab.dir());
    expect(result.exitCode).toBe(3);
    expect(result.record.reason).toMatch(
      /tls hb: 127\.0\.0\.1:\d+: the server certificate is not trusted by the CA bundle/,
    );
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
    const check = journal.find((e) => e.kind === 'preflight.check' && e.data.check === 'tls hb');
    expect(String(check?.data.hint)).toContain('ca: { file:');
  });
});
