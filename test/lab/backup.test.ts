import {
  BackupClient,
  DescribeBackupJobCommand,
  DescribeBackupVaultCommand,
  DescribeRecoveryPointCommand,
  DescribeRestoreJobCommand,
  type DescribeRestoreJobCommandOutput,
  GetRecoveryPointRestoreMetadataCommand,
  InvalidRequestException,
  ListBackupVaultsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  ListRestoreJobsCommand,
  PutRestoreValidationResultCommand,
  ResourceNotFoundException,
  StartBackupJobCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import {
  DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { labClientConfig, labShipLogs } from '../../src/lab/lab.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ dynamodb: true, backup: true, aurora: false, logShipIntervalMs: 500 });
const VAULT = 'lab-vault';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backup = () => new BackupClient({ ...labClientConfig(lab.info()), maxAttempts: 1 });
const ddb = () => new DynamoDBClient({ ...labClientConfig(lab.info()), maxAttempts: 1 });

async function sql<T extends pg.QueryResultRow>(port: number, text: string, params: unknown[] = []): Promise<T[]> {
  const i = lab.info();
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
    user: i.db.user,
    password: i.db.password,
    database: i.db.database,
  });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Follows a restore job to its end; returns every state it was seen in, in order. */
async function follow(id: string): Promise<{ states: string[]; last: DescribeRestoreJobCommandOutput }> {
  const states: string[] = [];
  for (let i = 0; i < 1200; i++) {
    const j = await backup().send(new DescribeRestoreJobCommand({ RestoreJobId: id }));
    if (states[states.length - 1] !== j.Status) states.push(j.Status as string);
    if (j.Status === 'COMPLETED' || j.Status === 'FAILED' || j.Status === 'ABORTED') return { states, last: j };
    await sleep(50);
  }
  throw new Error(`restore job ${id} did not finish`);
}

async function backupJob(resourceArn: string): Promise<string> {
  const b = backup();
  const r = await b.send(
    new StartBackupJobCommand({
      BackupVaultName: VAULT,
      ResourceArn: resourceArn,
      IamRoleArn: lab.info().backup?.roleArn,
    }),
  );
  await eventually(
    async () => (await b.send(new DescribeBackupJobCommand({ BackupJobId: r.BackupJobId }))).State === 'COMPLETED',
    60_000,
  );
  const j = await b.send(new DescribeBackupJobCommand({ BackupJobId: r.BackupJobId }));
  expect(j.RecoveryPointArn).toBe(r.RecoveryPointArn);
  expect(j.PercentDone).toBe('100.00%');
  return r.RecoveryPointArn as string;
}

describe('lab AWS Backup: vault and recovery points', () => {
  it('lists the vault and the recovery points taken at start', async () => {
    const info = lab.info();
    expect(info.backup).toEqual({
      vaultName: VAULT,
      vaultArn: 'arn:aws:backup:us-east-1:000000000000:backup-vault:lab-vault',
      roleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
    });
    const b = backup();
    const vaults = await b.send(new ListBackupVaultsCommand({}));
    expect(vaults.BackupVaultList?.map((v) => v.BackupVaultName)).toEqual([VAULT]);
    const v = await b.send(new DescribeBackupVaultCommand({ BackupVaultName: VAULT }));
    expect(v.BackupVaultArn).toBe(info.backup?.vaultArn);
    await expect(b.send(new DescribeBackupVaultCommand({ BackupVaultName: 'nope-vault' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const rps =
      (await b.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT }))).RecoveryPoints ?? [];
    const byType = (t: string) => rps.filter((r) => r.ResourceType === t);
    expect(byType('RDS').length).toBe(2);
    expect(byType('DynamoDB').length).toBe(1);
    const snap = byType('RDS').find((r) => r.RecoveryPointArn?.includes(':snapshot:awsbackup:job-'));
    expect(snap).toMatchObject({
      Status: 'COMPLETED',
      ResourceArn: info.db.arn,
      IsParent: false,
      BackupVaultName: VAULT,
    });
    expect(snap?.CreationDate).toBeInstanceOf(Date);
    expect(snap?.CalculatedLifecycle?.DeleteAt?.getTime()).toBe((snap?.CreationDate?.getTime() ?? 0) + 35 * 86_400_000);
    const cont = byType('RDS').find((r) => r.RecoveryPointArn?.includes(':recovery-point:continuous:'));
    expect(cont?.Status).toBe('COMPLETED');
    const ddbRp = byType('DynamoDB')[0];
    expect(ddbRp?.ResourceArn).toBe(info.dynamodb?.tableArn);
    // Advanced DynamoDB backup: an AWS Backup recovery point ARN, not the DynamoDB backup ARN.
    expect(ddbRp?.RecoveryPointArn).toMatch(
      /^arn:aws:backup:us-east-1:000000000000:recovery-point:[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/,
    );

    const onlyDdb = await b.send(
      new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT, ByResourceType: 'DynamoDB' }),
    );
    expect(onlyDdb.RecoveryPoints?.length).toBe(1);
    const byRes = await b.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: info.db.arn }));
    expect(byRes.RecoveryPoints?.map((r) => r.BackupVaultName)).toEqual([VAULT, VAULT]);
    const d = await b.send(
      new DescribeRecoveryPointCommand({ BackupVaultName: VAULT, RecoveryPointArn: ddbRp?.RecoveryPointArn }),
    );
    expect(d.ResourceName).toBe('lab-app');
    await expect(
      b.send(
        new DescribeRecoveryPointCommand({
          BackupVaultName: VAULT,
          RecoveryPointArn: 'arn:aws:backup:us-east-1:000000000000:recovery-point:nope',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('returns the restore metadata AWS Backup names per resource type', async () => {
    const b = backup();
    const rps =
      (await b.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT }))).RecoveryPoints ?? [];
    const rds = rps.find((r) => r.ResourceType === 'RDS');
    const md = await b.send(
      new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: VAULT, RecoveryPointArn: rds?.RecoveryPointArn }),
    );
    expect(md.ResourceType).toBe('RDS');
    expect(md.RestoreMetadata).toMatchObject({
      DBInstanceIdentifier: 'lab-db',
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      MultiAZ: 'true',
      DBSubnetGroupName: 'lab',
      Port: String(lab.info().db.port),
    });
    expect(JSON.parse(md.RestoreMetadata?.VpcSecurityGroupIds ?? '[]')).toEqual(['sg-0a1b0000000000001']);
    const d = rps.find((r) => r.ResourceType === 'DynamoDB');
    const dmd = await b.send(
      new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: VAULT, RecoveryPointArn: d?.RecoveryPointArn }),
    );
    expect(dmd.RestoreMetadata).toEqual({ targetTableName: 'lab-app', encryptionType: 'Default' });
  });
});

