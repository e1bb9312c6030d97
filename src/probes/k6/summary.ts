/**
 * Reads k6's end-of-test summary in any of its three shapes:
 * - `handle-summary`: the `data` object given to `handleSummary(data)` (what drillproof's generated
 *   script writes): `metrics.<name>.values`, thresholds as `{ "<src>": { ok } }` (ok = passed);
 * - `summary-export`: `--summary-export=<file>`: each metric is its values object directly, and
 *   thresholds are `{ "<src>": true }` where **true means the threshold FAILED**;
 * - `machine-readable`: `--new-machine-readable-summary` (schema 1.0.0): no threshold results.
 */
export type K6SummaryShape = 'handle-summary' | 'summary-export' | 'machine-readable';

export interface K6SummaryMetric {
  type: string | null;
  values: Record<string, number>;
}

export interface K6Summary {
  shape: K6SummaryShape;
  metrics: Record<string, K6SummaryMetric>;
  /** `<metric>: <threshold source>` → true when the threshold passed. */
  thresholds: Record<string, boolean>;
  checks: { name: string; passes: number; fails: number }[];
  testRunDurationMs: number | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function numbers(o: Obj): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** Detects the shape and normalises it; returns null when the JSON is not a k6 summary. */
export function parseK6Summary(json: unknown): K6Summary | null {
  if (!isObj(json)) return null;
  if (isObj(json.results) && Array.isArray(json.results.metrics)) return machineReadable(json);
  if (!isObj(json.metrics)) return null;
  const entries = Object.values(json.metrics).filter(isObj);
  const legacy = entries.length === 0 ? isObj(json.state) || isObj(json.options) : entries.some((m) => isObj(m.values));
  return legacy ? handleSummaryData(json) : summaryExport(json);
}

function handleSummaryData(json: Obj): K6Summary {
  const metrics: Record<string, K6SummaryMetric> = {};
  const thresholds: Record<string, boolean> = {};
  for (const [name, m] of Object.entries(json.metrics as Obj)) {
    if (!isObj(m)) continue;
    metrics[name] = {
      type: typeof m.type === 'string' ? m.type : null,
      values: isObj(m.values) ? numbers(m.values) : {},
    };
    if (isObj(m.thresholds)) {
      for (const [src, r] of Object.entries(m.thresholds)) {
        if (isObj(r) && typeof r.ok === 'boolean') thresholds[`${name}: ${src}`] = r.ok;
      }
    }
  }
  const state = isObj(json.state) ? json.state : {};
  return {
    shape: 'handle-summary',
    metrics,
    thresholds,
    checks: collectChecks(json.root_group),
    testRunDurationMs: typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs : null,
  };
}

function summaryExport(json: Obj): K6Summary {
  const metrics: Record<string, K6SummaryMetric> = {};
  const thresholds: Record<string, boolean> = {};
  for (const [name, m] of Object.entries(json.metrics as Obj)) {
    if (!isObj(m)) continue;
    metrics[name] = { type: null, values: numbers(m) };
    if (isObj(m.thresholds)) {
      // Inverted on purpose by k6: `true` in --summary-export means the threshold failed.
      for (const [src, failed] of Object.entries(m.thresholds)) {
        if (typeof failed === 'boolean') thresholds[`${name}: ${src}`] = !failed;
      }
    }
  }
  return {
    shape: 'summary-export',
    metrics,
    thresholds,
    checks: collectChecks(json.root_group),
    testRunDurationMs: null,
  };
}

function machineReadable(json: Obj): K6Summary {
  const results = json.results as Obj;
  const metrics: Record<string, K6SummaryMetric> = {};
  for (const m of results.metrics as unknown[]) {
    if (!isObj(m) || typeof m.name !== 'string') continue;
    metrics[m.name] = {
      type: typeof m.type === 'string' ? m.type : null,
      values: isObj(m.values) ? numbers(m.values) : {},
    };
  }
  const checks: K6Summary['checks'] = [];
  const cr = isObj(results.checks) && Array.isArray(results.checks.results) ? results.checks.results : [];
  for (const c of cr) {
    if (isObj(c) && typeof c.name === 'string') {
      checks.push({ name: c.name, passes: Number(c.passes ?? 0), fails: Number(c.fails ?? 0) });
    }
  }
  return { shape: 'machine-readable', metrics, thresholds: {}, checks, testRunDurationMs: null };
}

/** Checks of the root group and every nested group (arrays in handleSummary, objects in exports). */
function collectChecks(group: unknown): K6Summary['checks'] {
  const out: K6Summary['checks'] = [];
  const visit = (g: unknown): void => {
    if (!isObj(g)) return;
    const checks = Array.isArray(g.checks) ? g.checks : isObj(g.checks) ? Object.values(g.checks) : [];
    for (const c of checks) {
      if (isObj(c) && typeof c.name === 'string') {
        out.push({ name: c.name, passes: Number(c.passes ?? 0), fails: Number(c.fails ?? 0) });
      }
    }
    const groups = Array.isArray(g.groups) ? g.groups : isObj(g.groups) ? Object.values(g.groups) : [];
    for (const sub of groups) visit(sub);
  };
  visit(group);
  return out;
}
