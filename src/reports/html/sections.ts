import { confirmationText, coverageText, replacementText } from '../confirmation-text.js';
import { escapeHtml as e } from '../escape.js';
import type { Evidence } from '../evidence-schema.js';
import { fmtMs, fmtOffset, fmtSeconds, fmtTime } from '../format.js';

/** The reference sections of report.html: faults, timeline, AWS calls, verification, scenario, environment. */
export function faultsSection(ev: Evidence): string {
  if (ev.faults.length === 0) return '';
  const rows = ev.faults
    .map(
      (f) =>
        `<tr><td class="mono">${e(f.stepId)}</td><td>${e(f.type)}<div class="muted mono">${e(f.action)}</div></td><td class="mono">${e(
          f.targets.join(', '),
        )}</td><td>${f.injectedAt ? e(fmtTime(f.injectedAt)) : '–'}</td><td data-confirmation="${e(f.confirmation?.status ?? 'none')}"><strong>${e(
          confirmationText(f.confirmation).status,
        )}</strong><div class="muted">${e(confirmationText(f.confirmation).detail)}</div></td><td>${e(f.rollback)}${
          f.rolledBackAt ? `<div class="muted">${e(fmtTime(f.rolledBackAt))}</div>` : ''
        }${f.error ? `<div>${e(f.error)}</div>` : ''}${
          f.manualSteps?.length
            ? `<div><strong>manual steps:</strong><ol>${f.manualSteps.map((s) => `<li class="mono">${e(s)}</li>`).join('')}</ol></div>`
            : ''
        }</td><td class="mono">${e(f.requestIds.join(' ')) || '–'}</td></tr>`,
    )
    .join('\n');
  const cov = coverageText(ev);
  return `<h2>Faults injected</h2>
<table id="faults"><thead><tr><th>step</th><th>fault</th><th>targets</th><th>injected</th><th>confirmation</th><th>rollback</th><th>AWS request ids</th></tr></thead><tbody>
${rows}
</tbody></table>${cov ? `\n<p id="coverage"><strong>${e(cov)}</strong></p>` : ''}`;
}

