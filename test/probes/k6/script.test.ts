import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveGenerateSpec } from '../../../src/probes/k6/config.js';
import {
  GENERATED_CONFIG_NAME,
  GENERATED_SCRIPT,
  GENERATED_SCRIPT_NAME,
  planGeneratedScript,
} from '../../../src/probes/k6/script.js';

/**
 * Runs the generated script in Node with fake `k6`, `k6/http` and `k6/metrics` modules (package
 * exports in a temp node_modules), so its options and its per-iteration behaviour are checked
 * without a k6 binary.
 */
interface Recorded {
  metrics: Record<string, { value: number; tags: Record<string, string> }[]>;
  requests: { method: string; url: string; body: unknown; params: Record<string, unknown> }[];
  responses: { status: number; error_code: number; error: string }[];
}

const FAKE_HTTP = `
export function expectedStatuses(...s) { return { expectedStatuses: s }; }
export function request(method, url, body, params) {
  const rec = globalThis.__k6rec;
  rec.requests.push({ method, url, body, params });
  return rec.responses.shift();
}
export default { request, expectedStatuses };
`;
const FAKE_METRICS = `
class M {
  constructor(name, isTime) { this.name = name; this.isTime = isTime; globalThis.__k6rec.metrics[name] = []; }
  add(value, tags) { globalThis.__k6rec.metrics[this.name].push({ value: Number(value), tags: { ...tags } }); }
}
export class Trend extends M {}
export class Rate extends M {}
export class Counter extends M {}
`;

