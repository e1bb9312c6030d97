import type { Measurements, ObjectiveVerdict, PhaseStats, RpoResult, RtoResult } from '../run/measurements.js';

const ms = (v: number | null) =>
  v === null ? '-' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toString();
const sec = (v: number | null) => (v === null ? 'unmeasured' : `${Number(v.toFixed(3))}s`);
const ratio = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(3).replace(/\.?0+$/, '')}%`);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '))
    .join('\n');
}

export function formatRto(r: RtoResult): string {
  if (r.noOutage) return `RTO 0s (no outage seen by ${r.probe}; resolution ${r.resolutionSeconds}s)`;
  if (r.seconds === null) {
    return `RTO unmeasured: ${r.probe} did not recover (a clean ${r.windowSeconds}s window) before the end; outage detected ${r.detectedAt}`;
  }
  return `RTO ${sec(r.seconds)} ± ${r.resolutionSeconds}s (${r.probe}: detected after ${sec(r.timeToDetectSeconds)}, outage ${sec(r.outageDurationSeconds)}, failed time ${sec(r.failedTimeSeconds)}, ${r.flaps} failure run${r.flaps === 1 ? '' : 's'})`;
}

export function formatRpo(r: RpoResult): string {
  if (r.seconds === null)
    return `RPO unmeasured (${r.probe}: ${r.acknowledgedWrites} acknowledged writes, no read-back)`;
  const what =
    r.kind === 'restore'
      ? `restore: newest restored heartbeat ${sec(r.seconds)} before the fault`
      : `${r.lostWrites} of ${r.acknowledgedWrites} acknowledged writes lost${r.seconds === 0 ? ` (below ${r.resolutionSeconds}s)` : ''}`;
  return `RPO ${sec(r.seconds)} (${r.probe} ${what}; ${r.indeterminateWrites} indeterminate, ${r.readBackWrites} read back)`;
}

/**
 * The percentile columns, labelled the same in `analyze`, report.html and report.md: the plain
 * labels count every failed sample at the timeout T (the honest flavour objectives use by
 * default); "ok only" ranks the latencies of ok samples only.
 */
export const PERCENTILE_COLUMNS = [
  { label: 'P50', key: 'p50WithFailuresMs' },
  { label: 'P95', key: 'p95WithFailuresMs' },
  { label: 'P99', key: 'p99WithFailuresMs' },
  { label: 'max', key: 'maxWithFailuresMs' },
  { label: 'P50 ok only', key: 'p50Ms' },
  { label: 'P95 ok only', key: 'p95Ms' },
  { label: 'P99 ok only', key: 'p99Ms' },
  { label: 'max ok only', key: 'maxMs' },
] as const satisfies readonly { label: string; key: keyof PhaseStats }[];

export const PERCENTILE_NOTE =
  'latencies in ms; P50, P95, P99 and max count every failed sample at the timeout; "ok only" ranks ok samples only (nearest rank)';

/** The readable summary `drillproof analyze` prints: headline RTO / RPO, then a table per phase. */
export function formatMeasurements(m: Measurements): string {
  const out: string[] = [];
  out.push(`fault at ${m.faultAt ?? 'unknown (no --fault-at, journal entry or fault.json)'}`);
  if (m.rto) out.push(formatRto(m.rto));
  if (m.rpo) out.push(formatRpo(m.rpo));
  const rows: string[][] = [['probe / phase', 'samples', 'ok', 'avail', ...PERCENTILE_COLUMNS.map((c) => c.label)]];
  for (const p of Object.values(m.probes)) {
    for (const [name, st] of Object.entries(p.phases) as [string, PhaseStats][]) {
      if (st.scheduled === 0 && name !== 'all') continue;
      rows.push([
        `${p.name} ${name}`,
        String(st.scheduled),
        String(st.ok),
        ratio(st.availability),
        ...PERCENTILE_COLUMNS.map((c) => ms(st[c.key])),
      ]);
    }
  }
  out.push('', table(rows), PERCENTILE_NOTE);
  const probeRtos = Object.values(m.probes).filter((p) => p.rto && p.rto !== m.rto);
  if (probeRtos.length) {
    out.push('');
    for (const p of probeRtos) if (p.rto) out.push(`${p.name}: ${formatRto(p.rto)}`);
  }
  return out.join('\n');
}

export function formatVerdicts(vs: ObjectiveVerdict[]): string {
  return vs
    .map((v) => {
      const actual =
        v.measured === null
          ? `unmeasured (${v.reason ?? 'no value'})`
          : v.unit === 'ratio'
            ? ratio(v.measured)
            : v.unit === 'seconds'
              ? sec(v.measured)
              : `${ms(v.measured)}${v.unit === 'ms' ? 'ms' : ''}`;
      return `${v.ok ? 'PASS' : 'FAIL'} ${v.name}: expected ${v.target}, actual ${actual}`;
    })
    .join('\n');
}
