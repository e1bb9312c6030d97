import {
  BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  StartBackupJobCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import {
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { labClientConfig } from '../../src/lab/lab.js';
import { eventually, useLab } from '../_helpers/lab.js';

/**
 * The lab's AWS Backup of its Aurora-PostgreSQL-style cluster: recovery points are cluster
 * snapshots, a restore job makes a cluster with no instances, CreateDBInstance starts a server on
 * the restored storage behind the cluster endpoint, and the deletes answer as AWS does.
 */
const lab = useLab({ aurora: true, backup: true });
const VAULT = 'lab-vault';

async function sql<T extends pg.QueryResultRow>(port: number, text: string): Promise<T[]> {
  const a = lab.info().aurora;
  if (!a) throw new Error('no aurora');
  const c = new pg.Client({ host: '127.0.0.1', port, user: a.user, password: a.password, database: a.database });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

describe('lab AWS Backup of the Aurora cluster', { timeout: 240_000 }, () => {
  it('backs up, restores a cluster without instances, serves it through an instance, deletes as AWS does', async () => {
    const info = lab.info();
    const a = info.aurora;
    if (!a) throw new Error('no aurora');
    const cfg = { ...labClientConfig(info), maxAttempts: 1 };
    const backup = new BackupClient(cfg);
    const rds = new RDSClient(cfg);
    // The lab's first recovery point of the cluster is a cluster snapshot named as AWS Backup names it.
    const first = await backup.send(
      new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT, ByResourceArn: a.arn }),
    );
    expect(first.RecoveryPoints?.[0]).toMatchObject({
      ResourceType: 'Aurora',
      Status: 'COMPLETED',
      RecoveryPointArn: expect.stringMatching(
        /^arn:aws:rds:us-east-1:000000000000:cluster-snapshot:awsbackup:job-[0-9a-f-]{36}$/,
      ),
    });
    await sql(a.writer.port, "create table if not exists marks (v text); insert into marks values ('before')");
    const job = await backup.send(
      new StartBackupJobCommand({ BackupVaultName: VAULT, ResourceArn: a.arn, IamRoleArn: info.backup?.roleArn }),
    );
    const pointArn = job.RecoveryPointArn as string;
    await eventually(async () => {
      const l = await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT }));
      return l.RecoveryPoints?.find((p) => p.RecoveryPointArn === pointArn)?.Status === 'COMPLETED';
    }, 60_000);
    await sql(a.writer.port, "insert into marks values ('after')");
    const md = await backup.send(
      new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: VAULT, RecoveryPointArn: pointArn }),
    );
    expect(md.RestoreMetadata).toMatchObject({ DBClusterIdentifier: a.clusterId, Engine: 'aurora-postgresql' });
    const id = 'lab-aurora-dp-labtest';
    const { RestoreJobId } = await backup.send(
      new StartRestoreJobCommand({
        RecoveryPointArn: pointArn,
        IamRoleArn: info.backup?.roleArn,
        ResourceType: 'Aurora',
        Metadata: { ...md.RestoreMetadata, DBClusterIdentifier: id },
      }),
    );
    await eventually(async () => {
      const j = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
      if (j.Status === 'FAILED') throw new Error(j.StatusMessage);
      return j.Status === 'COMPLETED';
    }, 120_000);
    const j = await backup.send(new DescribeRestoreJobCommand({ RestoreJobId }));
    expect(j).toMatchObject({
      ResourceType: 'Aurora',
      CreatedResourceArn: `arn:aws:rds:us-east-1:000000000000:cluster:${id}`,
    });
    const cl = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
    expect(cl).toMatchObject({ Status: 'available', DBClusterMembers: [], Engine: 'aurora-postgresql' });

    // Aurora instances take their engine from the cluster.
    await expect(
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${id}-1`,
          DBClusterIdentifier: id,
          DBInstanceClass: 'db.r6g.large',
          Engine: 'postgres',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await expect(
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${id}-1`,
          DBClusterIdentifier: 'no-such-cluster',
          DBInstanceClass: 'db.r6g.large',
          Engine: 'aurora-postgresql',
        }),
      ),
    ).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
    const created = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-1`,
        DBClusterIdentifier: id,
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
      }),
    );
    expect(created.DBInstance).toMatchObject({ DBInstanceStatus: 'creating', DBClusterIdentifier: id });
    await eventually(async () => {
      const d = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${id}-1` }));
      return d.DBInstances?.[0]?.DBInstanceStatus === 'available';
    }, 120_000);
    const withMember = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
    expect(withMember?.DBClusterMembers).toEqual([
      expect.objectContaining({ DBInstanceIdentifier: `${id}-1`, IsClusterWriter: true }),
    ]);
    // The data as it was at the backup, through the cluster endpoint.
    const rows = await sql<{ v: string }>(withMember?.Port as number, 'select v from marks order by v');
    expect(rows.map((r) => r.v)).toEqual(['before']);

    await expect(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true })),
    ).rejects.toMatchObject({ name: 'InvalidDBClusterStateFault' });
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: `${id}-1` }));
    const del = await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
    expect(del.DBCluster?.Status).toBe('deleting');
    await eventually(async () => {
      try {
        await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
        return false;
      } catch (e) {
        return (e as Error).name === 'DBClusterNotFoundFault';
      }
    }, 60_000);
    const left = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    expect(left.map((d) => d.DBInstanceIdentifier)).not.toContain(`${id}-1`);
    await expect(
      rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true })),
    ).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
    backup.destroy();
    rds.destroy();
  });
});
