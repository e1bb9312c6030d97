import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../run/record.js';
import { rtoCaveat } from './caveat.js';
import { fmtSeconds } from './format.js';

/** The last lines of `run` and the demo: one formatter, so both say the same thing the same way. */
export interface Headline {
  verdict: RunRecord['verdict'];
  scenario: string;
  exitCode: number;
  rtoSeconds: number | null;
  rtoResolutionSeconds: number | null;
  rpoSeconds: number | null;
  /** Whether the run measured data loss at all (no heartbeat, no restore: no RPO line). */
  rpoMeasured: boolean;
  objectivesMet: number;
  objectivesTotal: number;
  runDir: string;
  /** report.html when the pack was written, else the run directory. */
  report: string;
  reason: string | null;
  /** In place of an RTO showing no outage when nothing proves the fault reached a probe. */
  caveat?: string | null;
}

export function headlineOf(record: RunRecord, runDir: string): Headline {
  const html = join(runDir, 'report.html');
  const m = record.measurements;
  return {
    verdict: record.verdict,
    scenario: record.scenario.name,
    exitCode: record.exitCode,
    rtoSeconds: m.rto?.seconds ?? null,
    rtoResolutionSeconds: m.rto?.resolutionSeconds ?? null,
    rpoSeconds: m.rpo?.seconds ?? null,
    rpoMeasured: m.rpo !== null && m.rpo !== undefined,
    objectivesMet: record.objectives.filter((o) => o.ok).length,
    objectivesTotal: record.objectives.length,
    runDir,
    report: existsSync(html) ? html : runDir,
    reason: record.reason ?? null,
    caveat: rtoCaveat(record, m.rto),
  };
}

/** `PASSED ec2-instance-stop: RTO 1.2s (±0.2s) · RPO 0s · objectives 3/3 met · exit 0 → runs/…/report.html` */
export function formatHeadline(h: Headline): string {
  const rto = h.caveat
    ? h.caveat
    : h.rtoSeconds === null
      ? 'RTO not measured'
      : `RTO ${fmtSeconds(h.rtoSeconds)}${h.rtoResolutionSeconds ? ` (±${fmtSeconds(h.rtoResolutionSeconds)})` : ''}`;
  const parts = [rto];
  if (h.rpoMeasured) parts.push(h.rpoSeconds === null ? 'RPO not measured' : `RPO ${fmtSeconds(h.rpoSeconds)}`);
  parts.push(`objectives ${h.objectivesMet}/${h.objectivesTotal} met`, `exit ${h.exitCode}`);
  // The reason often is the caveat itself (inconclusive): say it once.
  const reason = h.reason && h.reason !== h.caveat ? ` (${h.reason})` : '';
  return `${h.verdict.toUpperCase()} ${h.scenario}: ${parts.join(' · ')}${reason} → ${h.report}`;
}
