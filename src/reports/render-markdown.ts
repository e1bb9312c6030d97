import { PERCENTILE_COLUMNS, PERCENTILE_NOTE } from '../measurements/format.js';
import type { PhaseName } from '../run/measurements.js';
import { confirmationText, coverageText, replacementText } from './confirmation-text.js';
import { escapeMdCell as c } from './escape.js';
import type { Evidence } from './evidence-schema.js';
import { capitalized, fmtMs, fmtOffset, fmtRatio, fmtSeconds, fmtTime } from './format.js';
import { ftrStatusText, REHEARSED_TEXT } from './ftr.js';
import { redact } from './redact.js';

/** report.md: the same facts as report.html, for pull requests and wikis. */
const ICON: Record<Evidence['run']['verdict'], string> = {
  passed: '✅ PASSED',
  failed: '❌ FAILED',
  inconclusive: '❔ INCONCLUSIVE',
  aborted: '⚠️ ABORTED',
  error: '❌ ERROR',
};
const TRUST: Record<NonNullable<Evidence['signing']>['trust'], string> = {
  'integrity-only': 'Integrity only',
  'published-key': 'Organisation key',
  kms: 'AWS KMS key',
  keyless: 'Keyless (Sigstore)',
};
const PHASES: PhaseName[] = ['baseline', 'fault', 'recovery', 'all'];
const ms = (v: number | null) => (v === null ? '–' : fmtMs(v));
const ratio = (v: number | null) => (v === null ? '–' : fmtRatio(v));

export function renderMarkdown(ev: Evidence): string {
  const L: string[] = [];
  L.push(`# ${ICON[ev.run.verdict]}: ${c(ev.scenario.name)}`, '');
  L.push(
    `Run \`${ev.run.id}\` · ${fmtTime(ev.run.startedAt)} → ${fmtTime(ev.run.finishedAt)} · ${
      ev.target.provider === 'lab' ? 'local lab' : 'AWS'
    } ${c(ev.target.region)} · exit code ${ev.run.exitCode}`,
  );
  if (ev.run.reason) L.push('', `> ${c(ev.run.reason)}`);
  L.push('');
  const head: string[] = [];
  if (ev.headline.caveat) head.push(`**${c(capitalized(ev.headline.caveat))}**`);
  else if (ev.headline.rto) head.push(`**RTO ${ev.headline.rto.text}**`);
  if (ev.headline.rpo) head.push(`**RPO ${ev.headline.rpo.text}**`);
  for (const r of ev.replacements) head.push(c(replacementText(r).headline));
  head.push(`${ev.headline.objectivesMet} of ${ev.headline.objectivesTotal} objectives met`);
  L.push(head.join(' · '), '');

  L.push('## Objectives', '');
  if (ev.objectives.length) {
    L.push('| objective | what | expected | actual | result |', '|---|---|---:|---:|---|');
    for (const o of ev.objectives)
      L.push(
        `| \`${c(o.name)}\` | ${c(o.description)}${o.reason ? ` (${c(o.reason)})` : ''} | ${c(o.expected)} | ${c(o.actual)} | ${
          o.ok ? 'PASS' : '**FAIL**'
        } |`,
      );
  } else L.push('The scenario declares no objectives.');
  L.push('');

  L.push('## Signature', '');
  const sg = ev.signing;
  if (!sg) L.push('Not signed yet: sign the pack with `drillproof sign`.', '');
  else {
    L.push(`**${TRUST[sg.trust]}**: ${c(sg.summary)}.`, '');
    if (sg.method === 'keyless')
      L.push(`- Identity: \`${c(sg.identity ?? 'unknown')}\``, `- OIDC issuer: \`${c(sg.issuer ?? 'unknown')}\``);
    if (sg.kmsKeyArn) L.push(`- KMS key: \`${c(sg.kmsKeyArn)}\``);
    L.push(`- Key: ${c(sg.keyType)} \`${sg.keyFingerprint}\``, `- Check with: \`${c(sg.verify)}\``, '');
  }

  L.push('## Probes', '');
  for (const [name, pm] of Object.entries(ev.measurements.probes)) {
    L.push(`### ${c(name)} (${c(pm.kind)}, every ${fmtMs(pm.intervalMs)}, timeout ${fmtMs(pm.timeoutMs)})`, '');
    const r = pm.rto;
    if (r) {
      L.push(
        r.noOutage && ev.headline.caveat
          ? `- No failed sample after the fault, which shows nothing: ${c(ev.headline.caveat)}.`
          : r.noOutage
            ? '- No failed sample after the fault (RTO 0s).'
            : r.seconds === null
              ? '- **Not recovered before the observe timeout: RTO not measured.**'
              : `- RTO ${fmtSeconds(r.seconds)} (±${fmtSeconds(r.resolutionSeconds)}); detected after ${
                  r.timeToDetectSeconds === null ? '–' : fmtSeconds(r.timeToDetectSeconds)
                }; failed time ${fmtSeconds(r.failedTimeSeconds)}; ${r.flaps} failure run(s)`,
        '',
      );
    }
    L.push(
      `| phase | scheduled | failed | availability | ${PERCENTILE_COLUMNS.map((x) => x.label).join(' | ')} |`,
      `|---|---:|---:|---:|${PERCENTILE_COLUMNS.map(() => '---:').join('|')}|`,
    );
    for (const p of PHASES) {
      const s = pm.phases[p];
      L.push(
        `| ${p} | ${s.scheduled} | ${s.failed} | ${ratio(s.availability)} | ${PERCENTILE_COLUMNS.map((x) => ms(s[x.key])).join(' | ')} |`,
      );
    }
    L.push('', `${PERCENTILE_NOTE.charAt(0).toUpperCase()}${PERCENTILE_NOTE.slice(1)}.`, '');
  }

  const rpo = ev.measurements.rpo;
  if (rpo) {
    L.push(
      '## Data loss (RPO)',
      '',
      `- RPO: ${rpo.seconds === null ? 'not measured' : fmtSeconds(rpo.seconds)}${
        rpo.seconds === 0 ? ` (below ${fmtSeconds(rpo.resolutionSeconds)})` : ''
      }`,
      `- Writes: ${rpo.attemptedWrites} attempted, ${rpo.acknowledgedWrites} acknowledged, ${rpo.indeterminateWrites} indeterminate, ${rpo.readBackWrites} read back, **${rpo.lostWrites} lost**`,
      '',
    );
  }

  if (ev.replacements.length) {
    L.push('## Service recovery', '', '| step | service | back at desired count, healthy | stopped | replacements |');
    L.push('|---|---|---:|---|---|');
    for (const r of ev.replacements) {
      const t = replacementText(r);
      L.push(
        `| \`${c(r.stepId)}\` | ${c(r.service)} | ${fmtSeconds(r.seconds)} after F | ${c(t.stopped)} | ${c(t.replaced)} |`,
      );
    }
    L.push('');
  }

  L.push(...ftrMarkdown(ev));

  if (ev.faults.length) {
    L.push(
      '## Faults',
      '',
      '| step | fault | targets | confirmation | rollback | request ids |',
      '|---|---|---|---|---|---|',
    );
    for (const f of ev.faults) {
      const cf = confirmationText(f.confirmation);
      L.push(
        `| \`${c(f.stepId)}\` | ${c(f.type)} (\`${c(f.action)}\`) | ${c(f.targets.join(', '))} | **${cf.status}**: ${c(cf.detail)} | ${c(f.rollback)}${
          f.manualSteps?.length ? `: manual steps: ${f.manualSteps.map(c).join('; ')}` : ''
        } | ${c(f.requestIds.join(' '))} |`,
      );
    }
    L.push('');
    const cov = coverageText(ev);
    if (cov) L.push(`**${c(cov)}**`, '');
  }

  const aws = ev.timeline.filter(
    (t) => t.source !== 'drillproof' || t.kind.startsWith('fault') || t.kind.startsWith('rollback'),
  );
  if (aws.length) {
    L.push('## Timeline', '', '| since F | source | resource | event |', '|---:|---|---|---|');
    for (const t of aws)
      L.push(
        `| ${t.offsetSeconds === null ? '' : c(fmtOffset(t.offsetSeconds))} | ${t.source} | ${c(t.resource ?? '')} | ${c(t.what)} |`,
      );
    L.push('');
  }

  L.push(
    '## Environment',
    '',
    `- Tool: drillproof ${c(ev.tool.version)}`,
    `- Caller: ${c(ev.caller ? `${ev.caller.arn} (account ${ev.caller.account})` : 'unknown')}`,
    `- Clock: ${c(ev.clock.source)}, drift ${fmtMs(ev.clock.driftMs)}`,
    `- Scenario: \`${c(ev.scenario.path)}\` sha256 \`${ev.scenario.sha256}\``,
    '',
    `Evidence pack: verify with \`${c(ev.signing?.verify.replace('<pack>', '<dir>') ?? 'drillproof verify <dir>')}\` or the steps in \`VERIFY.md\`.`,
    '',
  );
  return redact(L.join('\n'));
}

