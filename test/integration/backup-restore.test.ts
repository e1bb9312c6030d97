import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackupClient, DescribeRecoveryPointCommand, DescribeRestoreJobCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { readJournal } from '../../src/run/journal.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
import { useLab } from '../_helpers/lab.js';
import { type drill, killedWhen, LAB_SCENARIOS, usePolicyRuns, variant } from './_drill.js';

/**
 * The AWS Backup restore drills (BAR-002) on a lab with the Backup part: every figure a run
 * reports is checked against what the lab's Backup, RDS and DynamoDB APIs answer afterwards.
 */
const lab = useLab({ aurora: false, dynamodb: true, backup: true });
/** Each drill below runs under exactly its scenario's generated IAM policy. */
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

let c: { backup: BackupClient; rds: RDSClient; ddb: DynamoDBClient };
beforeAll(() => {
  const info = lab.info();
  const cfg = {
    region: info.region,
    endpoint: info.awsEndpoint,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  };
  c = { backup: new BackupClient(cfg), rds: new RDSClient(cfg), ddb: new DynamoDBClient(cfg) };
});
afterAll(() => {
  for (const x of Object.values(c ?? {})) x.destroy();
});

async function dbIds(): Promise<string[]> {
  const r = await c.rds.send(new DescribeDBInstancesCommand({}));
  return (r.DBInstances ?? [])
    .filter((d) => d.DBInstanceStatus !== 'deleting')
    .map((d) => d.DBInstanceIdentifier ?? '')
    .sort();
}

async function tables(): Promise<string[]> {
  return ((await c.ddb.send(new ListTablesCommand({}))).TableNames ?? []).sort();
}

/**
 * What every AWS Backup restore drill must show, checked against the Backup API: the job
 * COMPLETED and carries drillproof's validation; RTO = verified − F; RPO = F − the recovery
 * point's creation (DescribeRecoveryPoint); the FTR BAR-002 item shows the restore as rehearsed.
 */
async function expectBackupRestore(
  run: Awaited<ReturnType<typeof drill>>,
  newName: (md: Record<string, string>) => string,
  arnEnd: (name: string) => RegExp,
) {
  const { result, journal, runDir } = run;
  expect(result.exitCode, result.record.reason).toBe(0);
  expect(result.record.verdict).not.toBe('inconclusive');
  expect(result.record.verification?.ok).toBe(true);
  expect(result.record.faults[0]).toMatchObject({ type: 'backup-restore', rollback: 'succeeded' });

  // F: when AWS accepted the restore call (its fault.acknowledged), docs/measurements.md §10.
  const F = journal.find((e) => e.kind === 'fault.acknowledged')?.t as number;
  const start = journal.find((e) => e.kind === 'aws.call' && e.data.operation === 'StartRestoreJob' && e.data.ok);
  const params = start?.data.params as { RecoveryPointArn: string; Metadata: Record<string, string> };
  const name = newName(params.Metadata);
  // The delete of the restore was journaled before the restore was asked for.
  const inverse = journal.find((e) => e.kind === 'inverse.recorded');
  expect(inverse?.t as number).toBeLessThanOrEqual(start?.t as number);
  const fu = journal.find((e: JournalEntry) => e.kind === 'note' && (e.data as { followUp?: unknown }).followUp);
  if (!fu) throw new Error('no follow-up note in the journal');
  const data = (fu.data as { followUp: { data: Record<string, unknown> } }).followUp.data;
  const jobId = data.restoreJobId as string;

  // AWS Backup's own answers: the job COMPLETED, the validation recorded.
  const job = await c.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: jobId }));
  expect(job.Status).toBe('COMPLETED');
  expect(job.RecoveryPointArn).toBe(params.RecoveryPointArn);
  expect(job.CreatedResourceArn).toMatch(arnEnd(name));
  expect(job.ValidationStatus).toBe('SUCCESSFUL');
  expect(job.ValidationStatusMessage).toContain(result.record.runId);

  // RTO = verified − F, F the journal's fault.acknowledged (the same F as the RPO's).
  expect(data.faultAtMs).toBe(F);
  const rto = result.record.measurements.rto;
  expect(rto?.probe).toBe(`restore:${name}`);
  expect(rto?.seconds).toBeCloseTo(((data.verifiedAtMs as number) - F) / 1000, 6);
  expect(rto?.seconds as number).toBeGreaterThan(0);

  // RPO = F − the recovery point's creation (it was taken at lab start, before the heartbeat began).
  const rp = await c.backup.send(
    new DescribeRecoveryPointCommand({
      BackupVaultName: lab.info().backup?.vaultName,
      RecoveryPointArn: params.RecoveryPointArn,
    }),
  );
  const created = rp.CreationDate?.getTime() as number;
  expect(created).toBeLessThan(F);
  const rpo = result.record.measurements.rpo;
  expect(rpo?.kind).toBe('restore');
  expect(rpo?.seconds).toBeCloseTo((F - created) / 1000, 3);

  // FTR: BAR-002 shows the restore, as a rehearsal on a lab.
  const ev = JSON.parse(readFileSync(join(runDir, 'evidence.json'), 'utf8'));
  expect(ev.ftr.evidence.mode).toBe('rehearsal');
  const bar = ev.ftr.items.find((i: { id: string }) => i.id === 'BAR-002');
  expect(bar.status).toBe('rehearsed');
  expect(bar.claimedByScenario).toBe(true);
  const supports = bar.supports.join('\n');
  expect(supports).toContain('AWS Backup recovery point was restored');
  expect(supports).toMatch(/restore RTO .*objective/);
  expect(supports).toMatch(/restore RPO .*objective/);
  return name;
}

