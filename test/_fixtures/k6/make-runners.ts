// Writes the output of three k6 runners of one distributed test (the k6 operator's parallel
// runners, each `k6 run --out json=<file>`), in the documented k6 JSON output format (docs/k6.md):
// Metric declarations, then Points with RFC 3339 nanosecond times. Deterministic (seeded).
// Every runner sends 5 requests/s for 24 s; the target fails from 8.0 s to 12.3 s, and each runner
// sees the outage its own way (503s, refused connections, timeouts). Runner 3 writes its times in
// +02:00 and runner 2 drops three iterations during the outage.
// Usage: npx tsx make-runners.ts <dir>   (tests call writeRunnerFiles(dir) directly)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_MS = Date.UTC(2026, 10, 21, 10, 0, 0);
export const OUTAGE = { fromMs: 8000, toMs: 12300 };
export const TIMEOUT_MS = 2000;
const URL = 'http://shop.example.internal/';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Go's time.Time JSON: RFC 3339 with nanoseconds, trailing zeros trimmed, in the given zone. */
function goTime(ms: number, offsetHours: number): string {
  const totalNs = BigInt(Math.round(ms * 1e6));
  const shifted = totalNs + BigInt(offsetHours * 3600) * 1_000_000_000n;
  const secs = shifted / 1_000_000_000n;
  const ns = shifted % 1_000_000_000n;
  const d = new Date(Number(secs) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = ns === 0n ? '' : `.${String(ns).padStart(9, '0').replace(/0+$/, '')}`;
  const zone = offsetHours === 0 ? 'Z' : `${offsetHours > 0 ? '+' : '-'}${p(Math.abs(offsetHours))}:00`;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac}${zone}`;
}

const metric = (name: string, type: string, contains = 'default', thresholds: string[] = []) => ({
  type: 'Metric',
  data: { name, type, contains, thresholds, submetrics: null },
  metric: name,
});
const point = (name: string, time: string, value: number, tags: Record<string, string> | null) => ({ metric: name, type: 'Point', data: { time, value, tags } });

interface Runner {
  name: string;
  seed: number;
  startMs: number;
  okMs: [number, number];
  failure: 's503' | 'refused' | 'timeout';
  offset: number;
  dropped?: number;
}

const RUNNERS: Runner[] = [
  { name: 'k6-runner-1', seed: 11, startMs: 67, okMs: [8, 20], failure: 's503', offset: 0 },
  { name: 'k6-runner-2', seed: 22, startMs: 134, okMs: [15, 40], failure: 'refused', offset: 0, dropped: 3 },
  { name: 'k6-runner-3', seed: 33, startMs: 201, okMs: [30, 90], failure: 'timeout', offset: 2 },
];

function runnerLines(r: Runner, baseMs: number): object[] {
  const rand = rng(r.seed);
  const lines: object[] = [
    metric('http_reqs', 'counter'),
    metric('http_req_duration', 'trend', 'time', ['p(95)<500']),
    metric('http_req_failed', 'rate'),
    metric('iterations', 'counter'),
  ];
  let droppedLeft = r.dropped ?? 0;
  for (let i = 0; i < 120; i++) {
    const start = r.startMs + i * 200;
    const down = start >= OUTAGE.fromMs && start < OUTAGE.toMs;
    let dur: number;
    let tags: Record<string, string>;
    const base = { group: '', method: 'GET', name: URL, scenario: 'default', url: URL };
    if (!down) {
      dur = r.okMs[0] + rand() * (r.okMs[1] - r.okMs[0]);
      tags = { ...base, expected_response: 'true', proto: 'HTTP/1.1', status: '200' };
    } else if (r.failure === 's503') {
      dur = 2 + rand() * 3;
      tags = { ...base, expected_response: 'false', proto: 'HTTP/1.1', status: '503', error_code: '1503' };
    } else if (r.failure === 'refused') {
      dur = 0;
      tags = {
        ...base,
        expected_response: 'false',
        proto: '',
        status: '0',
        error_code: '1212',
        error: 'dial tcp 10.0.3.7:443: connect: connection refused',
      };
    } else {
      dur = TIMEOUT_MS + 0.311;
      tags = { ...base, expected_response: 'false', proto: '', status: '0', error_code: '1050', error: 'request timeout' };
    }
    dur = Math.round(dur * 1e6) / 1e6;
    const t = goTime(baseMs + start + dur, r.offset);
    lines.push(point('http_reqs', t, 1, tags));
    lines.push(point('http_req_duration', t, dur, tags));
    lines.push(point('http_req_failed', t, down ? 1 : 0, tags));
    lines.push(point('iterations', t, 1, { group: '', scenario: 'default' }));
    if (down && droppedLeft > 0 && i % 4 === 0) {
      if (droppedLeft === r.dropped) lines.push(metric('dropped_iterations', 'counter'));
      droppedLeft--;
      lines.push(point('dropped_iterations', goTime(baseMs + start + 100, r.offset), 1, { scenario: 'default' }));
    }
  }
  return lines;
}

/** Writes `<dir>/<runner>.ndjson` for each runner (times from `baseMs`); returns the paths. */
export function writeRunnerFiles(dir: string, baseMs: number = BASE_MS): string[] {
  mkdirSync(dir, { recursive: true });
  return RUNNERS.map((r) => {
    const path = join(dir, `${r.name}.ndjson`);
    writeFileSync(path, `${runnerLines(r, baseMs).map((l) => JSON.stringify(l)).join('\n')}\n`);
    return path;
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  for (const p of writeRunnerFiles(process.argv[2] ?? '.')) console.log(p);
}
