import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { DrillproofError } from '../errors.js';
import type { DbConnectionConfig } from '../probes/config.js';
import type { HeartbeatProbeConfig } from '../probes/kinds/heartbeat/runner.js';
import { probeConfigFromScenario } from '../probes/scenario-config.js';
import { tlsOptions } from '../probes/tls.js';
import type { PreflightCheckResult } from './faults/types.js';
import type { DrillScenario } from './phases/drill-input.js';

export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

/**
 * Before the baseline: every PostgreSQL heartbeat with `ssl: require` or `verify-full` opens one
 * TLS session to its endpoint (PostgreSQL's SSLRequest, then the handshake; no credentials are
 * sent), so a certificate the configured CA does not trust fails preflight with the reason and
 * what to change, instead of a baseline of failed samples.
 */
export async function checkDbTls(
  scenario: DrillScenario,
  o: { env: NodeJS.ProcessEnv; scenarioDir: string; timeoutMs?: number },
): Promise<PreflightCheckResult[]> {
  const out: PreflightCheckResult[] = [];
  for (const p of scenario.probes ?? []) {
    if (p.type !== 'postgres-heartbeat') continue;
    const cfg = probeConfigFromScenario(p as never, { baseDir: o.scenarioDir }) as HeartbeatProbeConfig;
    const c = cfg.connection;
    if (c.ssl === 'disable') continue;
    const check = `tls ${p.name}`;
    try {
      const r = await pgTlsHandshake(c, o.env, o.timeoutMs ?? Math.max(cfg.connectTimeoutMs, 5000));
      out.push({ check, ok: true, detail: `${c.host}:${c.port} ${r}` });
    } catch (err) {
      out.push({ check, ok: false, ...explain(c, err) });
    }
  }
  return out;
}

function explain(c: DbConnectionConfig, err: unknown): { detail: string; hint: string } {
  const where = `${c.host}:${c.port}`;
  if (DrillproofError.is(err)) return { detail: `${where}: ${err.message}`, hint: err.hint ?? '' };
  const e = err as NodeJS.ErrnoException;
  const ca = c.sslCa
    ? c.sslCa.type === 'file'
      ? `the CA bundle ${c.sslCa.path}`
      : `the CA bundle in ${c.sslCa.name}`
    : "Node's built-in CAs";
  if (e.code === 'NO_TLS') {
    return {
      detail: `${where} does not accept TLS connections`,
      hint: 'enable TLS on the server (RDS always offers it), or set ssl: disable if plain TCP is intended',
    };
  }
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      detail: `${where}: the server certificate is not for this host name: ${e.message}`,
      hint: 'connect with the endpoint name the certificate was issued for (the RDS endpoint DNS name, not an IP)',
    };
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(e.code ?? '')) {
    return {
      detail: `${where}: the server certificate is not trusted by ${ca} (${e.code})`,
      hint: `give the CA that signed it: ssl: { mode: verify-full, ca: { file: <bundle.pem> } }; for RDS the bundle is ${RDS_CA_BUNDLE_URL}, for the lab \${lab.db.caFile}`,
    };
  }
  return {
    detail: `${where}: TLS connection failed: ${e.message}`,
    hint: 'check that the database endpoint is reachable',
  };
}

/** PostgreSQL TLS: an 8-byte SSLRequest, 'S' or 'N', then the TLS handshake on the same socket. */
function pgTlsHandshake(c: DbConnectionConfig, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const opts = tlsOptions(c, env);
  return new Promise((resolve, reject) => {
    let done = false;
    let sock: Socket | undefined;
    const finish = (err: Error | null, v?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock?.destroy();
      if (err) reject(err);
      else resolve(v as string);
    };
    const timer = setTimeout(() => finish(new Error(`no TLS answer within ${timeoutMs} ms`)), timeoutMs);
    const raw = netConnect({ host: c.host, port: c.port });
    sock = raw;
    raw.once('error', (e) => finish(e));
    raw.once('connect', () => raw.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
    raw.once('data', (b: Buffer) => {
      if (b[0] !== 0x53) return finish(Object.assign(new Error('no TLS'), { code: 'NO_TLS' }));
      // The identity check uses `host` (an IP is checked against the certificate's IP SANs);
      // SNI carries names only, as node-postgres does.
      const t = tlsConnect({
        socket: raw,
        host: c.host,
        ...(isIP(c.host) ? {} : { servername: c.host }),
        ...(opts ? opts : {}),
      });
      sock = t;
      t.once('error', (e) => finish(e));
      t.once('secureConnect', () =>
        finish(
          null,
          `TLS ${t.getProtocol() ?? ''}${opts && opts.rejectUnauthorized === true ? ', certificate verified' : ', certificate not checked (require)'}`,
        ),
      );
    });
  });
}
