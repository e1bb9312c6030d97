import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from '@sigstore/mock';

/**
 * Sigstore for tests: Fulcio, Rekor and a timestamp authority from @sigstore/mock, each served by
 * a real HTTP server on 127.0.0.1 (a free port), plus the trusted root that names them. Nothing
 * leaves the machine.
 */
export interface MockSigstore {
  fulcioUrl: string;
  rekorUrl: string;
  tsaUrl: string;
  /** trusted_root.json (protobuf JSON) for these three services. */
  trustedRoot: Record<string, unknown>;
  /** Request paths each server saw, in order. */
  requests: { service: 'fulcio' | 'rekor' | 'tsa'; path: string }[];
  close(): Promise<void>;
}

async function serve(
  name: MockSigstore['requests'][number]['service'],
  handlers: () => { path: string; fn: HandlerFn } | null,
  requests: MockSigstore['requests'],
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ service: name, path: req.url ?? '' });
      const h = handlers();
      if (!h || req.method !== 'POST' || (req.url ?? '').split('?')[0] !== h.path) {
        res.writeHead(404).end('not found');
        return;
      }
      h.fn(Buffer.concat(chunks).toString('utf8')).then(
        (r) => {
          res.writeHead(r.statusCode, { 'Content-Type': r.contentType ?? 'text/plain' }).end(r.response);
        },
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const b64 = (b: Buffer | ArrayBuffer) => Buffer.from(b as ArrayBuffer).toString('base64');

export async function startMockSigstore(o: { subjectClaim?: string } = {}): Promise<MockSigstore> {
  const requests: MockSigstore['requests'] = [];
  let fulcio: { path: string; fn: HandlerFn } | null = null;
  let rekor: { path: string; fn: HandlerFn } | null = null;
  let tsa: { path: string; fn: HandlerFn } | null = null;
  const f = await serve('fulcio', () => fulcio, requests);
  const r = await serve('rekor', () => rekor, requests);
  const t = await serve('tsa', () => tsa, requests);

  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlogKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tsaKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // No CT log: @sigstore/mock 0.11 writes the SCT list without the per-SCT length prefix of
  // RFC 6962 §3.3, which @sigstore/verify (rightly) cannot parse. Certificates carry no SCT, and
  // the trusted root lists no CT log, so verification asks for none.
  const ca = await initializeCA(caKeys);
  const tlog = await initializeTLog(r.url, tlogKeys);
  // The mock TSA writes genTime with milliseconds, trailing zeros trimmed as RFC 3161 asks
  // (`…20.96Z`); @sigstore/core 3's time parser accepts only exactly three digits, so about one
  // timestamp in five would not parse. The TSA's clock is a Date it reads on each request: it is
  // set to the current whole second before every request, so genTime has no fraction at all.
  const tsaClock = new Date(Math.floor(Date.now() / 1000) * 1000);
  const authority = await initializeTSA(tsaKeys, tsaClock);
  fulcio = fulcioHandler(ca, o.subjectClaim ? { subjectClaim: o.subjectClaim } : {});
  rekor = rekorHandler(tlog);
  const stamp = tsaHandler(authority);
  tsa = {
    path: stamp.path,
    fn: (body) => {
      tsaClock.setTime(Math.floor(Date.now() / 1000) * 1000);
      return stamp.fn(body);
    },
  };

  const start = { start: '2000-01-01T00:00:00Z' };
  const tlogSpki = Buffer.from(tlog.publicKey);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: r.url,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(tlogSpki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: start },
        logId: { keyId: b64(createHash('sha256').update(tlogSpki).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock fulcio' },
        uri: f.url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: start,
      },
    ],
    ctlogs: [],
    timestampAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock tsa' },
        uri: t.url,
        certChain: {
          certificates: [{ rawBytes: b64(authority.intCertificate) }, { rawBytes: b64(authority.rootCertificate) }],
        },
        validFor: start,
      },
    ],
  };
  return {
    fulcioUrl: f.url,
    rekorUrl: r.url,
    tsaUrl: t.url,
    trustedRoot,
    requests,
    close: async () => {
      for (const s of [f.server, r.server, t.server]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

/** An unsigned OIDC-shaped JWT (the mock Fulcio reads claims without checking a signature). */
export function fakeOidcToken(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ aud: 'sigstore', iat: now, exp: now + 600, ...claims })}.${Buffer.from('sig').toString('base64url')}`;
}

/** A fake GitHub Actions OIDC token endpoint on loopback (ACTIONS_ID_TOKEN_REQUEST_URL). */
export async function startFakeActionsTokenEndpoint(
  token: string,
  bearer: string,
): Promise<{ url: string; audiences: string[]; close(): Promise<void> }> {
  const audiences: string[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${bearer}`) {
      res.writeHead(401).end('{"message":"bad credentials"}');
      return;
    }
    audiences.push(u.searchParams.get('audience') ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ count: 1, value: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_apis/distributedtask/id-token?api-version=2.0`;
  return {
    url,
    audiences,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
