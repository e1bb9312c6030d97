import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackupClient, DescribeRecoveryPointCommand, DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { readJournal } from '../../src/run/journal.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
import { useLab } from '../_helpers/lab.js';
import { killedWhen, LAB_SCENARIOS, usePolicyRuns, variant } from './_drill.js';

/**
 * The AWS Backup restore of an Aurora cluster (BAR-002) on a lab with lab-aurora and the Backup
 * part: the restore job makes a cluster with no instance, the drill adds one, verifies through the
 * cluster endpoint, and deletes both. Every figure is checked against the lab's Backup and RDS APIs.
 */
const lab = useLab({ aurora: true, backup: true });
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

let c: { backup: BackupClient; rds: RDSClient };
beforeAll(() => {
  const info = lab.info();
  const cfg = {
    region: info.region,
    endpoint: info.awsEndpoint,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  };
  c = { backup: new BackupClient(cfg), rds: new RDSClient(cfg) };
});
afterAll(() => {
  for (const x of Object.values(c ?? {})) x.destroy();
});

/** The clusters and DB instances RDS knows, not counting ones being deleted. */
async function rdsState(): Promise<{ clusters: string[]; instances: string[] }> {
  const cl = (await c.rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
  const db = (await c.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
  return {
    clusters: cl.map((x) => x.DBClusterIdentifier ?? '').sort(),
    instances: db
      .filter((d) => d.DBInstanceStatus !== 'deleting')
      .map((d) => d.DBInstanceIdentifier ?? '')
      .sort(),
  };
}

const followUpOf = (journal: JournalEntry[]) => {
  const fu = journal.find((e) => e.kind === 'note' && (e.data as { followUp?: unknown }).followUp);
  if (!fu) throw new Error('no follow-up note in the journal');
  return (fu.data as { followUp: { data: Record<string, unknown> } }).followUp.data;
};

describe('lab AWS Backup restore of an Aurora cluster', { timeout: 240_000 }, () => {
  it('restores the cluster, adds an instance, verifies through the cluster endpoint, reports, deletes both', async () => {
    const before = await rdsState();
    const t0 = Date.now();
    const { result, journal, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'backup-restore-aurora.yaml'));
    const runS = (Date.now() - t0) / 1000;
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.verification?.ok).toBe(true);
    expect(result.record.verification?.checks.map((x) => [x.name, x.ok])).toEqual([
      ['answers', true],
      ['writable', true],
    ]);
    expect(result.record.faults[0]).toMatchObject({ type: 'backup-restore', rollback: 'succeeded' });

    const F = journal.find((e) => e.kind === 'fault.acknowledged')?.t as number;
    const calls = journal.filter((e) => e.kind === 'aws.call' && e.data.ok);
    const start = calls.find((e) => e.data.operation === 'StartRestoreJob');
    const params = start?.data.params as {
      RecoveryPointArn: string;
      ResourceType: string;
      Metadata: Record<string, string>;
    };
    expect(params.ResourceType).toBe('Aurora');
    expect(params.RecoveryPointArn).toMatch(/:cluster-snapshot:awsbackup:job-[0-9a-f-]{36}$/);
    const name = params.Metadata.DBClusterIdentifier as string;
    expect(name).toMatch(/^lab-aurora-dp-\d{8}t\d{6}z-/);
    // The undo was journaled before the restore and before the instance was created.
    const recorded = journal.filter((e) => e.kind === 'inverse.recorded');
    expect(recorded[0]?.t as number).toBeLessThanOrEqual(start?.t as number);
    const create = calls.find((e) => e.data.operation === 'CreateDBInstance');
    expect(create?.data.params).toMatchObject({ DBClusterIdentifier: name, DBInstanceClass: 'db.r6g.large' });
    expect(recorded.every((e) => e.t <= (create?.t as number))).toBe(true);

    const data = followUpOf(journal);
    // AWS Backup made the cluster with no instance; the drill added `<cluster>-1`.
    expect(data.aurora).toMatchObject({ cluster: name, membersAtRestore: [], instance: `${name}-1` });
    const job = await c.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: data.restoreJobId as string }));
    expect(job).toMatchObject({ Status: 'COMPLETED', ResourceType: 'Aurora', ValidationStatus: 'SUCCESSFUL' });
    expect(job.CreatedResourceArn).toMatch(new RegExp(`:cluster:${name}$`));
    expect(job.ValidationStatusMessage).toContain(result.record.runId);

    // RTO = verified − F (F: the journal's fault.acknowledged).
    expect(data.faultAtMs).toBe(F);
    const rto = result.record.measurements.rto;
    expect(rto?.probe).toBe(`restore:${name}`);
    expect(rto?.seconds).toBeCloseTo(((data.verifiedAtMs as number) - F) / 1000, 6);
    expect(rto?.seconds as number).toBeGreaterThan(0);
    // RPO = F − the recovery point's creation: the point predates the heartbeat, whose rows the
    // restored copy therefore lacks (the read-back found none).
    const rp = await c.backup.send(
      new DescribeRecoveryPointCommand({
        BackupVaultName: lab.info().backup?.vaultName,
        RecoveryPointArn: params.RecoveryPointArn,
      }),
    );
    const created = rp.CreationDate?.getTime() as number;
    expect(rp.ResourceType).toBe('Aurora');
    expect(created).toBeLessThan(F);
    expect(data.heartbeatRows).toBe(0);
    // The point predates the run, so every heartbeat row of it is newer than the point.
    expect(created).toBeLessThan(journal.find((e) => e.kind === 'run.started')?.t as number);
    const rpo = result.record.measurements.rpo;
    expect(rpo?.kind).toBe('restore');
    expect(rpo?.seconds).toBeCloseTo((F - created) / 1000, 3);

    // FTR: BAR-002 shows the restore, as a rehearsal on a lab.
    const ev = JSON.parse(readFileSync(join(runDir, 'evidence.json'), 'utf8'));
    const bar = ev.ftr.items.find((i: { id: string }) => i.id === 'BAR-002');
    expect(bar).toMatchObject({ status: 'rehearsed', claimedByScenario: true });
    expect(bar.supports.join('\n')).toContain('AWS Backup recovery point was restored');

    // Nothing left: RDS knows neither the cluster nor its instance.
    expect(await rdsState()).toEqual(before);
    await expect(c.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: name }))).rejects.toThrow(
      /not found/i,
    );
    console.log(
      `backup-restore aurora: RTO ${rto?.seconds}s, RPO ${rpo?.seconds}s, run ${runS}s, instance ${String((data.aurora as { instance: string }).instance)}`,
    );
  });

  it('kill -9 once the instance is being created in the restored cluster, then recover: instance and cluster deleted', async () => {
    const before = await rdsState();
    const file = variant('backup-restore-aurora', (d) => {
      d.steps.baseline = '1s';
    });
    const out = await killedWhen(file, lab.dir(), '"operation":"CreateDBInstance"');
    const journalFile = join(out, 'journal.ndjson');
    const killed = readJournal(journalFile).entries;
    expect(killed.some((e) => e.kind.startsWith('rollback.') || e.kind === 'run.finished')).toBe(false);
    const ack = killed.find((e) => e.kind === 'fault.acknowledged')?.data as {
      response: { restoreJobId: string; newId: string };
    };
    const { restoreJobId, newId } = ack.response;
    // The drill was killed with the cluster restored and its instance asked for.
    const atKill = await rdsState();
    expect(atKill.clusters).toContain(newId);
    expect(atKill.instances).toContain(`${newId}-1`);
    const t0 = Date.now();
    const r = await recoverRun(out, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink: new RecordingSink(),
      pollMs: 200,
    });
    const recoverS = (Date.now() - t0) / 1000;
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    const tail = readJournal(journalFile).entries.slice(killed.length);
    const started = tail.find((e) => e.kind === 'rollback.started')?.data as {
      inverse: { action: string; params: Record<string, string> };
    };
    expect(started.inverse).toMatchObject({
      action: 'backup.delete-restored',
      params: { restoreJobId, resourceType: 'aurora-cluster', name: newId },
    });
    const ops = tail.filter((e) => e.kind === 'aws.call' && e.data.ok).map((e) => String(e.data.operation));
    expect(ops.indexOf('DeleteDBInstance')).toBeGreaterThanOrEqual(0);
    expect(ops.indexOf('DeleteDBCluster')).toBeGreaterThan(ops.indexOf('DeleteDBInstance'));
    expect(await rdsState()).toEqual(before);
    console.log(`backup-restore aurora kill -9 at CreateDBInstance: recover ${recoverS}s`);
  });

  it('kill -9 while the restore job runs, then recover: it waits for the job, then deletes the empty cluster', async () => {
    const before = await rdsState();
    const file = variant('backup-restore-aurora', (d) => {
      d.steps.baseline = '1s';
    });
    // Killed as soon as the job id is journaled: the job has not made the cluster yet.
    const out = await killedWhen(file, lab.dir(), '"action":"backup.delete-restored"');
    const journalFile = join(out, 'journal.ndjson');
    const killed = readJournal(journalFile).entries;
    const ack = killed.find((e) => e.kind === 'fault.acknowledged')?.data as {
      response: { restoreJobId: string; newId: string };
    };
    const { restoreJobId, newId } = ack.response;
    const jobAtKill = (await c.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }))).Status;
    expect(['PENDING', 'RUNNING']).toContain(jobAtKill);
    const t0 = Date.now();
    const r = await recoverRun(out, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink: new RecordingSink(),
      pollMs: 200,
    });
    const recoverS = (Date.now() - t0) / 1000;
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    // AWS Backup's answer: the job ran to its end (never cancelled); RDS: nothing it made is left.
    const job = await c.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
    expect(job.Status).toBe('COMPLETED');
    const tail = readJournal(journalFile).entries.slice(killed.length);
    expect(
      tail.some((e) => e.kind === 'note' && String(e.data.message).startsWith(`restore job ${restoreJobId} COMPLETED`)),
    ).toBe(true);
    const ops = tail.filter((e) => e.kind === 'aws.call' && e.data.ok).map((e) => String(e.data.operation));
    expect(ops).toContain('DeleteDBCluster');
    expect(ops).not.toContain('DeleteDBInstance');
    expect((await rdsState()).clusters).not.toContain(newId);
    expect(await rdsState()).toEqual(before);
    console.log(`backup-restore aurora kill -9 (job ${jobAtKill}): recover ${recoverS}s`);
  });
});