describe('lab AWS Backup: restore jobs that really restore', () => {
  it('restores lab-db from a backup job snapshot, with the validation result visible afterwards', async () => {
    const info = lab.info();
    await sql(info.db.port, 'CREATE TABLE IF NOT EXISTS bk_marks (n int primary key)');
    await sql(info.db.port, 'INSERT INTO bk_marks VALUES (1)');
    const rp = await backupJob(info.db.arn);
    await sql(info.db.port, 'INSERT INTO bk_marks VALUES (2)');
    const b = backup();
    const md = await b.send(
      new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: VAULT, RecoveryPointArn: rp }),
    );
    const start = await b.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: rp,
        IamRoleArn: info.backup?.roleArn,
        ResourceType: 'RDS',
        Metadata: { ...md.RestoreMetadata, DBInstanceIdentifier: 'bk-restored', MultiAZ: 'false' },
      }),
    );
    await expect(
      b.send(
        new PutRestoreValidationResultCommand({ RestoreJobId: start.RestoreJobId, ValidationStatus: 'SUCCESSFUL' }),
      ),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    const { states, last } = await follow(start.RestoreJobId as string);
    expect(states).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    expect(last.CreatedResourceArn).toBe('arn:aws:rds:us-east-1:000000000000:db:bk-restored');
    expect(last.PercentDone).toBe('100.00%');
    expect(last.RecoveryPointArn).toBe(rp);
    expect(last.SourceResourceArn).toBe(info.db.arn);
    expect(last.CompletionDate?.getTime()).toBeGreaterThanOrEqual(last.CreationDate?.getTime() ?? Infinity);
    const { rds } = labClients(info);
    const inst = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'bk-restored' })))
      .DBInstances?.[0];
    expect(inst?.DBInstanceStatus).toBe('available');
    const rows = await sql<{ n: number }>(inst?.Endpoint?.Port as number, 'SELECT n FROM bk_marks ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([1]);

    await b.send(
      new PutRestoreValidationResultCommand({
        RestoreJobId: start.RestoreJobId,
        ValidationStatus: 'SUCCESSFUL',
        ValidationStatusMessage: 'drillproof: 1 row as expected',
      }),
    );
    const after = await b.send(new DescribeRestoreJobCommand({ RestoreJobId: start.RestoreJobId }));
    expect(after.ValidationStatus).toBe('SUCCESSFUL');
    expect(after.ValidationStatusMessage).toBe('drillproof: 1 row as expected');
    const jobs = await b.send(new ListRestoreJobsCommand({ ByStatus: 'COMPLETED' }));
    expect(jobs.RestoreJobs?.find((j) => j.RestoreJobId === start.RestoreJobId)?.ValidationStatus).toBe('SUCCESSFUL');
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'bk-restored', SkipFinalSnapshot: true }));
  });

  it('restores lab-db to a point in time from the continuous recovery point', async () => {
    const info = lab.info();
    await sql(info.db.port, 'CREATE TABLE IF NOT EXISTS pit_marks (n int primary key)');
    await sql(info.db.port, 'INSERT INTO pit_marks VALUES (1)');
    await sleep(300);
    const t = new Date();
    await sleep(300);
    await sql(info.db.port, 'INSERT INTO pit_marks VALUES (2)');
    await labShipLogs({ dir: lab.dir() });
    const b = backup();
    const rps = await b.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: info.db.arn }));
    const cont = rps.RecoveryPoints?.find((r) => r.RecoveryPointArn?.includes(':continuous:'))?.RecoveryPointArn;
    const start = await b.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: cont,
        IamRoleArn: info.backup?.roleArn,
        Metadata: { DBInstanceIdentifier: 'pit-restored', RestoreTime: t.toISOString() },
      }),
    );
    const { last } = await follow(start.RestoreJobId as string);
    expect(last.Status).toBe('COMPLETED');
    const { rds } = labClients(info);
    const inst = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'pit-restored' })))
      .DBInstances?.[0];
    const rows = await sql<{ n: number }>(inst?.Endpoint?.Port as number, 'SELECT n FROM pit_marks ORDER BY n');
    expect(rows.map((r) => r.n)).toEqual([1]);
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'pit-restored', SkipFinalSnapshot: true }));
  });

  it('restores a DynamoDB table from a backup job', async () => {
    const info = lab.info();
    const d = ddb();
    const key = (n: number) => ({ pk: { S: 'bk' }, sk: { N: String(n) } });
    await d.send(new PutItemCommand({ TableName: 'lab-app', Item: key(1) }));
    const rp = await backupJob(info.dynamodb?.tableArn as string);
    expect(rp).toMatch(/^arn:aws:backup:us-east-1:000000000000:recovery-point:/);
    // DynamoDB lists the AWS Backup backup under that same ARN.
    const listed = await d.send(new ListBackupsCommand({ TableName: 'lab-app', BackupType: 'AWS_BACKUP' }));
    expect(listed.BackupSummaries?.map((x) => x.BackupArn)).toContain(rp);
    await d.send(new PutItemCommand({ TableName: 'lab-app', Item: key(2) }));
    const b = backup();
    const start = await b.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: rp,
        IamRoleArn: info.backup?.roleArn,
        ResourceType: 'DynamoDB',
        Metadata: { targetTableName: 'lab-app-restored', encryptionType: 'Default' },
      }),
    );
    const { states, last } = await follow(start.RestoreJobId as string);
    expect(states).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    expect(last.CreatedResourceArn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/lab-app-restored');
    const one = await d.send(new GetItemCommand({ TableName: 'lab-app-restored', Key: key(1), ConsistentRead: true }));
    const two = await d.send(new GetItemCommand({ TableName: 'lab-app-restored', Key: key(2), ConsistentRead: true }));
    expect([one.Item !== undefined, two.Item !== undefined]).toEqual([true, false]);
    const all = await d.send(new ScanCommand({ TableName: 'lab-app-restored' }));
    expect(all.Items?.some((i) => i.pk?.S === 'order')).toBe(true);
    await b.send(
      new PutRestoreValidationResultCommand({
        RestoreJobId: start.RestoreJobId,
        ValidationStatus: 'FAILED',
        ValidationStatusMessage: 'expected 3 rows, got 2',
      }),
    );
    expect((await b.send(new DescribeRestoreJobCommand({ RestoreJobId: start.RestoreJobId }))).ValidationStatus).toBe(
      'FAILED',
    );
  });

  it('a restore AWS would refuse fails as a job with a status message', async () => {
    const info = lab.info();
    const b = backup();
    const rps = await b.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: info.db.arn }));
    const snap = rps.RecoveryPoints?.find((r) => r.RecoveryPointArn?.includes(':snapshot:'))?.RecoveryPointArn;
    const clash = await b.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: snap,
        IamRoleArn: info.backup?.roleArn,
        Metadata: { DBInstanceIdentifier: 'lab-db' },
      }),
    );
    const { last } = await follow(clash.RestoreJobId as string);
    expect(last.Status).toBe('FAILED');
    expect(last.StatusMessage).toMatch(/already exists/);
    expect(last.CreatedResourceArn).toBeUndefined();
    const missing = await b.send(new StartRestoreJobCommand({ RecoveryPointArn: snap, Metadata: {} }));
    expect((await follow(missing.RestoreJobId as string)).last.StatusMessage).toMatch(
      /DBInstanceIdentifier is required/,
    );
    await expect(
      b.send(
        new PutRestoreValidationResultCommand({ RestoreJobId: clash.RestoreJobId, ValidationStatus: 'SUCCESSFUL' }),
      ),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(
      b.send(
        new StartRestoreJobCommand({
          RecoveryPointArn: 'arn:aws:backup:us-east-1:000000000000:recovery-point:nope',
          Metadata: {},
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(b.send(new DescribeRestoreJobCommand({ RestoreJobId: 'NOPE' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
