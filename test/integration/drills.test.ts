import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_SCENARIOS, useDrillLab, usePolicyRuns } from './_drill.js';

/**
 * The shipped lab scenarios end to end against one real lab (real SDK clients, real processes,
 * real PostgreSQL): each drill passes, measures what it should, and leaves the lab as found.
 */
const lab = useDrillLab({ aurora: false }, { leavesAsFoundWithinMs: 15_000 });
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

describe('lab drills', { timeout: 150_000 }, () => {
  it('ec2 stop: RTO measured through the ALB, instance started again', async () => {
    const { result, journal } = await drillUnderPolicy(join(LAB_SCENARIOS, 'ec2-instance-stop.yaml'));
    expect(result.exitCode, result.record.reason).toBe(0);
    const rto = result.record.measurements.rto;
    expect(rto?.probe).toBe('web');
    // the ALB notices a stopped target within a few health checks: a short outage, never none
    expect(rto?.seconds).not.toBeNull();
    expect(rto?.seconds as number).toBeLessThan(10);
    const kinds = journal.map((e) => e.kind);
    expect(kinds.indexOf('inverse.recorded')).toBeLessThan(kinds.indexOf('fault.requested'));
    expect(
      journal.some(
        (e) => e.kind === 'watch.event' && e.data.source === 'elbv2' && e.data.reason === 'Target.InvalidState',
      ),
    ).toBe(true);
    expect(result.record.faults[0]).toMatchObject({ type: 'ec2-stop', rollback: 'succeeded' });
    // evidence pack written and signed
    const ev = JSON.parse(readFileSync(join(result.runDir, 'evidence.json'), 'utf8'));
    expect(ev.run.verdict).toBe('passed');
  });

  it('database failover: no acknowledged write lost, failover events by id', async () => {
    const { result, journal } = await drillUnderPolicy(join(LAB_SCENARIOS, 'rds-multi-az-failover.yaml'));
    expect([0, 4], result.record.reason).toContain(result.exitCode);
    const rpo = result.record.measurements.rpo;
    expect(rpo?.kind).toBe('failover');
    expect(rpo?.lostWrites).toBe(0);
    expect(rpo?.acknowledgedWrites).toBeGreaterThan(10);
    expect(rpo?.readBackWrites).toBeGreaterThanOrEqual(rpo?.acknowledgedWrites as number);
    expect(result.record.measurements.rto?.seconds).not.toBeNull();
    const ids = journal.filter((e) => e.kind === 'watch.event' && e.data.eventId).map((e) => e.data.eventId);
    expect(ids).toContain('RDS-EVENT-0013');
    expect(ids.some((i) => i === 'RDS-EVENT-0049' || i === 'RDS-EVENT-0015')).toBe(true);
  });

  it('AZ impairment: instances in the AZ stopped, database failed over, users served', async () => {
    const { result, journal } = await drillUnderPolicy(join(LAB_SCENARIOS, 'az-impairment.yaml'));
    expect([0, 4], result.record.reason).toContain(result.exitCode);
    const inAz = lab
      .info()
      .instances.filter((i) => i.az === 'lab-1a')
      .map((i) => i.id)
      .sort();
    const stop = result.record.faults.find((f) => f.stepId === 'lose-az.stop');
    expect([...(stop?.targets ?? [])].sort()).toEqual(inAz);
    expect(result.record.faults.find((f) => f.stepId === 'lose-az.failover')?.action).toBe('rds:RebootDBInstance');
    expect(result.record.measurements.rpo?.lostWrites).toBe(0);
    expect(result.record.measurements.rto?.seconds).not.toBeNull();
    // Both parts undone, then the drill's leases on the instances and the database released.
    expect(
      journal
        .filter((e) => e.kind === 'rollback.succeeded')
        .map((e) => e.data.stepId)
        .sort(),
    ).toEqual(['lease', 'lease.rds', 'lose-az.failover', 'lose-az.stop']);
  });
});
