import { DrillproofError } from '../../errors.js';
import { parseDurationMs, parseRatePerSecond } from '../../util/units.js';

/** `load.k6.generate` in a scenario: a probe-like spec drillproof turns into a k6 script. */
export interface K6GenerateSpec {
  url: string;
  /** Open-loop arrival rate, e.g. `50/s`. */
  rate: string;
  /** Request timeout T, e.g. `2s`: every request either completes or fails by then. */
  timeout: string;
  method?: string;
  expectStatus?: number[];
  headers?: Record<string, string>;
  body?: string;
  /** How long to generate load; default: until drillproof stops it (the drill's maximum duration). */
  duration?: string;
  /** k6 thresholds, recorded in the evidence, e.g. `{ drillproof_latency: ['p(95)<500'] }`. */
  thresholds?: Record<string, string[]>;
  /** A floor for k6's maxVUs; drillproof raises it to rate × timeout × 1.2 + preAllocatedVUs when lower. */
  maxVUs?: number;
}

/** `load.k6` in a scenario. Exactly one of `script`, `generate` and `external`. */
export interface K6LoadConfig {
  /** Load run elsewhere; its `--out json` files are imported after the drill. */
  external?: { probe: string; runners?: number; description?: string };
  /** A user-owned k6 script, run as is (path relative to the scenario file). */
  script?: string;
  generate?: K6GenerateSpec;
  /** The k6 binary; `--k6` and `K6_BIN` take precedence. */
  binary?: string;
  /** Extensions the binary must contain (names like `xk6-sql` or module paths). */
  extensions?: string[];
  /** Passed to the script as `__ENV` (`-e KEY=VALUE`). */
  env?: Record<string, string>;
  /** Request timeout T for samples of a user-owned script (its own timeouts are unknown); default 60s (k6's default). */
  timeout?: string;
}

/** The generate spec with units resolved. */
export interface ResolvedGenerateSpec {
  url: string;
  ratePerSecond: number;
  timeoutMs: number;
  method: string;
  expectStatus: number[];
  headers: Record<string, string>;
  body: string | null;
  durationMs: number | null;
  thresholds: Record<string, string[]>;
  maxVUs: number | null;
}

function invalid(field: string, message: string, hint: string): DrillproofError {
  return DrillproofError.user('K6ConfigInvalid', `load.k6.${field}: ${message}`, { hint });
}

export function resolveGenerateSpec(g: K6GenerateSpec): ResolvedGenerateSpec {
  const rate = parseRatePerSecond(g.rate);
  if (rate === undefined)
    throw invalid('generate.rate', `${JSON.stringify(g.rate)} is not a rate`, 'write a rate like 50/s or 600/m');
  const timeoutMs = parseDurationMs(g.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw invalid(
      'generate.timeout',
      `${JSON.stringify(g.timeout)} is not a duration`,
      'write a duration like 2s or 500ms',
    );
  }
  let durationMs: number | null = null;
  if (g.duration !== undefined) {
    const d = parseDurationMs(g.duration);
    if (d === undefined || d <= 0)
      throw invalid('generate.duration', `${JSON.stringify(g.duration)} is not a duration`, 'write a duration like 5m');
    durationMs = d;
  }
  let url: URL;
  try {
    url = new URL(g.url);
  } catch {
    throw invalid('generate.url', `${JSON.stringify(g.url)} is not a URL`, 'write an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('generate.url', `${JSON.stringify(g.url)} is not http or https`, 'write an absolute http(s) URL');
  }
  return {
    url: g.url,
    ratePerSecond: rate,
    timeoutMs,
    method: (g.method ?? 'GET').toUpperCase(),
    expectStatus: g.expectStatus && g.expectStatus.length > 0 ? g.expectStatus : [200],
    headers: g.headers ?? {},
    body: g.body ?? null,
    durationMs,
    thresholds: g.thresholds ?? {},
    maxVUs: g.maxVUs ?? null,
  };
}

export function checkLoadConfig(c: K6LoadConfig): void {
  if ((c.script === undefined) === (c.generate === undefined)) {
    throw DrillproofError.user('K6ConfigInvalid', 'load.k6 needs exactly one of script and generate', {
      hint: 'write load.k6.script: ./load.js to run your own script, or load.k6.generate: { url, rate, timeout } to let drillproof write one',
    });
  }
  if (c.timeout !== undefined && !(parseDurationMs(c.timeout) ?? 0)) {
    throw invalid('timeout', `${JSON.stringify(c.timeout)} is not a duration`, 'write a duration like 30s');
  }
}
