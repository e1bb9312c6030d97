import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { describe, expect, it } from 'vitest';
import type { HeartbeatReadback } from '../../src/run/samples.js';
import { labClients } from '../_helpers/lab.js';
import { drill, LAB_SCENARIOS, useDrillLab } from './_drill.js';

/** Point-in-time restore (BAR-002) and a FIS template drill against one lab. */
const lab = useDrillLab({ aurora: false, fisTimeScale: 0.1 }, { leavesAsFoundWithinMs: 20_000 });

describe('restore and FIS drills', { timeout: 150_000 }, () => {
  it('point-in-time restore: verified, RPO = F − H from the restored rows, restored instance deleted', async () => {
    const { result, journal, runDir } = await drill(join(LAB_SCENARIOS, 'rds-pitr-restore.yaml'), lab.dir());
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.verification?.ok).toBe(true);
    // independently: F (the accepted fault call) from the journal, H from the restored database's read-back
    const F = journal.find((e) => e.kind === 'fault.acknowledged')?.t as number;
    const rb = JSON.parse(
      readFileSync(join(runDir, 'samples', 'hb.restore.readback.json'), 'utf8'),
    ) as HeartbeatReadback;
    expect(rb.kind).toBe('restore');
    expect(rb.seqs.length).toBeGreaterThan(0);
    const H = Math.max(...rb.sentAt);
    const rpo = result.record.measurements.rpo;
    expect(rpo?.kind).toBe('restore');
    expect(rpo?.seconds).toBeCloseTo((F - H) / 1000, 6);
    expect(rpo?.seconds as number).toBeGreaterThanOrEqual(0);
    // restore RTO: verified − F, positive and inside the observe timeout
    const rto = result.record.measurements.rto;
    expect(rto?.probe).toMatch(/^restore:/);
    expect(rto?.seconds as number).toBeGreaterThan(0);
    expect(rto?.seconds as number).toBeLessThan(90);
    expect(result.record.faults[0]).toMatchObject({ type: 'rds-restore', rollback: 'succeeded' });
  });

  it('FIS template: experiment tagged with the run id, states recorded, template deleted afterwards', async () => {
    const { result, journal } = await drill(join(LAB_SCENARIOS, 'fis-template.yaml'), lab.dir());
    expect(result.exitCode, result.record.reason).toBe(0);
    const states = journal
      .filter((e) => e.kind === 'watch.event' && e.data.source === 'fis' && !String(e.data.resource).includes('/'))
      .map((e) => e.data.state);
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('completed');
    const start = journal.find((e) => e.kind === 'aws.call' && e.data.operation === 'StartExperiment' && e.data.ok);
    expect((start?.data.params as { tags?: Record<string, string> } | undefined)?.tags?.['drillproof:run-id']).toBe(
      result.record.runId,
    );
    const c = labClients(lab.info());
    const templates = await c.fis.send(new ListExperimentTemplatesCommand({}));
    expect((templates.experimentTemplates ?? []).filter((t) => t.tags?.['drillproof:run-id'])).toEqual([]);
    for (const x of Object.values(c)) x.destroy();
    expect(result.record.faults.map((f) => f.rollback)).toEqual(['succeeded']);
  });
});
