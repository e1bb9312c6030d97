import type { RunRecord } from '../run/record.js';
import type { EvidenceObjective, FtrAssessment, FtrItem } from './evidence-schema.js';

/**
 * Maps a run onto the AWS Foundational Technical Review items it can support (Partner Hosted
 * checklist): RES-001 (RPO), RES-002 (RTO), RES-004 (resilience testing, at minimum an AZ
 * impairment, at least every 12 months) and BAR-002 (periodic recovery of backups). The checklist
 * asks for values in the self-assessment worksheet; this says which values and what is missing.
 */
const TITLES: Record<FtrItem['id'], string> = {
  'RES-001': 'Define a Recovery Point Objective (RPO)',
  'RES-002': 'Establish a Recovery Time Objective (RTO)',
  'RES-004': 'Resilience testing (at minimum an AZ impairment, every 12 months and after major updates)',
  'BAR-002': 'Periodically recover data to verify the integrity of the backup process',
};

/** Fault types that impair an Availability Zone. A FIS template counts when it targets an AZ. */
export function coversAzImpairment(record: Pick<RunRecord, 'faults'>): boolean {
  return record.faults.some(
    (f) =>
      f.type === 'az-impairment' ||
      (f.type === 'fis-experiment' && /availability[- ]?zone|az-impairment|AvailabilityZone|\baz\b/i.test(f.action)),
  );
}

function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export function assessFtr(record: RunRecord, objectives: readonly EvidenceObjective[]): FtrAssessment {
  const claimed = new Set(record.scenario.ftrItems.map((s) => s.toUpperCase()));
  const rtoObj = objectives.find((o) => o.name === 'rto');
  const rpoObj = objectives.find((o) => o.name === 'rpo');
  const m = record.measurements;
  const passed = record.verdict === 'passed';
  const azCovered = coversAzImpairment(record);
  const restore = record.faults.some((f) => f.type === 'rds-restore');
  const testDate = record.finishedAt.slice(0, 10);

  const rtoText = rtoObj?.measured != null ? rtoObj.actual : null;
  const rpoText = rpoObj?.measured != null ? rpoObj.actual : null;

  const items: FtrItem[] = [];

  // RES-001: an RPO is defined (the objective) and this run measured it.
  {
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
    items.push({
      id: 'RES-001',
      title: TITLES['RES-001'],
      status: !rpoObj || !m.rpo ? 'not-covered' : rpoObj.ok ? 'met' : 'not-met',
      claimedByScenario: claimed.has('RES-001'),
      supports,
      enter: rpoObj ? `RPO ${rpoObj.expected.replace(/^<=?\s*/, '')} (measured ${rpoObj.actual} on ${testDate})` : null,
      missing,
    });
  }

  // RES-002: an RTO is established and measured from the user's side.
  {
    const supports: string[] = [];
    const missing: string[] = [];
    if (rtoObj) supports.push(`RTO objective defined: ${rtoObj.expected}`);
    else missing.push('declare the RTO in the scenario (objectives.rto)');
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
    items.push({
      id: 'RES-002',
      title: TITLES['RES-002'],
      status: !rtoObj || !m.rto ? 'not-covered' : rtoObj.ok ? 'met' : 'not-met',
      claimedByScenario: claimed.has('RES-002'),
      supports,
      enter: rtoObj ? `RTO ${rtoObj.expected.replace(/^<=?\s*/, '')} (measured ${rtoObj.actual} on ${testDate})` : null,
      missing,
    });
  }

  // RES-004: a passing resilience test that includes an AZ impairment.
  {
    const supports: string[] = [];
    const missing: string[] = [];
    const kinds = [...new Set(record.faults.map((f) => f.type))];
    if (kinds.length) supports.push(`resilience test run on ${testDate}: ${kinds.join(', ')}`);
    if (azCovered) supports.push('the test includes an Availability Zone impairment');
    else
      missing.push(
        'run a drill with an Availability Zone impairment (fault type az-impairment): RES-004 asks for it at minimum',
      );
    if (passed) supports.push('all objectives met');
    else missing.push(`a run that meets every objective (this run: ${record.verdict})`);
    if (missing.length === 0) supports.push(`repeat by ${addMonths(record.finishedAt, 12)} and after major updates`);
    items.push({
      id: 'RES-004',
      title: TITLES['RES-004'],
      status: record.faults.length === 0 ? 'not-covered' : passed && azCovered ? 'met' : 'not-met',
      claimedByScenario: claimed.has('RES-004'),
      supports,
      enter: passed ? `Last resilience test: ${testDate}${azCovered ? ' (includes AZ impairment)' : ''}` : null,
      missing,
    });
  }

  // BAR-002: a restore of a backup, verified, within the RTO/RPO.
  {
    const supports: string[] = [];
    const missing: string[] = [];
    if (restore) {
      supports.push('a backup was restored to a new database and verified');
      if (record.verification) {
        const okChecks = record.verification.checks.filter((c) => c.ok).length;
        supports.push(`${okChecks} of ${record.verification.checks.length} verification checks passed`);
        if (!record.verification.ok) missing.push('every verification check of the restored database must pass');
      } else {
        missing.push('verify the restored data (rds-restore verify: heartbeat read-back and SQL checks)');
      }
      if (rtoObj && !rtoObj.ok)
        missing.push(`restore within the RTO (expected ${rtoObj.expected}, actual ${rtoObj.actual})`);
      if (rpoObj && !rpoObj.ok)
        missing.push(`restore within the RPO (expected ${rpoObj.expected}, actual ${rpoObj.actual})`);
    } else {
      missing.push('run a restore drill (fault type rds-restore) to prove recovery from backup');
    }
    items.push({
      id: 'BAR-002',
      title: TITLES['BAR-002'],
      status: !restore ? 'not-covered' : missing.length === 0 ? 'met' : 'not-met',
      claimedByScenario: claimed.has('BAR-002'),
      supports,
      enter: restore && missing.length === 0 ? `Last recovery test: ${testDate}` : null,
      missing,
    });
  }

  return {
    worksheet: {
      rpo: rpoText,
      rto: rtoText,
      lastTestDate: testDate,
      azImpairmentCovered: azCovered,
      restoreTested: restore,
      nextTestDueBy: addMonths(record.finishedAt, 12),
    },
    items,
  };
}
