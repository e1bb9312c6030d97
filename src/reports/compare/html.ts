import type { ComparedRun, CompareResult } from '../compare.js';
import { escapeHtml as e } from '../escape.js';
import { fmtTime } from '../format.js';
import { latencyChart } from '../html/charts.js';
import { REPORT_CSS } from '../html/styles.js';
import { redact } from '../redact.js';
import { buildSeries, type ProbeSamples } from '../series.js';

/**
 * `compare --html`: one self-contained page (no script, no fetch: the same Content-Security-Policy
 * as report.html) with the verdict, each probe's latency over time for both runs side by side on
 * the same time axis relative to F, and the comparison table.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `${REPORT_CSS}
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.pair h4 { margin: 4px 0; font-size: 13px; }
tr.regressed td { background: var(--bad-bg); }
tr.improved td { background: var(--ok-bg); }
.banner.cmp { grid-template-columns: 1fr; gap: 6px; }
.banner.cmp .verdict { font-size: 20px; }
.banner.regressed { background: var(--bad-bg); border: 2px solid var(--bad); }
.banner.regressed .verdict { color: var(--bad); }
.banner.clean { background: var(--ok-bg); border: 2px solid var(--ok); }
.banner.clean .verdict { color: var(--ok); }
`;

/** Both runs' charts span the same offsets from their own F, so equal x means equal time since the fault. */
function alignedRanges(
  a: ComparedRun,
  b: ComparedRun,
): [{ startMs: number; endMs: number }, { startMs: number; endMs: number }] | null {
  const span = (r: ComparedRun) => {
    const F = r.evidence.measurements.faultAtMs;
    const all = Object.values(r.evidence.measurements.probes).map((p) => p.phases.all);
    const starts = all.map((s) => s.startMs).filter((x): x is number => x !== null);
    const ends = all.map((s) => s.endMs).filter((x): x is number => x !== null);
    if (F === null || !starts.length || !ends.length) return null;
    return { F, before: F - Math.min(...starts), after: Math.max(...ends) - F };
  };
  const sa = span(a);
  const sb = span(b);
  if (!sa || !sb) return null;
  const before = Math.max(sa.before, sb.before);
  const after = Math.max(sa.after, sb.after);
  return [
    { startMs: sa.F - before, endMs: sa.F + after },
    { startMs: sb.F - before, endMs: sb.F + after },
  ];
}

function chartOf(r: ComparedRun, probe: string, range: { startMs: number; endMs: number }): string {
  const data: ProbeSamples | undefined = r.samples.find((s) => s.header.probe === probe);
  const pm = r.evidence.measurements.probes[probe];
  if (!data || !pm) return '<p class="muted">no samples for this probe</p>';
  const rto = pm.rto;
  return latencyChart(buildSeries(data, range, 300), pm, {
    faultAtMs: r.evidence.measurements.faultAtMs,
    detectedAtMs: rto?.detectedAtMs ?? (rto?.detectedAt ? Date.parse(rto.detectedAt) : null),
    recoveredAtMs: rto?.recoveredAtMs ?? (rto?.recoveredAt ? Date.parse(rto.recoveredAt) : null),
  });
}

export function renderCompareHtml(result: CompareResult, a: ComparedRun, b: ComparedRun): string {
  const n = result.rows.filter((r) => r.regressed).length;
  const ranges = alignedRanges(a, b);
  const probes = Object.keys(b.evidence.measurements.probes).filter((p) => a.evidence.measurements.probes[p]);
  const charts = ranges
    ? probes
        .map(
          (p) => `<h3>${e(p)}</h3>
<div class="pair" data-probe="${e(p)}"><div class="chart"><h4>old: ${e(result.old.runId)}</h4>${chartOf(a, p, ranges[0])}</div><div class="chart"><h4>new: ${e(
            result.new.runId,
          )}</h4>${chartOf(b, p, ranges[1])}</div></div>`,
        )
        .join('\n')
    : '<p class="muted">No fault time in one of the runs: no aligned charts.</p>';
  const rows = result.rows
    .map(
      (r) =>
        `<tr class="${r.verdict.replace(' ', '-')}" data-metric="${e(r.metric)}"><td>${e(r.metric)}</td><td class="num">${e(r.old)}</td><td class="num">${e(
          r.new,
        )}</td><td class="num">${e(r.change)}</td><td>${e(r.verdict.toUpperCase())}</td><td class="muted">${e(r.note)}</td></tr>`,
    )
    .join('\n');
  const head = `${n ? `REGRESSED: ${n} metric${n === 1 ? '' : 's'}` : 'NO REGRESSION'} beyond resolution and tolerance`;
  const body = `<section class="banner cmp ${n ? 'regressed' : 'clean'}" id="verdict" data-regressed="${n > 0}">
<div class="verdict">${e(head)}</div>
<div><h1>${e(a.evidence.scenario.name)}</h1><div class="sub">old <span class="mono">${e(result.old.runId)}</span> (${e(
    fmtTime(result.old.finishedAt),
  )}, ${e(result.old.verdict)}) \u2192 new <span class="mono">${e(result.new.runId)}</span> (${e(fmtTime(result.new.finishedAt))}, ${e(
    result.new.verdict,
  )})</div><div class="sub" id="drill" data-basis="${result.drill.basis}">${e(result.drill.detail)}</div></div>
</section>
<h2>What users saw, side by side</h2>
<p class="muted">Latency over time per probe, both runs on the same axis relative to their fault time F (phase bands, failed samples in red, F / detection / recovery markers).</p>
${charts}
<h2>Metrics</h2>
<p class="muted">A metric regressed only when the newer run is worse by more than both runs' resolution plus the tolerance; a percentile only when its confidence interval lies above the older one's by more than that. Intervals in brackets.</p>
<table id="compare"><thead><tr><th>metric</th><th class="num">old</th><th class="num">new</th><th class="num">change</th><th>verdict</th><th>why</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  return redact(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`compare: ${a.evidence.scenario.name} (${result.old.runId} \u2192 ${result.new.runId})`)}</title>
<style>${CSS}</style></head>
<body><main>
${body}
</main></body></html>
`);
}