/**
 * Kills the drill with -9 when its journal shows `marker`, then runs recover: the restore job has
 * ended (AWS Backup cannot cancel one: recover waits for it) and nothing it created is left.
 */
async function killThenRecover(scenario: string, marker: string, exists: (name: string) => Promise<boolean>) {
  const file = variant(scenario, (d) => {
    d.steps.baseline = '1s';
  });
  const out = await killedWhen(file, lab.dir(), marker);
  const journalFile = join(out, 'journal.ndjson');
  const killed = readJournal(journalFile).entries;
  expect(killed.some((e) => e.kind.startsWith('rollback.') || e.kind === 'run.finished')).toBe(false);
  const ack = killed.find((e) => e.kind === 'fault.acknowledged')?.data as {
    response: { restoreJobId: string; newId: string };
  };
  const { restoreJobId, newId } = ack.response;
  const jobAtKill = (await c.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }))).Status;
  const t0 = Date.now();
  const r = await recoverRun(out, {
    createAws: (t, rec) => createAwsApis(t, rec),
    sink: new RecordingSink(),
    pollMs: 200,
  });
  const recoverS = (Date.now() - t0) / 1000;
  expect(r.exitCode).toBe(0);
  expect(r.outcomes.map((o) => o.status)).toEqual(['succeeded']);
  // AWS Backup's answer: the job ended (COMPLETED: it was never cancelled), what it made is gone.
  const job = await c.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  expect(job.Status).toBe('COMPLETED');
  expect(await exists(newId)).toBe(false);
  // The journal: the replayed undo was the wait-then-delete of this job, and it says so.
  const tail = readJournal(journalFile).entries.slice(killed.length);
  const started = tail.find((e) => e.kind === 'rollback.started')?.data as {
    inverse: { action: string; params: { restoreJobId: string } };
  };
  expect(started.inverse).toMatchObject({ action: 'backup.delete-restored', params: { restoreJobId } });
  expect(
    tail.some((e) => e.kind === 'note' && String(e.data.message).startsWith(`restore job ${restoreJobId} COMPLETED`)),
  ).toBe(true);
  expect(tail.some((e) => e.kind === 'rollback.succeeded')).toBe(true);
  return { jobAtKill, recoverS, newId };
}

describe('lab AWS Backup restores', { timeout: 180_000 }, () => {
  it('an RDS recovery point: restored, verified, validation reported, the instance deleted', async () => {
    const before = await dbIds();
    const run = await drillUnderPolicy(join(LAB_SCENARIOS, 'backup-restore-rds.yaml'));
    const name = await expectBackupRestore(
      run,
      (md) => md.DBInstanceIdentifier as string,
      (n) => new RegExp(`:db:${n}$`),
    );
    expect(name).toMatch(/^lab-db-dp-\d{8}t\d{6}z-/);
    expect(await dbIds()).toEqual(before);
    await expect(c.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name }))).rejects.toThrow(
      /not found/i,
    );
  });

  it('a DynamoDB recovery point: restored, items counted, validation reported, the table deleted', async () => {
    const before = await tables();
    const run = await drillUnderPolicy(join(LAB_SCENARIOS, 'backup-restore-dynamodb.yaml'));
    // The lab's DynamoDB recovery points are the advanced kind (an AWS Backup ARN); the RPO names it.
    expect(run.result.record.measurements.rpo?.probe).toMatch(
      /^recovery-point:arn:aws:backup:us-east-1:000000000000:recovery-point:[0-9A-F-]{36}$/,
    );
    const name = await expectBackupRestore(
      run,
      (md) => md.targetTableName as string,
      (n) => new RegExp(`:table/${n}$`),
    );
    expect(name).toMatch(/^lab-app-dp-\d{8}t\d{6}z-/);
    const items = run.result.record.verification?.checks.find((x) => x.name === 'items');
    expect(items).toMatchObject({ ok: true, actual: '3 items' });
    expect(await tables()).toEqual(before);
    await expect(c.ddb.send(new DescribeTableCommand({ TableName: name }))).rejects.toThrow(/not found/i);
  });

  it('kill -9 while the RDS restore job runs, then recover: it waits for the job, then deletes the instance', async () => {
    const before = await dbIds();
    // Killed as soon as the job id is journaled: the job has not created the instance yet.
    const k = await killThenRecover('backup-restore-rds', '"action":"backup.delete-restored"', async (id) => {
      const all = (await c.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
      return all.some((d) => d.DBInstanceIdentifier === id);
    });
    expect(['PENDING', 'RUNNING']).toContain(k.jobAtKill);
    expect(await dbIds()).toEqual(before);
    console.log(`backup-restore rds kill -9 (job ${k.jobAtKill}): recover ${k.recoverS}s`);
  });

  it('kill -9 just after the DynamoDB restore job completed, then recover: the table is deleted', async () => {
    const before = await tables();
    const k = await killThenRecover('backup-restore-dynamodb', '"state":"COMPLETED', async (t) =>
      (await tables()).includes(t),
    );
    expect(k.jobAtKill).toBe('COMPLETED');
    expect(await tables()).toEqual(before);
    console.log(`backup-restore dynamodb kill -9 (job ${k.jobAtKill}): recover ${k.recoverS}s`);
  });
});