async function loadGenerated(config: object) {
  const dir = mkdtempSync(join(tmpdir(), 'dp-k6-script-'));
  const mod = join(dir, 'node_modules', 'k6');
  mkdirSync(mod, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(
    join(mod, 'package.json'),
    JSON.stringify({ name: 'k6', type: 'module', exports: { './http': './http.js', './metrics': './metrics.js' } }),
  );
  writeFileSync(join(mod, 'http.js'), FAKE_HTTP);
  writeFileSync(join(mod, 'metrics.js'), FAKE_METRICS);
  writeFileSync(join(dir, GENERATED_SCRIPT_NAME), GENERATED_SCRIPT);
  writeFileSync(join(dir, GENERATED_CONFIG_NAME), JSON.stringify(config));
  const rec: Recorded = { metrics: {}, requests: [], responses: [] };
  const g = globalThis as Record<string, unknown>;
  g.__k6rec = rec;
  g.__ENV = { DRILLPROOF_SUMMARY_PATH: join(dir, 'summary.json') };
  // k6's open() is relative to the script.
  g.open = (p: string) => readFileSync(join(dir, p), 'utf8');
  const script = (await import(pathToFileURL(join(dir, GENERATED_SCRIPT_NAME)).href)) as {
    options: Record<string, unknown> & { scenarios: { drillproof: Record<string, unknown> } };
    default: () => void;
    handleSummary: (d: unknown) => Record<string, string>;
  };
  return { script, rec, dir };
}

describe('generated k6 script', () => {
  const spec = resolveGenerateSpec({
    url: 'http://127.0.0.1:18080/health',
    rate: '50/s',
    timeout: '2s',
    expectStatus: [200, 204],
    headers: { 'x-drill': 'yes' },
    thresholds: { drillproof_latency: ['p(95)<800'] },
  });
  const plan = planGeneratedScript(spec, 600_000);

  it('sizes the open-loop scenario from rate × timeout', () => {
    expect(plan.config).toMatchObject({
      rate: 50,
      timeUnit: '1s',
      timeout: '2000ms',
      duration: '600s',
      preAllocatedVUs: 10,
    });
    // Little's law: 50/s × 2 s = 100 requests can be in flight during an outage, plus 20 % and the base.
    expect(plan.config.maxVUs).toBe(Math.ceil(50 * 2 * 1.2) + 10);
    expect(plan.intervalMs).toBe(20);
    const slow = planGeneratedScript(
      resolveGenerateSpec({ url: 'http://127.0.0.1/', rate: '90/m', timeout: '500ms' }),
      60_000,
    );
    expect(slow.config).toMatchObject({ rate: 1500, timeUnit: '1000s' });
    expect(slow.intervalMs).toBeCloseTo(1000 / 1.5, 9);
    // the scenario's maxVUs is a floor, never a cap below rate × timeout
    const floor = (maxVUs: number) =>
      planGeneratedScript(
        resolveGenerateSpec({ url: 'http://127.0.0.1/', rate: '50/s', timeout: '2s', maxVUs }),
        60_000,
      ).config.maxVUs;
    expect(floor(100)).toBe(130);
    expect(floor(500)).toBe(500);
  });

  it('exports k6 options: constant-arrival-rate, explicit sizing, 5 s DNS TTL, thresholds', async () => {
    const { script } = await loadGenerated(plan.config);
    expect(script.options.scenarios.drillproof).toEqual({
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: '600s',
      preAllocatedVUs: 10,
      maxVUs: 130,
      gracefulStop: '3s',
    });
    expect(script.options.dns).toEqual({ ttl: '5s', select: 'random', policy: 'preferIPv4' });
    expect(script.options.thresholds).toEqual({ drillproof_latency: ['p(95)<800'] });
    expect(script.options.summaryTrendStats).toEqual(expect.arrayContaining(['p(95)', 'p(99)', 'max']));
    expect(script.options.discardResponseBodies).toBe(true);
  });

  it('records wall-clock latency and success per iteration with status and error code tags', async () => {
    const { script, rec } = await loadGenerated(plan.config);
    rec.responses.push(
      { status: 204, error_code: 0, error: '' },
      { status: 0, error_code: 1212, error: 'dial tcp 127.0.0.1:18080: connect: connection refused' },
      { status: 503, error_code: 1503, error: '' },
    );
    script.default();
    script.default();
    script.default();
    expect(rec.requests[0]).toMatchObject({
      method: 'GET',
      url: 'http://127.0.0.1:18080/health',
      body: null,
      params: {
        timeout: '2000ms',
        headers: { 'x-drill': 'yes' },
        responseType: 'none',
        responseCallback: { expectedStatuses: [200, 204] },
      },
    });
    expect(rec.metrics.drillproof_latency?.map((m) => m.tags)).toEqual([
      { ok: 'true', status: '204', error_code: '0' },
      { ok: 'false', status: '0', error_code: '1212', error: 'dial tcp 127.0.0.1:18080: connect: connection refused' },
      { ok: 'false', status: '503', error_code: '1503' },
    ]);
    expect(rec.metrics.drillproof_latency?.every((m) => m.value >= 0 && m.value < 1000)).toBe(true);
    expect(rec.metrics.drillproof_ok?.map((m) => m.value)).toEqual([1, 0, 0]);
  });

  it('handleSummary writes the summary data as JSON to the path drillproof passes', async () => {
    const { script, dir } = await loadGenerated(plan.config);
    const out = script.handleSummary({ metrics: { x: { type: 'counter', values: { count: 1 } } } });
    expect(Object.keys(out)).toEqual([join(dir, 'summary.json')]);
    expect(JSON.parse(out[join(dir, 'summary.json')] as string)).toEqual({
      metrics: { x: { type: 'counter', values: { count: 1 } } },
    });
  });

  it('rejects bad generate specs with the field named', () => {
    expect(() => resolveGenerateSpec({ url: 'http://127.0.0.1/', rate: 'fast', timeout: '2s' })).toThrow(
      /load\.k6\.generate\.rate/,
    );
    expect(() => resolveGenerateSpec({ url: 'http://127.0.0.1/', rate: '5/s', timeout: '2' })).toThrow(
      /generate\.timeout/,
    );
    expect(() => resolveGenerateSpec({ url: 'ftp://x/', rate: '5/s', timeout: '2s' })).toThrow(/generate\.url/);
  });
});
