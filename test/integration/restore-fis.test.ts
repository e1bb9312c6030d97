import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import type { HeartbeatReadback } from '../../src/run/samples.js';
import { labClients } from '../_helpers/lab.js';
import { LAB_SCENARIOS, useDrillLab, usePolicyRuns } from './_drill.js';

/** Point-in-time and fresh-snapshot restores (BAR-002) and a FIS template drill against one lab. */
const lab = useDrillLab({ aurora: false, fisTimeScale: 0.1 }, { leavesAsFoundWithinMs: 20_000 });
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

/** A request parameter of a journaled AWS call. */
const param = (e: { data: Record<string, unknown> } | undefined, name: string) =>
  String((e?.data.params as Record<string, unknown> | undefined)?.[name]);

describe('restore and FIS drills', { timeout: 150_000 }, () => {
  it('point-in-time restore: verified, RPO = F − H from the restored rows, restored instance deleted', async () => {
    const { result, journal, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'rds-pitr-restore.yaml'));
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

  it('fresh-snapshot restore on a fresh lab: snapshot taken before F, verified, RTO and RPO measured, both deleted', async () => {
    const { result, journal, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'rds-snapshot-restore.yaml'));
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.verification?.checks.map((c) => [c.name, c.ok])).toEqual([
      ['answers', true],
      ['heartbeat-rows', true],
    ]);
    const calls = journal.filter((e) => e.kind === 'aws.call' && e.data.ok);
    const create = calls.find((e) => e.data.operation === 'CreateDBSnapshot');
    const snapId = param(create, 'DBSnapshotIdentifier');
    // Named by the restore naming rule (the policy's snapshot:lab-db-dp-*), deletion journaled first.
    expect(snapId).toMatch(/^lab-db-dp-/);
    const inv = journal.find((e) => e.kind === 'inverse.recorded' && e.data.stepId === 'restore.before');
    expect(inv?.seq).toBeLessThan(create?.seq as number);
    expect((inv?.data.inverse as { action?: string } | undefined)?.action).toBe('rds.delete-snapshot');
    // F is the restore request, after the snapshot was available.
    const F = journal.find((e) => e.kind === 'fault.acknowledged')?.t as number;
    const restoreCall = calls.find((e) => e.data.operation === 'RestoreDBInstanceFromDBSnapshot');
    expect(param(restoreCall, 'DBSnapshotIdentifier')).toBe(snapId);
    expect(create?.t as number).toBeLessThan(F);
    // RPO = F − H, H the newest heartbeat in the restored copy (rows written before the snapshot).
    const rb = JSON.parse(
      readFileSync(join(runDir, 'samples', 'hb.restore.readback.json'), 'utf8'),
    ) as HeartbeatReadback;
    expect(rb.seqs.length).toBeGreaterThan(0);
    const H = Math.max(...rb.sentAt);
    expect(H).toBeLessThan(F);
    const rpo = result.record.measurements.rpo;
    expect(rpo?.probe).toBe('hb');
    expect(rpo?.seconds).toBeCloseTo((F - H) / 1000, 6);
    // RTO = verified − F: after the restored instance was seen available, before observe ended.
    const restored = param(restoreCall, 'DBInstanceIdentifier');
    const available = journal.find(
      (e) => e.kind === 'watch.event' && e.data.resource === restored && e.data.state === 'available',
    )?.t as number;
    const observeEnd = journal.find((e) => e.kind === 'phase.finished' && e.data.phase === 'observe')?.t as number;
    const rto = result.record.measurements.rto?.seconds as number;
    expect(F + rto * 1000).toBeGreaterThanOrEqual(available - 250);
    expect(F + rto * 1000).toBeLessThanOrEqual(observeEnd);
    expect(result.record.faults[0]).toMatchObject({ type: 'rds-restore', rollback: 'succeeded' });
    // Both gone, asked through the real SDK client.
    const c = labClients(lab.info());
    await expect(c.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapId }))).rejects.toMatchObject({
      name: 'DBSnapshotNotFoundFault',
    });
    const dbs = await c.rds.send(new DescribeDBInstancesCommand({}));
    expect((dbs.DBInstances ?? []).map((d) => d.DBInstanceIdentifier)).not.toContain(restored);
    for (const x of Object.values(c)) x.destroy();
    console.log(`fresh-snapshot restore: RTO ${rto} s, RPO ${rpo?.seconds} s (${rb.seqs.length} rows in the copy)`);
  });

  it('FIS template: experiment tagged with the run id, states recorded, template deleted afterwards', async () => {
    const { result, journal } = await drillUnderPolicy(join(LAB_SCENARIOS, 'fis-template.yaml'));
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
