import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A loopback RFC 3161 timestamp authority for tests: a real CA and TSA certificate made with the
 * system openssl, and `openssl ts -reply` answering each request. Listens on 127.0.0.1 only.
 */
export interface LoopbackTsa {
  url: string;
  caPem: string;
  requests: number;
  close(): Promise<void>;
}

export async function startLoopbackTsa(): Promise<LoopbackTsa> {
  const dir = await mkdtemp(join(tmpdir(), 'drillproof-tsa-'));
  const o = (...args: string[]) => run('openssl', args, { cwd: dir });
  await o('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
  await o(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=drillproof test TSA root',
    '-days',
    '30',
    '-out',
    'ca.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  await o('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'tsa.key');
  await o('req', '-new', '-key', 'tsa.key', '-subj', '/CN=drillproof test TSA', '-out', 'tsa.csr');
  await writeFile(join(dir, 'ext.cnf'), 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n');
  await o(
    'x509',
    '-req',
    '-in',
    'tsa.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '30',
    '-out',
    'tsa.pem',
    '-extfile',
    'ext.cnf',
  );
  await writeFile(join(dir, 'serial'), '01\n');
  await writeFile(
    join(dir, 'tsa.cnf'),
    `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`,
  );
  const state = { requests: 0, n: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      state.requests++;
      const id = ++state.n;
      try {
        if (req.headers['content-type'] !== 'application/timestamp-query') throw new Error('wrong content type');
        await writeFile(join(dir, `q${id}.tsq`), Buffer.concat(chunks));
        await o('ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `q${id}.tsq`, '-out', `r${id}.tsr`);
        const body = await readFile(join(dir, `r${id}.tsr`));
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body);
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const caPem = await readFile(join(dir, 'ca.pem'), 'utf8');
  return {
    url: `http://127.0.0.1:${port}/tsr`,
    caPem,
    get requests() {
      return state.requests;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