export function timelineSection(ev: Evidence): string {
  if (ev.timeline.length === 0) return '';
  const rows = ev.timeline
    .map(
      (t) =>
        `<tr data-source="${t.source}"><td class="mono">${e(fmtTime(t.time))}</td><td class="num mono">${
          t.offsetSeconds === null ? '' : e(fmtOffset(t.offsetSeconds))
        }</td><td>${e(t.source)}</td><td class="mono">${e(t.resource ?? '')}</td><td>${e(t.what)}</td><td class="mono">${e(
          t.requestIds.join(' '),
        )}</td></tr>`,
    )
    .join('\n');
  return `<h2>Timeline (drillproof and AWS)</h2>
<p class="muted">What AWS reported while the fault was live: instance states, target health with reason codes, RDS events by id, FIS actions. It explains the measured RTO; the probes measure it.</p>
<table id="timeline"><thead><tr><th>time (UTC)</th><th class="num">since F</th><th>source</th><th>resource</th><th>event</th><th>request ids</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

const READ_ONLY = /^(Describe|Get|List|Lookup|Search)/;

export function awsCallsSection(ev: Evidence): string {
  if (ev.awsCalls.length === 0) return '';
  // Calls that change something are listed one by one; the watchers' polling (Describe*, Get*,
  // List*) is summarised per operation so hundreds of polls do not bury the few that matter.
  // evidence.json keeps every call.
  const changing = ev.awsCalls.filter((c) => !READ_ONLY.test(c.operation) || !c.ok);
  const polls = new Map<string, { n: number; errors: number; first: string; last: string }>();
  for (const c of ev.awsCalls) {
    if (!READ_ONLY.test(c.operation)) continue;
    const k = `${c.service}:${c.operation}`;
    const p = polls.get(k) ?? { n: 0, errors: 0, first: c.time, last: c.time };
    p.n++;
    // A retried call's failed attempts are errors too, even when a later attempt succeeded.
    p.errors += (c.tries ?? []).filter((t) => t.errorCode !== null).length + (!c.ok && !c.tries ? 1 : 0);
    p.last = c.time;
    polls.set(k, p);
  }
  const rows = changing
    .map(
      (c) =>
        `<tr><td class="mono">${e(fmtTime(c.time))}</td><td class="mono">${e(`${c.service}:${c.operation}`)}</td><td>${
          c.ok ? 'ok' : e(c.errorCode ?? 'error')
        }</td><td class="num">${c.ms === null ? '' : e(fmtMs(c.ms))}</td><td class="mono">${e(c.requestId ?? '')}</td></tr>`,
    )
    .join('\n');
  const pollRows = [...polls.entries()]
    .map(
      ([k, p]) =>
        `<tr><td class="mono">${e(k)}</td><td class="num">${p.n}</td><td class="num">${p.errors}</td><td class="mono">${e(
          fmtTime(p.first),
        )}</td><td class="mono">${e(fmtTime(p.last))}</td></tr>`,
    )
    .join('\n');
  return `<h2>AWS API calls</h2>
<p class="muted">Calls that changed something (and every failed call), with their request ids to cross-check against CloudTrail. All ${
    ev.awsCalls.length
  } calls are in evidence.json and journal.ndjson.</p>
<table id="aws-calls"><thead><tr><th>time (UTC)</th><th>call</th><th>result</th><th class="num">duration</th><th>request id</th></tr></thead><tbody>
${rows || '<tr><td colspan="5" class="muted">none</td></tr>'}
</tbody></table>
${
  polls.size
    ? `<h3>Read-only calls (preflight and watchers)</h3>
<table id="aws-polls"><thead><tr><th>call</th><th class="num">calls</th><th class="num">errors</th><th>first</th><th>last</th></tr></thead><tbody>
${pollRows}
</tbody></table>`
    : ''
}`;
}

export function verificationSection(ev: Evidence): string {
  const v = ev.verification;
  if (!v) return '';
  return `<h2>Restored data verification</h2>
<table id="verification"><thead><tr><th>check</th><th>expected</th><th>actual</th><th>result</th></tr></thead><tbody>
${v.checks
  .map(
    (c) =>
      `<tr><td>${e(c.name)}</td><td class="mono">${e(c.expected)}</td><td class="mono">${e(c.actual)}</td><td><span class="pill ${
        c.ok ? 'pass' : 'fail'
      }">${c.ok ? 'PASS' : 'FAIL'}</span></td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
}

/** Task stops: each service back at desired count with healthy targets, and where the replacements went. */
export function replacementsSection(ev: Evidence): string {
  if (!ev.replacements.length) return '';
  const rows = ev.replacements.map((r) => {
    const t = replacementText(r);
    return `<tr data-step="${e(r.stepId)}"><td class="mono">${e(r.stepId)}</td><td>${e(r.service)}</td><td class="num">${e(
      fmtSeconds(r.seconds),
    )} after F</td><td class="mono">${e(t.stopped)}</td><td class="mono">${e(t.replaced)}</td></tr>`;
  });
  return `<h2>Service recovery</h2>
<table id="replacements"><thead><tr><th>step</th><th>service</th><th class="num">back at desired count, healthy</th><th>stopped</th><th>replacements</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

export function environmentSection(ev: Evidence): string {
  const rows: [string, string][] = [
    ['tool', `drillproof ${ev.tool.version}`],
    [
      'target',
      `${ev.target.provider === 'lab' ? 'local lab' : 'AWS'} ${ev.target.region}${ev.target.endpoint ? ` (${ev.target.endpoint})` : ''}`,
    ],
    ['account', ev.caller?.account ?? 'unknown'],
    ['caller ARN', ev.caller?.arn ?? 'unknown'],
    ['started', fmtTime(ev.run.startedAt)],
    ['finished', fmtTime(ev.run.finishedAt)],
    ['duration', fmtSeconds(ev.run.durationSeconds)],
    ['fault injected (F)', ev.measurements.faultAt ? fmtTime(ev.measurements.faultAt) : 'no fault injected'],
    ['clock', `${ev.clock.source}, drift ${fmtMs(ev.clock.driftMs)} (monotonic durations, wall-clock UTC timestamps)`],
    ['exit code', String(ev.run.exitCode)],
  ];
  return `<h2>Environment</h2>
<dl class="env" id="environment">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
}

export function scenarioSection(ev: Evidence): string {
  return `<h2>Scenario as run</h2>
<p><span class="mono">${e(ev.scenario.path)}</span> \u00b7 sha256 <span class="mono">${e(ev.scenario.sha256)}</span>${
    ev.scenario.redacted
      ? ' \u00b7 <strong>secret values redacted below</strong> (the digest is of the file as loaded)'
      : ''
  }</p>
<pre id="scenario">${e(ev.scenario.text)}</pre>`;
}

const TRUST_LABEL: Record<NonNullable<Evidence['signing']>['trust'], string> = {
  'integrity-only': 'integrity only',
  'published-key': 'organisation key',
  kms: 'AWS KMS key',
  keyless: 'keyless (Sigstore)',
};

/** Who signed the pack and what that proves: the first thing an auditor asks. */
export function signingSection(ev: Evidence): string {
  const s = ev.signing;
  if (!s)
    return `<h2>Signature</h2>
<p id="signing" data-trust="unsigned">This report is not signed yet: sign the pack with <span class="mono">drillproof sign</span>.</p>`;
  const rows: [string, string][] = [['trust', TRUST_LABEL[s.trust]]];
  if (s.method === 'keyless') {
    rows.push(['identity', s.identity ?? 'unknown'], ['OIDC issuer', s.issuer ?? 'unknown']);
    if (s.certificateAuthority) rows.push(['certificate authority', s.certificateAuthority]);
    if (s.transparencyLog) rows.push(['transparency log', s.transparencyLog]);
  }
  if (s.kmsKeyArn) rows.push(['KMS key', s.kmsKeyArn]);
  rows.push(['key', `${s.keyType} ${s.keyFingerprint}${s.generatedKey ? ' (generated for this signature)' : ''}`]);
  rows.push(['check with', s.verify]);
  return `<h2>Signature</h2>
<p id="signing" data-trust="${e(s.trust)}">${e(s.summary)}.</p>
<dl class="env">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd class="${k === 'check with' || k === 'key' ? 'mono' : ''}">${e(v)}</dd>`).join('')}</dl>`;
}
