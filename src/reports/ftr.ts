import type { JournalEntry } from '../run/journal-types.js';
import type { RunRecord } from '../run/record.js';
import { rtoCaveat } from './caveat.js';
import type { EvidenceObjective, FtrAssessment, FtrAzImpairment, FtrEvidence, FtrItem } from './evidence-schema.js';
import { azImpairmentOfRun, ftrEvidence } from './ftr-scope.js';

/**
 * Maps a run onto the AWS Foundational Technical Review items it can support (Partner Hosted
 * checklist): RES-001 (RPO), RES-002 (RTO), RES-004 (resilience testing, at minimum an AZ
 * impairment, at least every 12 months) and BAR-002 (periodic recovery of backups). Only a run
 * against AWS in an allowed account (ftr-scope.ts) is judged MET / NOT MET with values to enter; a
 * lab run shows every item as REHEARSED and offers no value, whatever it measured.
 */
const TITLES: Record<FtrItem['id'], string> = {
  'RES-001': 'Define a Recovery Point Objective (RPO)',
  'RES-002': 'Establish a Recovery Time Objective (RTO)',
  'RES-004': 'Resilience testing (at minimum an AZ impairment, every 12 months and after major updates)',
  'BAR-002': 'Periodically recover data to verify the integrity of the backup process',
};

/** The status line every item of a rehearsal shows. */
export const REHEARSED_TEXT = 'REHEARSED (local lab, not FTR evidence)';

/** The label an FTR status reads as, in every report. */
export function ftrStatusText(status: FtrItem['status']): string {
  return status === 'rehearsed' ? REHEARSED_TEXT : status.replace('-', ' ').toUpperCase();
}

function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

type Judged = Omit<FtrItem, 'title' | 'claimedByScenario'>;

function rpoItem(record: RunRecord, rpoObj: EvidenceObjective | undefined, testDate: string): Judged {
  const m = record.measurements;
  const supports: string[] = [];
  const missing: string[] = [];
  if (rpoObj) supports.push(`RPO objective defined: ${rpoObj.expected}`);
  else missing.push('declare the RPO in the scenario (objectives.rpo)');
  if (m.rpo && m.rpo.seconds !== null) {
    supports.push(
      `measured RPO ${rpoObj?.actual ?? `${m.rpo.seconds}s`} (${m.rpo.lostWrites} of ${m.rpo.acknowledgedWrites} acknowledged writes lost, ${m.rpo.kind})`,
    );
  } else {
    missing.push('measure the RPO: add a postgres-heartbeat or mysql-heartbeat probe');
  }
  if (rpoObj && !rpoObj.ok)
    missing.push(`meet the RPO objective (expected ${rpoObj.expected}, actual ${rpoObj.actual})`);
  return {
    id: 'RES-001',
    status: !rpoObj || !m.rpo ? 'not-covered' : rpoObj.ok ? 'met' : 'not-met',
    supports,
    enter: rpoObj ? `RPO ${rpoObj.expected.replace(/^<=?\s*/, '')} (measured ${rpoObj.actual} on ${testDate})` : null,
    missing,
  };
}

function rtoItem(record: RunRecord, rtoObj: EvidenceObjective | undefined, testDate: string): Judged {
  const m = record.measurements;
  const supports: string[] = [];
  const missing: string[] = [];
  if (rtoObj) supports.push(`RTO objective defined: ${rtoObj.expected}`);
  else missing.push('declare the RTO in the scenario (objectives.rto)');
  const caveat = rtoCaveat(record, m.rto);
  if (caveat) {
    // No failed sample proves nothing when the fault did not reach a probe: no RTO to claim.
    missing.push(`${caveat}: the run shows no RTO; make a probe exercise the faulted part and confirm the fault`);
    return { id: 'RES-002', status: rtoObj ? 'not-met' : 'not-covered', supports, enter: null, missing };
  }
  if (m.rto && m.rto.seconds !== null) {
    supports.push(
      m.rto.noOutage
        ? `no outage seen by probe ${m.rto.probe} (RTO 0s, resolution ${m.rto.resolutionSeconds}s)`
        : `measured RTO ${rtoObj?.actual ?? `${m.rto.seconds}s`} from probe ${m.rto.probe} (resolution ${m.rto.resolutionSeconds}s)`,
    );
  } else if (m.rto) {
    missing.push('the service did not recover before the observe timeout: the RTO is unmeasured');
  } else {
    missing.push('measure the RTO: add a user-facing probe (http or tcp) and a fault');
  }
  if (rtoObj && !rtoObj.ok && rtoObj.measured !== null)
    missing.push(`meet the RTO objective (expected ${rtoObj.expected}, actual ${rtoObj.actual})`);
  return {
    id: 'RES-002',
    status: !rtoObj || !m.rto ? 'not-covered' : rtoObj.ok ? 'met' : 'not-met',
    supports,
    enter: rtoObj ? `RTO ${rtoObj.expected.replace(/^<=?\s*/, '')} (measured ${rtoObj.actual} on ${testDate})` : null,
    missing,
  };
}

