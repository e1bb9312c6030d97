import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyNetworkError } from '../../../src/probes/classify.js';
import { DnsProbe } from '../../../src/probes/kinds/dns/runner.js';
import { httpProbe } from '../../../src/probes/kinds/http/definition.js';
import { HttpProbe } from '../../../src/probes/kinds/http/runner.js';
import { TcpProbe } from '../../../src/probes/kinds/tcp/runner.js';
import type { ProbeAttempt } from '../../../src/probes/runner.js';
import { FlakyServer } from '../../_helpers/flaky-server.js';

function attempt(timeoutMs = 1000): ProbeAttempt {
  return { seq: 0, scheduled: Date.now(), signal: AbortSignal.timeout(timeoutMs) };
}

let app: Server;
let appUrl: string;
let connections = 0;
beforeAll(async () => {
  app = createServer((req, res) => {
    if (req.url === '/json')
      res
        .writeHead(200, { 'x-backend': 'i-123', 'content-type': 'application/json' })
        .end('{"status":"healthy","v":7}');
    else res.writeHead(200).end('hello');
  });
  app.on('connection', () => connections++);
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const a = app.address();
  appUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  app.closeAllConnections();
  await new Promise((r) => app.close(r));
});

describe('http probe', () => {
  it('checks status, body text, body regex and headers, and records the backend header', async () => {
    const good = new HttpProbe(
      httpProbe(`${appUrl}/json`, {
        expect: {
          status: [200],
          bodyContains: 'healthy',
          bodyMatches: '"v":\\d+',
          headers: { 'Content-Type': 'application/json' },
        },
        backendHeader: 'X-Backend',
      }),
    );
    expect(await good.attempt(attempt())).toEqual({ ok: true, status: 200, error: null, backend: 'i-123' });
    const wrongBody = new HttpProbe(httpProbe(`${appUrl}/json`, { expect: { status: [200], bodyContains: 'nope' } }));
    expect(await wrongBody.attempt(attempt())).toMatchObject({ ok: false, status: 200, error: 'body_mismatch' });
    const wrongRe = new HttpProbe(httpProbe(`${appUrl}/json`, { expect: { status: [200], bodyMatches: '^x' } }));
    expect(await wrongRe.attempt(attempt())).toMatchObject({ ok: false, error: 'body_mismatch' });
    const wrongHeader = new HttpProbe(
      httpProbe(`${appUrl}/json`, { expect: { status: [200], headers: { 'x-backend': 'i-9' } } }),
    );
    expect(await wrongHeader.attempt(attempt())).toMatchObject({ ok: false, error: 'header_mismatch' });
    const wrongStatus = new HttpProbe(httpProbe(`${appUrl}/`, { expect: { status: [204] } }));
    expect(await wrongStatus.attempt(attempt())).toMatchObject({ ok: false, status: 200, error: 'http_status' });
    await Promise.all([good, wrongBody, wrongRe, wrongHeader, wrongStatus].map((p) => p.close()));
  });

  it('reuses a connection with keep-alive and opens one per sample with fresh', async () => {
    const keep = new HttpProbe(httpProbe(`${appUrl}/`));
    const fresh = new HttpProbe(httpProbe(`${appUrl}/`, { connection: 'fresh' }));
    const before = connections;
    for (let i = 0; i < 10; i++) expect((await keep.attempt(attempt())).ok).toBe(true);
    expect(connections - before).toBeLessThanOrEqual(2);
    const mid = connections;
    for (let i = 0; i < 10; i++) expect((await fresh.attempt(attempt())).ok).toBe(true);
    expect(connections - mid).toBe(10);
    await keep.close();
    await fresh.close();
  });

  it('classifies refused, reset, 503 and hung servers without throwing', async () => {
    const srv = await FlakyServer.start();
    const p = new HttpProbe(httpProbe(srv.url, { connection: 'fresh' }));
    try {
      await srv.down('reset');
      expect(await p.attempt(attempt())).toMatchObject({ ok: false, status: null, error: 'reset' });
      await srv.up();
      await srv.down('503');
      expect(await p.attempt(attempt())).toMatchObject({ ok: false, status: 503, error: 'http_status' });
      await srv.up();
      await srv.down('hang');
      const t = Date.now();
      expect(await p.attempt(attempt(200))).toMatchObject({ ok: false, error: 'timeout' });
      expect(Date.now() - t).toBeLessThan(400);
      await srv.up();
      await srv.down('refuse');
      expect(await p.attempt(attempt())).toMatchObject({ ok: false, status: null, error: 'refused' });
      await srv.up();
      expect(await p.attempt(attempt())).toMatchObject({ ok: true, status: 200 });
    } finally {
      await p.close();
      await srv.close();
    }
  });

  it('maps error codes, including those wrapped in causes', () => {
    const e = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
    expect(classifyNetworkError(e('ECONNREFUSED'))).toBe('refused');
    expect(classifyNetworkError(new TypeError('fetch failed', { cause: e('ECONNRESET') }))).toBe('reset');
    expect(classifyNetworkError(e('UND_ERR_SOCKET'))).toBe('reset');
    expect(classifyNetworkError(e('UND_ERR_CONNECT_TIMEOUT'))).toBe('timeout');
    expect(classifyNetworkError(new DOMException('x', 'TimeoutError'))).toBe('timeout');
    expect(classifyNetworkError(e('ENOTFOUND'))).toBe('dns');
    expect(classifyNetworkError(e('ERR_TLS_CERT_ALTNAME_INVALID'))).toBe('tls');
    expect(classifyNetworkError(e('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe('tls');
    expect(classifyNetworkError(new AggregateError([e('ECONNREFUSED')]))).toBe('refused');
    expect(classifyNetworkError(new Error('weird'))).toBe('other');
  });
});

describe('tcp and dns probes', () => {
  it('tcp: ok on connect, refused on a closed port', async () => {
    const srv = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const common = { intervalMs: 100, timeoutMs: 500, maxInFlight: 10 };
    const up = new TcpProbe({ kind: 'tcp', name: 't', host: '127.0.0.1', port, ...common });
    expect(await up.attempt(attempt())).toEqual({ ok: true, status: null, error: null });
    await new Promise((r) => srv.close(r));
    expect(await up.attempt(attempt())).toMatchObject({ ok: false, error: 'refused' });
  });

  it('dns: records the answers; an unknown name is a dns failure', async () => {
    const common = { intervalMs: 100, timeoutMs: 2000, maxInFlight: 10 };
    const local = new DnsProbe({ kind: 'dns', name: 'd', hostname: 'localhost', recordType: 'lookup', ...common });
    const res = await local.attempt(attempt(2000));
    expect(res.ok).toBe(true);
    expect(res.answers?.some((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
    const bad = new DnsProbe({
      kind: 'dns',
      name: 'd',
      hostname: 'no-such-host.invalid',
      recordType: 'lookup',
      ...common,
    });
    expect(await bad.attempt(attempt(2000))).toMatchObject({ ok: false, error: 'dns' });
  });
});
