import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lab's TLS material: a CA made at `lab up` and the server certificate every PostgreSQL node serves. */
export interface LabTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A fresh CA and a server certificate for `localhost` / `127.0.0.1` (every lab endpoint), made
 * with the openssl command line (EC P-256, valid 30 days). The key belongs to the user PostgreSQL
 * runs as, mode 0600, as PostgreSQL requires. Returns undefined when openssl is missing: the lab
 * then serves plain TCP only and lab.json has no `db.caFile`.
 */
export function makeLabTls(
  dir: string,
  owner: { uid: number | undefined; gid: number | undefined },
): LabTls | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '30',
      '-subj',
      '/CN=drillproof lab CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(
    join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '30',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const keyFile = join(dir, 'server.key');
  chmodSync(keyFile, 0o600);
  chmodSync(join(dir, 'ca.key'), 0o600);
  if (owner.uid !== undefined) chownSync(keyFile, owner.uid, owner.gid ?? owner.uid);
  for (const f of ['ca.pem', 'server.crt']) chmodSync(join(dir, f), 0o644);
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.crt'), keyFile };
}