function resilienceItem(record: RunRecord, az: FtrAzImpairment, testDate: string): Judged {
  const supports: string[] = [];
  const missing: string[] = [];
  const passed = record.verdict === 'passed';
  const kinds = [...new Set(record.faults.map((f) => f.type))];
  if (kinds.length) supports.push(`resilience test run on ${testDate}: ${kinds.join(', ')}`);
  if (az.covered) supports.push(`the test includes an Availability Zone impairment (rule ${az.rule}): ${az.detail}`);
  else
    missing.push(
      `run a drill with an Availability Zone impairment (fault type az-impairment, or a FIS experiment scoped to an AZ): RES-004 asks for it at minimum (${az.detail})`,
    );
  if (passed) supports.push('all objectives met');
  else missing.push(`a run that meets every objective (this run: ${record.verdict})`);
  if (missing.length === 0) supports.push(`repeat by ${addMonths(record.finishedAt, 12)} and after major updates`);
  return {
    id: 'RES-004',
    status: record.faults.length === 0 ? 'not-covered' : passed && az.covered ? 'met' : 'not-met',
    supports,
    enter: passed ? `Last resilience test: ${testDate}${az.covered ? ' (includes AZ impairment)' : ''}` : null,
    missing,
  };
}

/** Fault types whose drill restores a backup and verifies the copy (BAR-002). */
const RESTORE_FAULTS: ReadonlySet<string> = new Set(['rds-restore', 'dynamodb-restore', 'backup-restore']);

function backupItem(
  record: RunRecord,
  rtoObj: EvidenceObjective | undefined,
  rpoObj: EvidenceObjective | undefined,
  testDate: string,
): Judged {
  const supports: string[] = [];
  const missing: string[] = [];
  const restore = record.faults.some((f) => RESTORE_FAULTS.has(f.type));
  if (restore) {
    const viaBackup = record.faults.some((f) => f.type === 'backup-restore');
    supports.push(
      viaBackup
        ? 'an AWS Backup recovery point was restored, verified, and the result reported to AWS Backup'
        : record.faults.some((f) => f.type === 'dynamodb-restore')
          ? 'a backup was restored to a new table or database and verified'
          : 'a backup was restored to a new database and verified',
    );
    for (const o of [rtoObj, rpoObj]) {
      if (o?.measured != null) supports.push(`restore ${o.name.toUpperCase()} ${o.actual} (objective ${o.expected})`);
    }
    if (record.verification) {
      const okChecks = record.verification.checks.filter((c) => c.ok).length;
      supports.push(`${okChecks} of ${record.verification.checks.length} verification checks passed`);
      if (!record.verification.ok) missing.push('every verification check of the restored database must pass');
    } else {
      missing.push('verify the restored data (verify: heartbeat read-back and SQL or GetItem / Query checks)');
    }
    if (rtoObj && !rtoObj.ok)
      missing.push(`restore within the RTO (expected ${rtoObj.expected}, actual ${rtoObj.actual})`);
    if (rpoObj && !rpoObj.ok)
      missing.push(`restore within the RPO (expected ${rpoObj.expected}, actual ${rpoObj.actual})`);
  } else {
    missing.push(
      'run a restore drill (fault type rds-restore, dynamodb-restore or backup-restore) to prove recovery from backup',
    );
  }
  return {
    id: 'BAR-002',
    status: !restore ? 'not-covered' : missing.length === 0 ? 'met' : 'not-met',
    supports,
    enter: restore && missing.length === 0 ? `Last recovery test: ${testDate}` : null,
    missing,
  };
}

/** A judged item as the run's evidence mode allows it to be shown. */
function asShown(item: Judged, evidence: FtrEvidence): Judged {
  if (evidence.mode === 'aws') return item;
  const why =
    evidence.mode === 'rehearsal'
      ? 'run this drill against AWS in an allowed account: a local lab run is a rehearsal, not FTR evidence'
      : `a run that can be tied to an allowed AWS account: ${evidence.summary}`;
  return {
    ...item,
    status: evidence.mode === 'rehearsal' ? 'rehearsed' : 'not-covered',
    enter: null,
    missing: [why, ...item.missing],
  };
}

export function assessFtr(
  record: RunRecord,
  objectives: readonly EvidenceObjective[],
  journal: readonly JournalEntry[] = [],
): FtrAssessment {
  const claimed = new Set(record.scenario.ftrItems.map((s) => s.toUpperCase()));
  const rtoObj = objectives.find((o) => o.name === 'rto');
  const rpoObj = objectives.find((o) => o.name === 'rpo');
  const evidence = ftrEvidence(record);
  const azImpairment = azImpairmentOfRun(record, journal);
  const testDate = record.finishedAt.slice(0, 10);
  const judged = [
    rpoItem(record, rpoObj, testDate),
    rtoItem(record, rtoObj, testDate),
    resilienceItem(record, azImpairment, testDate),
    backupItem(record, rtoObj, rpoObj, testDate),
  ];
  const items: FtrItem[] = judged.map((j) => {
    const shown = asShown(j, evidence);
    return {
      id: shown.id,
      title: TITLES[shown.id],
      status: shown.status,
      claimedByScenario: claimed.has(shown.id),
      supports: shown.supports,
      enter: shown.enter,
      missing: shown.missing,
    };
  });
  return {
    evidence,
    azImpairment,
    worksheet:
      evidence.mode === 'aws'
        ? {
            rpo: rpoObj?.measured != null ? rpoObj.actual : null,
            rto: rtoObj?.measured != null ? rtoObj.actual : null,
            lastTestDate: testDate,
            azImpairmentCovered: azImpairment.covered,
            restoreTested: record.faults.some((f) => RESTORE_FAULTS.has(f.type)),
            nextTestDueBy: addMonths(record.finishedAt, 12),
          }
        : null,
    items,
  };
}
