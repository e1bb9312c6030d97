import { readFileSync } from 'node:fs';
import { DrillproofError } from '../errors.js';
import type { CaSource, DbConnectionConfig } from './config.js';

/** Where a CA bundle comes from: a PEM file, or an environment variable holding the PEM text. */
export type { CaSource };

/**
 * The CA bundle's PEM text. RDS certificates are signed by Amazon RDS CAs that are not among
 * Node's built-in roots, so `verify-full` against RDS needs the bundle AWS publishes
 * (global-bundle.pem, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html).
 * @throws DrillproofError `TlsCaUnavailable`
 */
export function readCa(src: CaSource, env: NodeJS.ProcessEnv): string {
  let pem: string | undefined;
  if (src.type === 'env') pem = env[src.name];
  else {
    try {
      pem = readFileSync(src.path, 'utf8');
    } catch (cause) {
      throw DrillproofError.user('TlsCaUnavailable', `cannot read the CA bundle ${src.path}`, {
        cause,
        hint: 'point ssl.ca.file at a PEM file, e.g. the RDS bundle global-bundle.pem',
      });
    }
  }
  if (!pem?.includes('-----BEGIN CERTIFICATE-----')) {
    const where = src.type === 'env' ? `environment variable ${src.name}` : src.path;
    throw DrillproofError.user('TlsCaUnavailable', `${where} holds no PEM certificate`, {
      hint:
        src.type === 'env'
          ? `export ${src.name}="$(cat global-bundle.pem)"`
          : 'download the bundle: https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem',
    });
  }
  return pem;
}

/** node-postgres / mysql2 TLS options for a connection: false = plain TCP. */
export function tlsOptions(
  c: Pick<DbConnectionConfig, 'ssl' | 'sslCa'>,
  env: NodeJS.ProcessEnv,
): false | { rejectUnauthorized: boolean; ca?: string } {
  if (c.ssl === 'disable') return false;
  if (c.ssl === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(c.sslCa ? { ca: readCa(c.sslCa, env) } : {}) };
}
