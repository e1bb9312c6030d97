import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectK6Binary } from '../../../src/probes/k6/binary.js';
import { startK6Load } from '../../../src/probes/k6/runner.js';

/**
 * Runs the real k6 binary when K6_BIN is set (it cannot be installed on the development machines):
 * re-validates the output, summary, REST and exit-code assumptions the fixtures encode.
 */
const K6_BIN = process.env.K6_BIN;

describe('k6 contract (real binary, K6_BIN)', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/fail') res.writeHead(503).end('down');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.runIf(K6_BIN)('reports a v1 or v2 version', async () => {
    const info = await inspectK6Binary(K6_BIN as string);
    expect([1, 2]).toContain(info.major);
  });

  it.runIf(K6_BIN)(
    'runs generated load to the end: samples, summary, thresholds, exit 0',
    async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-real-'));
      const h = await startK6Load({
        config: {
          generate: {
            url: `${url}/`,
            rate: '20/s',
            timeout: '1s',
            duration: '3s',
            thresholds: { drillproof_ok: ['rate>0.9'] },
          },
        },
        outDir,
        runId: 'contract',
      });
      const r = await h.done;
      expect(r.classification).toBe('passed');
      expect(r.badLines).toBe(0);
      expect(r.samples).toBeGreaterThanOrEqual(50);
      expect(r.failed).toBe(0);
      expect(r.summary?.shape).toBe('handle-summary');
      expect(r.thresholds).toEqual({ 'drillproof_ok: rate>0.9': true });
    },
    60_000,
  );

  it.runIf(K6_BIN)(
    'stops through the REST API with exit 103',
    async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-real-'));
      const h = await startK6Load({
        config: { generate: { url: `${url}/`, rate: '10/s', timeout: '1s', duration: '60s' } },
        outDir,
        runId: 'contract',
      });
      await new Promise((r) => setTimeout(r, 2500));
      const r = await h.stop('contract test');
      expect(r).toMatchObject({ exitCode: 103, classification: 'stopped', stoppedWith: 'rest' });
      expect(r.samples).toBeGreaterThan(5);
    },
    60_000,
  );

  it.runIf(K6_BIN)(
    'runs a user script with --summary-export and failed thresholds: exit 99',
    async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'dp-k6-real-'));
      const script = join(outDir, 'load.js');
      writeFileSync(
        script,
        `import http from 'k6/http';
export const options = { vus: 2, duration: '2s', thresholds: { http_req_failed: ['rate<0.01'] } };
export default function () { http.get(__ENV.URL, { timeout: '1s' }); }
`,
      );
      const h = await startK6Load({
        config: { script, env: { URL: `${url}/fail` }, timeout: '1s' },
        outDir,
        runId: 'contract',
      });
      const r = await h.done;
      expect(r).toMatchObject({ exitCode: 99, classification: 'thresholds-failed' });
      expect(r.summary?.shape).toBe('summary-export');
      expect(r.thresholds).toEqual({ 'http_req_failed: rate<0.01': false });
      expect(r.failed).toBe(r.samples);
    },
    60_000,
  );
});
