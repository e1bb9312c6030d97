import type { JournalEntry } from '../run/journal-types.js';
import type { RunRecord } from '../run/record.js';
import { replacementsFromJournal } from '../run/replacements.js';
import { rtoCaveat } from './caveat.js';
import {
  EVIDENCE_KIND,
  EVIDENCE_SCHEMA_VERSION,
  type Evidence,
  type EvidenceObjective,
  evidenceSchema,
  type SigningInfo,
} from './evidence-schema.js';
import { fmtActual, fmtExpected, fmtSeconds } from './format.js';
import { assessFtr } from './ftr.js';
import { redactText, redactValue } from './redact.js';
import { buildAwsCalls, buildTimeline } from './timeline.js';

/**
 * Builds `evidence.json` from a run record and its journal: a pure function (same input, same
 * bytes), so `drillproof report` can rebuild it from the files and a signature stays valid.
 * Everything is redacted on the way in: the evidence never holds a secret.
 */
export function buildEvidence(
  record: RunRecord,
  journal: readonly JournalEntry[],
  signing: SigningInfo | null = null,
): Evidence {
  const objectives: EvidenceObjective[] = record.objectives.map((o) => ({
    name: o.name,
    description: o.description,
    target: o.target,
    targetValue: o.targetValue,
    comparator: o.comparator,
    unit: o.unit,
    measured: o.measured,
    ok: o.ok,
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    expected: fmtExpected(o),
    actual: fmtActual(o),
  }));
  const m = record.measurements;
  const rtoObj = objectives.find((o) => o.name === 'rto');
  const rpoObj = objectives.find((o) => o.name === 'rpo');
  const scenarioText = redactText(record.scenario.text);
  const started = Date.parse(record.startedAt);
  const finished = Date.parse(record.finishedAt);

  const evidence: Evidence = {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    kind: EVIDENCE_KIND,
    run: {
      id: record.runId,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      durationSeconds: Math.round(finished - started) / 1000,
      verdict: record.verdict,
      exitCode: record.exitCode,
      reason: record.reason ?? null,
      ...(record.interrupted ? { interrupted: record.interrupted } : {}),
    },
    tool: { name: 'drillproof', version: record.toolVersion },
    scenario: {
      name: record.scenario.name,
      path: record.scenario.path,
      sha256: record.scenario.sha256,
      ftrItems: [...record.scenario.ftrItems],
      text: scenarioText.text,
      redacted: scenarioText.total > 0,
    },
    target: {
      provider: record.target.provider,
      region: record.target.region,
      endpoint: record.target.endpoint ?? null,
    },
    caller: record.caller
      ? { account: record.caller.account, arn: record.caller.arn, userId: record.caller.userId ?? null }
      : null,
    clock: { source: record.clock.source, driftMs: record.clock.driftMs },
    headline: {
      rto: m.rto
        ? {
            seconds: m.rto.seconds,
            text: rtoObj ? rtoObj.actual : m.rto.seconds === null ? 'not measured' : fmtSeconds(m.rto.seconds),
            resolution: fmtSeconds(m.rto.resolutionSeconds),
            probe: m.rto.probe,
          }
        : null,
      rpo: m.rpo
        ? {
            seconds: m.rpo.seconds,
            text: rpoObj ? rpoObj.actual : m.rpo.seconds === null ? 'not measured' : fmtSeconds(m.rpo.seconds),
            lostWrites: m.rpo.lostWrites,
            probe: m.rpo.probe,
          }
        : null,
      objectivesMet: objectives.filter((o) => o.ok).length,
      objectivesTotal: objectives.length,
      caveat: rtoCaveat(record, m.rto),
    },
    objectives,
    measurements: m,
    faults: record.faults.map((f) => ({
      ...f,
      targets: [...f.targets],
      requestIds: [...f.requestIds],
      confirmation: f.confirmation ?? null,
    })),
    coverage: record.coverage ?? null,
    // Runs recorded before the record carried them: the follow-ups' journal notes say the same.
    replacements: record.replacements ?? replacementsFromJournal(journal),
    timeline: buildTimeline(journal, m.faultAtMs),
    awsCalls: buildAwsCalls(journal),
    verification: record.verification ?? null,
    k6: record.k6
      ? { exitCode: record.k6.exitCode, classification: record.k6.classification, thresholds: record.k6.thresholds }
      : null,
    ftr: assessFtr(record, objectives, journal),
    signing,
  };
  // The scenario text is already redacted (and flagged); every other string goes through the rules.
  const { scenario, ...rest } = evidence;
  return evidenceSchema.parse({ ...redactValue(rest), scenario });
}

/** evidence.json bytes: stable key order (construction order), two-space indent, final newline. */
export function serializeEvidence(e: Evidence): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}
