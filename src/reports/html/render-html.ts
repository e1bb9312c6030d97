import { PERCENTILE_COLUMNS } from '../../measurements/format.js';
import type { PhaseName, PhaseStats } from '../../run/measurements.js';
import { escapeHtml as e } from '../escape.js';
import type { Evidence } from '../evidence-schema.js';
import { capitalized, fmtMs, fmtRatio, fmtSeconds, fmtTime } from '../format.js';
import { redact } from '../redact.js';
import type { ProbeSeries } from '../series.js';
import { availabilityStrip, latencyChart } from './charts.js';
import { ftrSection } from './ftr-section.js';
import {
  awsCallsSection,
  environmentSection,
  faultsSection,
  replacementsSection,
  scenarioSection,
  signingSection,
  timelineSection,
  verificationSection,
} from './sections.js';
import { REPORT_CSS } from './styles.js';

/**
 * report.html: one self-contained file. A Content-Security-Policy forbids every fetch and every
 * script, so the page cannot reach the network even if a value slipped through escaping.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const VERDICT_TEXT: Record<Evidence['run']['verdict'], string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  inconclusive: 'INCONCLUSIVE',
  aborted: 'ABORTED',
  error: 'ERROR',
};

const PHASES: PhaseName[] = ['baseline', 'fault', 'recovery', 'all'];

const ms = (v: number | null) => (v === null ? '–' : fmtMs(v));
const ratio = (v: number | null) => (v === null ? '–' : fmtRatio(v));
const secs = (v: number | null) => (v === null ? '–' : fmtSeconds(v));
const epochIso = (v: number | null) => (v === null ? null : new Date(v).toISOString());

function banner(ev: Evidence): string {
  const rtoObj = ev.objectives.find((o) => o.name === 'rto');
  const rpoObj = ev.objectives.find((o) => o.name === 'rpo');
  const kpi = (label: string, value: string, ok: boolean | null, sub: string) =>
    `<div class="kpi"><div class="v ${ok === null ? '' : ok ? 'ok' : 'bad'}">${e(value)}</div><div class="l">${e(label)}${
      sub ? ` \u00b7 ${e(sub)}` : ''
    }</div></div>`;
  const kpis: string[] = [];
  if (ev.headline.caveat) kpis.push(kpi('RTO', capitalized(ev.headline.caveat), false, 'not measured'));
  else if (ev.headline.rto)
    kpis.push(kpi('RTO', ev.headline.rto.text, rtoObj?.ok ?? null, rtoObj ? `objective ${rtoObj.expected}` : ''));
  if (ev.headline.rpo)
    kpis.push(kpi('RPO', ev.headline.rpo.text, rpoObj?.ok ?? null, rpoObj ? `objective ${rpoObj.expected}` : ''));
  for (const r of ev.replacements)
    kpis.push(kpi(`${r.service} replaced`, fmtSeconds(r.seconds), null, `${r.desiredCount} healthy tasks`));
  kpis.push(
    kpi(
      'objectives met',
      `${ev.headline.objectivesMet} / ${ev.headline.objectivesTotal}`,
      ev.headline.objectivesMet === ev.headline.objectivesTotal,
      '',
    ),
  );
  return `<section class="banner ${ev.run.verdict}" id="verdict" data-verdict="${ev.run.verdict}">
<div class="verdict">${VERDICT_TEXT[ev.run.verdict]}</div>
<div><h1>${e(ev.scenario.name)}</h1><div class="sub">run <span class="mono">${e(ev.run.id)}</span> \u00b7 ${e(
    fmtTime(ev.run.startedAt),
  )} \u2192 ${e(fmtTime(ev.run.finishedAt))} \u00b7 ${e(ev.target.provider === 'lab' ? 'local lab' : 'AWS')} ${e(
    ev.target.region,
  )}${ev.run.reason ? ` \u00b7 ${e(ev.run.reason)}` : ''}</div></div>
<div class="kpis">${kpis.join('')}</div>
</section>`;
}

function objectivesTable(ev: Evidence): string {
  if (ev.objectives.length === 0) return '<p class="muted">The scenario declares no objectives.</p>';
  const rows = ev.objectives
    .map(
      (o) =>
        `<tr data-objective="${e(o.name)}"><td class="mono">${e(o.name)}</td><td>${e(o.description)}${
          o.reason ? `<div class="muted">${e(o.reason)}</div>` : ''
        }</td><td class="num" data-col="expected">${e(o.expected)}</td><td class="num" data-col="actual">${e(
          o.actual,
        )}</td><td><span class="pill ${o.ok ? 'pass' : 'fail'}">${o.ok ? 'PASS' : 'FAIL'}</span></td></tr>`,
    )
    .join('\n');
  return `<table id="objectives"><thead><tr><th>objective</th><th>what</th><th class="num">expected</th><th class="num">actual</th><th>result</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function phaseRow(name: PhaseName, p: PhaseStats): string {
  return `<tr><td>${name}</td><td class="num">${p.scheduled}</td><td class="num">${p.failed}</td><td class="num">${ratio(
    p.availability,
  )}</td>${PERCENTILE_COLUMNS.map((c) => `<td class="num">${ms(p[c.key])}</td>`).join('')}</tr>`;
}

function probeSection(ev: Evidence, s: ProbeSeries | undefined, name: string): string {
  const pm = ev.measurements.probes[name];
  if (!pm) return '';
  const rto = pm.rto;
  const chart = s
    ? `<div class="chart">${latencyChart(s, pm, {
        faultAtMs: ev.measurements.faultAtMs,
        detectedAtMs: rto?.detectedAtMs ?? (rto?.detectedAt ? Date.parse(rto.detectedAt) : null),
        recoveredAtMs: rto?.recoveredAtMs ?? (rto?.recoveredAt ? Date.parse(rto.recoveredAt) : null),
      })}</div>`
    : '<p class="muted">No samples in the run directory for this probe.</p>';
  const rtoText = rto
    ? `<p>${
        rto.noOutage && ev.headline.caveat
          ? `<strong>No failed sample after the fault, which shows nothing: ${e(ev.headline.caveat)}.</strong>`
          : rto.noOutage
            ? 'No failed sample after the fault: RTO 0s.'
            : rto.seconds === null
              ? '<strong>Not recovered before the observe timeout: RTO not measured.</strong>'
              : `RTO <strong>${e(fmtSeconds(rto.seconds))}</strong> (\u00b1${e(fmtSeconds(rto.resolutionSeconds))})`
      } Outage detected ${rto.timeToDetectSeconds === null ? '–' : e(fmtSeconds(rto.timeToDetectSeconds))} after the fault; outage lasted ${e(
        secs(rto.outageDurationSeconds),
      )}; failed time ${e(fmtSeconds(rto.failedTimeSeconds))}; ${rto.flaps} failure run${rto.flaps === 1 ? '' : 's'}; recovery window ${e(
        fmtSeconds(rto.windowSeconds),
      )}.</p>`
    : '';
  return `<section class="probe" data-probe="${e(name)}"><h3>${e(name)} <span class="muted">(${e(pm.kind)})</span></h3>
${chart}${rtoText}
<table class="phases"><thead><tr><th>phase</th><th class="num">scheduled</th><th class="num">failed</th><th class="num">availability</th>${PERCENTILE_COLUMNS.map(
    (c) => `<th class="num">${c.label}</th>`,
  ).join('')}</tr></thead><tbody>
${PHASES.map((p) => phaseRow(p, pm.phases[p])).join('\n')}
</tbody></table></section>`;
}

function rpoSection(ev: Evidence): string {
  const r = ev.measurements.rpo;
  if (!r) return '';
  return `<h2>Data loss (RPO)</h2>
<table id="rpo"><tbody>
<tr><th>heartbeat probe</th><td>${e(r.probe)} (${e(r.kind)}, a write every ${e(fmtSeconds(r.resolutionSeconds))})</td></tr>
<tr><th>RPO</th><td class="mono">${r.seconds === null ? 'not measured (no read-back)' : e(fmtSeconds(r.seconds))}${
    r.seconds === 0 ? ` (below ${e(fmtSeconds(r.resolutionSeconds))})` : ''
  }</td></tr>
<tr><th>writes</th><td>${r.attemptedWrites} attempted, ${r.acknowledgedWrites} acknowledged, ${r.indeterminateWrites} indeterminate, ${r.readBackWrites} read back, <strong>${r.lostWrites} lost</strong></td></tr>
${r.lostSeqs.length ? `<tr><th>lost seqs</th><td class="mono">${e(r.lostSeqs.slice(0, 50).join(', '))}${r.lostSeqs.length > 50 ? ' …' : ''}</td></tr>` : ''}
</tbody></table>`;
}

/** Renders report.html. Pure: the same evidence and series give the same bytes. */
export function renderHtml(ev: Evidence, series: readonly ProbeSeries[]): string {
  const byName = new Map(series.map((s) => [s.probe, s]));
  // The probe behind the headline RTO (what users see) first, then the others as measured.
  const headlineProbe = ev.measurements.rto?.probe;
  const probeNames = Object.keys(ev.measurements.probes).sort(
    (a, b) => Number(b === headlineProbe) - Number(a === headlineProbe),
  );
  const stripSeries = probeNames.map((n) => byName.get(n)).filter((s): s is ProbeSeries => s !== undefined);
  const faultIso = epochIso(ev.measurements.faultAtMs);
  const body = `${banner(ev)}
<h2>Objectives: expected vs actual</h2>
${objectivesTable(ev)}
${signingSection(ev)}
<h2>What users saw</h2>
<div class="legend"><span><span class="sw" style="background:#eef2f7"></span>baseline</span><span><span class="sw" style="background:#fde2e2"></span>fault (F to recovery)</span><span><span class="sw" style="background:#e3f4e8"></span>recovery</span><span><span class="sw" style="background:#1d4ed8"></span>latency of ok samples (min\u2013max per column)</span><span><span class="sw" style="background:#dc2626"></span>failed samples</span></div>
${
  stripSeries.length
    ? `<h3>Availability over time</h3><div class="chart">${availabilityStrip(stripSeries, {
        faultAtMs: ev.measurements.faultAtMs,
        detectedAtMs: null,
        recoveredAtMs: null,
      })}</div>`
    : ''
}
<p class="muted">Latency is measured from each sample's scheduled time (open loop); failures count at the timeout in P50/P95/P99/max. ${
    faultIso ? `F = ${e(fmtTime(faultIso))}.` : ''
  }</p>
${probeNames.map((n) => probeSection(ev, byName.get(n), n)).join('\n')}
${rpoSection(ev)}
${replacementsSection(ev)}
${ftrSection(ev)}
${faultsSection(ev)}
${verificationSection(ev)}
${timelineSection(ev)}
${awsCallsSection(ev)}
${scenarioSection(ev)}
${environmentSection(ev)}
<footer>Part of a signed evidence pack: <span class="mono">SHA256SUMS</span> and <span class="mono">evidence.sigstore.json</span> (DSSE over an in-toto statement listing every file). Check it with <span class="mono">${e(ev.signing?.verify.replace('<pack>', '<dir>') ?? 'drillproof verify <dir>')}</span> or the openssl steps in <span class="mono">VERIFY.md</span>. Machine-readable result: <span class="mono">evidence.json</span> (schema version ${ev.schemaVersion}).</footer>`;
  // A last redaction pass over the finished page: values can arrive through any field.
  return redact(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="drillproof ${e(ev.tool.version)}">
<title>${e(`${VERDICT_TEXT[ev.run.verdict]}: ${ev.scenario.name} (${ev.run.id})`)}</title>
<style>${REPORT_CSS}</style></head>
<body><main>
${body}
</main></body></html>
`);
}
