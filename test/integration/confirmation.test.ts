import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setLabFaults } from '../../src/lab/lab.js';
import { drill, LAB_SCENARIOS, useDrillLab, variant } from './_drill.js';

/**
 * Verdicts against a lab whose control plane accepts a fault call and does nothing (or declines
 * it): the drill must end inconclusive (exit 7) and say which confirmation is missing; the same
 * drill against the normal lab is confirmed.
 */
const lab = useDrillLab({ aurora: false, fisTimeScale: 0.1 }, { afterTest: (l) => setLabFaults({}, { dir: l.dir() }) });

// A short observe: a fault that is never confirmed keeps observe going until its timeout. The FIS
// experiment's one-minute action runs at a tenth of its time (the lab's fisTimeScale).
const short = (name: string) =>
  variant(name, (d) => {
    d.steps.observe.timeout = '15s';
  });

const confirmationOf = (r: Awaited<ReturnType<typeof drill>>, stepId: string) =>
  r.result.record.faults.find((f) => f.stepId === stepId)?.confirmation;

describe('fault confirmation in lab drills', { timeout: 150_000 }, () => {
  // The normal failover runs after the others: the controls must not leave the lab changed.
  it('failover no-op: rds-failover ends inconclusive (exit 7) naming the missing confirmation', async () => {
    await setLabFaults({ failover: 'no-op' }, { dir: lab.dir() });
    const r = await drill(short('rds-multi-az-failover'), lab.dir());
    expect(r.result.exitCode, r.result.record.reason).toBe(7);
    expect(r.result.record.verdict).toBe('inconclusive');
    expect(r.result.record.reason).toMatch(/^fault failover not confirmed: lab-db: primary still in lab-1./);
    expect(confirmationOf(r, 'failover')?.status).toBe('not-confirmed');
  });

  it('failover declined: inconclusive with declined and RDS-EVENT-0034', async () => {
    await setLabFaults({ failover: 'declined' }, { dir: lab.dir() });
    const r = await drill(short('rds-multi-az-failover'), lab.dir());
    expect(r.result.exitCode, r.result.record.reason).toBe(7);
    const c = confirmationOf(r, 'failover');
    expect(c?.status).toBe('declined');
    expect(c?.detail).toMatch(/^RDS-EVENT-0034: Abandoning user requested failover/);
    expect(r.result.record.reason).toContain('fault failover declined: RDS-EVENT-0034');
  });

  it('failover no-op: az-impairment ends inconclusive naming its failover part', async () => {
    await setLabFaults({ failover: 'no-op' }, { dir: lab.dir() });
    const r = await drill(short('az-impairment'), lab.dir());
    expect(r.result.exitCode, r.result.record.reason).toBe(7);
    const parts = r.result.record.faults.map((f) => [f.stepId, f.confirmation?.status]);
    expect(parts.some(([id, s]) => String(id).endsWith('.failover') && s === 'not-confirmed')).toBe(true);
    expect(parts.some(([id, s]) => String(id).endsWith('.stop') && s === 'confirmed')).toBe(true);
  });

  it('a normal failover is confirmed by the primary moving AZ and passes', async () => {
    const r = await drill(join(LAB_SCENARIOS, 'rds-multi-az-failover.yaml'), lab.dir());
    const c = confirmationOf(r, 'failover');
    expect(c?.status, r.result.record.reason ?? c?.detail).toBe('confirmed');
    expect(c?.detail).toMatch(/primary moved lab-1. → lab-1.|RDS-EVENT-0049/);
    expect(r.result.record.coverage).toEqual({ affected: ['db'], unexercised: [] });
    expect([0, 4], r.result.record.reason).toContain(r.result.exitCode);
    expect(r.journal.some((e) => e.kind === 'fault.confirmation' && e.data.status === 'confirmed')).toBe(true);
  });

  it('FIS no-effect: the experiment completes but no instance stopped: inconclusive', async () => {
    await setLabFaults({ fisActions: 'no-effect' }, { dir: lab.dir() });
    const file = variant('fis-template', (d) => {
      d.steps.observe.timeout = '15s';
      // The variant is written elsewhere: its template file by absolute path.
      const step = d.steps.faults[0] as { templateFile: string };
      step.templateFile = join(LAB_SCENARIOS, step.templateFile);
    });
    const r = await drill(file, lab.dir());
    expect(r.result.exitCode, r.result.record.reason).toBe(7);
    const c = confirmationOf(r, 'fis-stop-one');
    expect(c?.status).toBe('not-confirmed');
    expect(c?.detail).toMatch(/completed, but no instance targeted by stop-one \(aws:ec2:stop-instances\)/);
  });
});
