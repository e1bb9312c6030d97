import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLab } from '../_helpers/lab.js';
import { LAB_SCENARIOS, usePolicyRuns } from './_drill.js';

/**
 * The lab Aurora drill measures a real outage and a real RPO through lab-aurora: the app's /aurora
 * path and the heartbeat both go through the cluster's writer endpoint, which the failover moves.
 */
const lab = useLab({ aurora: true });
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

describe('lab Aurora cluster failover', { timeout: 150_000 }, () => {
  it('measures RTO > 0 through the writer endpoint and loses no acknowledged write', async () => {
    const { result, journal } = await drillUnderPolicy(join(LAB_SCENARIOS, 'aurora-cluster-failover.yaml'));
    expect([0, 4], result.record.reason).toContain(result.exitCode);
    const m = result.record.measurements;
    const web = m.probes.web;
    // Users saw the failover: failed samples after F, then a measured recovery.
    expect(web?.rto?.noOutage).toBe(false);
    expect(web?.rto?.seconds).not.toBeNull();
    expect(web?.rto?.seconds as number).toBeGreaterThan(0);
    expect(m.rto?.seconds as number).toBeGreaterThan(0);
    expect(web?.phases.fault.failed).toBeGreaterThan(0);
    // The heartbeat through the same endpoint: every acknowledged write read back from the new writer.
    const rpo = m.rpo;
    expect(rpo?.probe).toBe('hb');
    expect(rpo?.acknowledgedWrites).toBeGreaterThan(10);
    expect(rpo?.lostWrites).toBe(0);
    expect(rpo?.seconds).toBe(0);
    expect(rpo?.readBackWrites).toBeGreaterThanOrEqual(rpo?.acknowledgedWrites as number);
    // AWS's own answer: the cluster failover events.
    const ids = journal.filter((e) => e.kind === 'watch.event' && e.data.eventId).map((e) => e.data.eventId);
    expect(ids).toContain('RDS-EVENT-0071');
    // A lab run is a rehearsal: the FTR section offers nothing to enter.
    const ev = JSON.parse(readFileSync(join(result.runDir, 'evidence.json'), 'utf8'));
    expect(ev.ftr.evidence.mode).toBe('rehearsal');
    expect(ev.ftr.items.map((i: { status: string }) => i.status)).toEqual([
      'rehearsed',
      'rehearsed',
      'rehearsed',
      'rehearsed',
    ]);
  });
});
