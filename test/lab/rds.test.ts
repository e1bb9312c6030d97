import {
  CreateDBSnapshotCommand,
  DBInstanceNotFoundFault,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  ListTagsForResourceCommand,
  RDSServiceException,
  RebootDBInstanceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  waitUntilDBClusterAvailable,
  waitUntilDBInstanceAvailable,
  waitUntilDBInstanceDeleted,
  waitUntilDBSnapshotAvailable,
} from '@aws-sdk/client-rds';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rdsEventIdForMessage } from '../../src/lab/rds/events.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ logShipIntervalMs: 500 });
const wait = { maxWaitTime: 120, minDelay: 1, maxDelay: 1 };

function client(port: number, host = '127.0.0.1') {
  const i = lab.info();
  const c = new pg.Client({
    host,
    port,
    user: i.db.user,
    password: i.db.password,
    database: i.db.database,
    connectionTimeoutMillis: 1000,
    query_timeout: 2000,
  });
  c.on('error', () => {});
  return c;
}

async function query<T extends pg.QueryResultRow>(port: number, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = client(port);
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

async function describeDb(id: string) {
  const { rds } = labClients(lab.info());
  const r = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return r.DBInstances?.[0];
}

describe('lab RDS through the real SDK', () => {
  it('describes lab-db as a Multi-AZ instance behind the endpoint in lab.json', async () => {
    const db = await describeDb('lab-db');
    expect(db?.DBInstanceStatus).toBe('available');
    expect(db?.MultiAZ).toBe(true);
    expect(db?.AvailabilityZone).toBe('lab-1a');
    expect(db?.SecondaryAvailabilityZone).toBe('lab-1b');
    expect(db?.Endpoint?.Port).toBe(lab.info().db.port);
    expect(db?.LatestRestorableTime).toBeInstanceOf(Date);
    const { rds } = labClients(lab.info());
    const tags = await rds.send(new ListTagsForResourceCommand({ ResourceName: lab.info().db.arn }));
    expect(tags.TagList).toContainEqual({ Key: 'drillproof', Value: 'allowed' });
    const nf = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'no-such-db' })).catch((e) => e);
    expect(nf).toBeInstanceOf(DBInstanceNotFoundFault);
    const bad = await rds.send(new DescribeEventsCommand({ SourceIdentifier: 'lab-db' })).catch((e) => e);
    expect(bad).toBeInstanceOf(RDSServiceException);
    expect(bad.name).toBe('InvalidParameterCombination');
  });

  it('RebootDBInstance ForceFailover promotes the standby, moves the endpoint, loses no acknowledged write', async () => {
    const { rds } = labClients(lab.info());
    const port = lab.info().db.port;
    await query(port, 'CREATE TABLE acked (id int PRIMARY KEY)');
    const before = (await query<{ port: string }>(port, 'SHOW port'))[0]?.port;
    const acked: number[] = [];
    let n = 0;
    let stop = false;
    let errors = 0;
    const writer = (async () => {
      let c: pg.Client | undefined;
      while (!stop) {
        try {
          if (!c) {
            c = client(port);
            await c.connect();
          }
          const id = ++n;
          await c.query('INSERT INTO acked (id) VALUES ($1)', [id]);
          acked.push(id);
        } catch {
          errors++;
          await c?.end().catch(() => {});
          c = undefined;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      await c?.end().catch(() => {});
    })();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = new Date();
    const r = await rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'lab-db', ForceFailover: true }));
    expect(r.DBInstance?.DBInstanceStatus).toBe('rebooting');
    await waitUntilDBInstanceAvailable({ client: rds, ...wait }, { DBInstanceIdentifier: 'lab-db' });
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await writer;
    expect(errors).toBeGreaterThan(0);
    const present = new Set((await query<{ id: number }>(port, 'SELECT id FROM acked')).map((x) => x.id));
    expect(acked.length).toBeGreaterThan(20);
    expect(acked.filter((id) => !present.has(id))).toEqual([]);
    const after = (await query<{ port: string }>(port, 'SHOW port'))[0]?.port;
    expect(after).not.toBe(before);
    const db = await describeDb('lab-db');
    expect(db?.AvailabilityZone).toBe('lab-1b');
    expect(db?.SecondaryAvailabilityZone).toBe('lab-1a');
    const ev = await rds.send(
      new DescribeEventsCommand({ SourceIdentifier: 'lab-db', SourceType: 'db-instance', StartTime: t0 }),
    );
    const ids = ev.Events?.map((e) => rdsEventIdForMessage(e.Message ?? ''));
    expect(ids).toEqual(['RDS-EVENT-0013', 'RDS-EVENT-0015', 'RDS-EVENT-0049']);
  });

  it('RestoreDBInstanceToPointInTime holds exactly the rows committed before the restore time', async () => {
    const { rds } = labClients(lab.info());
    const port = lab.info().db.port;
    await query(port, 'CREATE TABLE pitr (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())');
    for (let i = 1; i <= 20; i++) await query(port, 'INSERT INTO pitr (id) VALUES ($1)', [i]);
    await new Promise((r) => setTimeout(r, 100));
    const target = new Date();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 21; i <= 30; i++) await query(port, 'INSERT INTO pitr (id) VALUES ($1)', [i]);
    await eventually(
      async () => ((await describeDb('lab-db'))?.LatestRestorableTime?.getTime() ?? 0) > target.getTime() + 150,
      10_000,
    );
    const r = await rds.send(
      new RestoreDBInstanceToPointInTimeCommand({
        SourceDBInstanceIdentifier: 'lab-db',
        TargetDBInstanceIdentifier: 'lab-db-pitr',
        RestoreTime: target,
      }),
    );
    expect(r.DBInstance?.DBInstanceStatus).toBe('creating');
    await waitUntilDBInstanceAvailable({ client: rds, ...wait }, { DBInstanceIdentifier: 'lab-db-pitr' });
    const restored = await describeDb('lab-db-pitr');
    expect(restored?.MultiAZ).toBe(false);
    const rows = await query<{ id: number }>(restored?.Endpoint?.Port as number, 'SELECT id FROM pitr ORDER BY id');
    expect(rows.map((x) => x.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const ev = await rds.send(
      new DescribeEventsCommand({ SourceIdentifier: 'lab-db-pitr', SourceType: 'db-instance' }),
    );
    expect(ev.Events?.map((e) => rdsEventIdForMessage(e.Message ?? ''))).toContain('RDS-EVENT-0019');
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'lab-db-pitr', SkipFinalSnapshot: true }));
    await waitUntilDBInstanceDeleted({ client: rds, ...wait }, { DBInstanceIdentifier: 'lab-db-pitr' });
  });

  it('CreateDBSnapshot then RestoreDBInstanceFromDBSnapshot', async () => {
    const { rds } = labClients(lab.info());
    const port = lab.info().db.port;
    await query(port, 'CREATE TABLE snap (id int)');
    await query(port, 'INSERT INTO snap SELECT generate_series(1, 7)');
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'lab-db', DBSnapshotIdentifier: 'snap-1' }));
    await waitUntilDBSnapshotAvailable({ client: rds, ...wait }, { DBSnapshotIdentifier: 'snap-1' });
    await query(port, 'INSERT INTO snap SELECT generate_series(8, 9)');
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'from-snap', DBSnapshotIdentifier: 'snap-1' }),
    );
    await waitUntilDBInstanceAvailable({ client: rds, ...wait }, { DBInstanceIdentifier: 'from-snap' });
    const inst = await describeDb('from-snap');
    const n = await query<{ n: number }>(inst?.Endpoint?.Port as number, 'SELECT count(*)::int AS n FROM snap');
    expect(n[0]?.n).toBe(7);
  });

  it('DeleteDBSnapshot: refused while creating and for automated snapshots, then gone; unknown ids not found', async () => {
    const { rds } = labClients(lab.info());
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'lab-db', DBSnapshotIdentifier: 'snap-del' }));
    await expect(rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'snap-del' }))).rejects.toMatchObject({
      name: 'InvalidDBSnapshotStateFault',
    });
    await waitUntilDBSnapshotAvailable({ client: rds, ...wait }, { DBSnapshotIdentifier: 'snap-del' });
    const del = await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'snap-del' }));
    expect(del.DBSnapshot).toMatchObject({
      DBSnapshotIdentifier: 'snap-del',
      Status: 'deleted',
      SnapshotType: 'manual',
    });
    await expect(rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'snap-del' }))).rejects.toMatchObject({
      name: 'DBSnapshotNotFoundFault',
    });
    await expect(rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'snap-del' }))).rejects.toMatchObject({
      name: 'DBSnapshotNotFoundFault',
    });
    const auto = await rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'lab-db', SnapshotType: 'automated' }),
    );
    const id = auto.DBSnapshots?.find((x) => x.Status === 'available')?.DBSnapshotIdentifier as string;
    await expect(rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }))).rejects.toMatchObject({
      name: 'InvalidDBSnapshotStateFault',
    });
  });

  it('FailoverDBCluster promotes the Aurora-style reader and moves the writer endpoint', async () => {
    const { rds } = labClients(lab.info());
    const aurora = lab.info().aurora;
    if (!aurora) throw new Error('lab-aurora missing from lab.json');
    await query(aurora.writer.port, 'CREATE TABLE cl (id int)');
    await query(aurora.writer.port, 'INSERT INTO cl VALUES (1)');
    await eventually(
      async () => (await query<{ n: number }>(aurora.reader.port, 'SELECT count(*)::int AS n FROM cl'))[0]?.n === 1,
      5000,
    );
    const ro = await query<{ r: boolean }>(aurora.reader.port, 'SELECT pg_is_in_recovery() AS r');
    expect(ro[0]?.r).toBe(true);
    const writerOf = async () =>
      (
        await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'lab-aurora' }))
      ).DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    expect(await writerOf()).toBe('lab-aurora-1');
    const f = await rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: 'lab-aurora' }));
    expect(f.DBCluster?.Status).toBe('failing-over');
    await waitUntilDBClusterAvailable({ client: rds, ...wait }, { DBClusterIdentifier: 'lab-aurora' });
    expect(await writerOf()).toBe('lab-aurora-2');
    await query(aurora.writer.port, 'INSERT INTO cl VALUES (2)');
    const n = await query<{ n: number }>(aurora.writer.port, 'SELECT count(*)::int AS n FROM cl');
    expect(n[0]?.n).toBe(2);
    const ev = await rds.send(new DescribeEventsCommand({ SourceIdentifier: 'lab-aurora', SourceType: 'db-cluster' }));
    expect(ev.Events?.map((e) => rdsEventIdForMessage(e.Message ?? ''))).toEqual(['RDS-EVENT-0073', 'RDS-EVENT-0071']);
  });
});