/** The FTR section of report.md: what the run is evidence of, then each item. */
function ftrMarkdown(ev: Evidence): string[] {
  const { evidence, azImpairment: az, worksheet: w } = ev.ftr;
  const L: string[] = ['## AWS Foundational Technical Review', '', `Evidence of: ${c(evidence.summary)}.`, ''];
  if (evidence.mode === 'aws' && w) {
    L.push(
      `Self-assessment values: RPO **${w.rpo ?? 'not measured'}**, RTO **${w.rto ?? 'not measured'}**, last resilience test **${
        w.lastTestDate
      }**, AZ impairment covered: **${w.azImpairmentCovered ? 'yes' : 'no'}**, backup restore tested: **${
        w.restoreTested ? 'yes' : 'no'
      }**. Repeat by ${w.nextTestDueBy}.`,
      '',
    );
  } else {
    L.push(
      `**${evidence.mode === 'rehearsal' ? REHEARSED_TEXT : 'Not FTR evidence'}**: no values for the self-assessment. Run the drill against AWS in an allowed account for evidence.`,
      '',
    );
  }
  L.push(
    `Availability Zone impairment: ${az.covered ? `credited by rule \`${az.rule}\`` : 'not credited'}: ${c(az.detail)}.`,
    '',
  );
  L.push('| item | status | enter | still missing |', '|---|---|---|---|');
  for (const i of ev.ftr.items)
    L.push(
      `| ${i.id} ${c(i.title)} | ${c(ftrStatusText(i.status))} | ${i.enter ? c(i.enter) : '–'} | ${
        i.missing.length ? i.missing.map(c).join('; ') : 'nothing'
      } |`,
    );
  L.push('');
  return L;
}
