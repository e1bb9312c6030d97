import { escapeHtml as e } from '../escape.js';
import type { Evidence } from '../evidence-schema.js';
import { ftrStatusText, REHEARSED_TEXT } from '../ftr.js';

const list = (xs: string[], empty: string) =>
  xs.length ? `<ul class="tight">${xs.map((s) => `<li>${e(s)}</li>`).join('')}</ul>` : empty;

/** The FTR section of report.html: what the run is evidence of, then each item. */
export function ftrSection(ev: Evidence): string {
  const { evidence, azImpairment: az, worksheet: w } = ev.ftr;
  const items = ev.ftr.items
    .map(
      (i) =>
        `<tr data-ftr="${i.id}" data-status="${i.status}"><td class="mono">${i.id}</td><td>${e(i.title)}${
          i.claimedByScenario ? '' : '<div class="muted">not listed in the scenario\u2019s metadata.ftr</div>'
        }</td><td><span class="pill ${i.status}">${e(ftrStatusText(i.status))}</span></td><td>${list(
          i.supports,
          '–',
        )}</td><td>${i.enter ? e(i.enter) : '–'}</td><td>${list(i.missing, 'nothing')}</td></tr>`,
    )
    .join('\n');
  const intro =
    evidence.mode === 'aws' && w
      ? `<p>Values for the Partner Response column of the self-assessment: RPO <strong>${e(w.rpo ?? 'not measured')}</strong>, RTO <strong>${e(
          w.rto ?? 'not measured',
        )}</strong>, date of the last resilience test <strong>${e(w.lastTestDate)}</strong>, Availability Zone impairment covered: <strong>${
          w.azImpairmentCovered ? 'yes' : 'no'
        }</strong>, backup restore tested: <strong>${w.restoreTested ? 'yes' : 'no'}</strong>. Repeat by ${e(w.nextTestDueBy)}.</p>`
      : `<p><strong>${e(evidence.mode === 'rehearsal' ? REHEARSED_TEXT : 'Not FTR evidence')}</strong>: this run offers no values for the self-assessment. Run the drill against AWS in an allowed account for evidence.</p>`;
  return `<h2>AWS Foundational Technical Review</h2>
<p id="ftr-evidence" data-mode="${evidence.mode}">Evidence of: ${e(evidence.summary)}.</p>
${intro}
<p id="ftr-az" data-covered="${az.covered}"${az.rule ? ` data-rule="${az.rule}"` : ''}>Availability Zone impairment: ${
    az.covered
      ? `<strong>credited</strong> by rule <span class="mono">${e(az.rule ?? '')}</span>: `
      : '<strong>not credited</strong>: '
  }${e(az.detail)}.</p>
<table id="ftr"><thead><tr><th>item</th><th>requirement</th><th>status</th><th>this run shows</th><th>enter</th><th>still missing</th></tr></thead><tbody>
${items}
</tbody></table>`;
}
