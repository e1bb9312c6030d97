import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeEventsCommand as DescribeCacheEventsCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { CreateExperimentTemplateCommand, GetExperimentCommand, StartExperimentCommand } from '@aws-sdk/client-fis';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { setLabFaults } from '../../src/lab/lab.js';
import { rdsEventIdForMessage } from '../../src/lab/rds/events.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ aurora: true, auroraMysql: true, redis: 'replication' });
const dir = () => ({ dir: lab.dir() });

afterEach(async () => {
  await setLabFaults({}, dir());
});

async function dbPlacement() {
  const { rds } = labClients(lab.info());
  const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-db' }))).DBInstances?.[0];
  return { status: db?.DBInstanceStatus, az: db?.AvailabilityZone, secondary: db?.SecondaryAvailabilityZone };
}

async function dbEvents(since: Date, sourceType: 'db-instance' | 'db-cluster', id: string) {
  const { rds } = labClients(lab.info());
  const ev = await rds.send(
    new DescribeEventsCommand({ SourceIdentifier: id, SourceType: sourceType, StartTime: since }),
  );
  return ev.Events ?? [];
}

async function writer(clusterId: string) {
  const { rds } = labClients(lab.info());
  const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }))).DBClusters?.[0];
  return { status: c?.Status, writer: c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier };
}

const cache = () =>
  new ElastiCacheClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: lab.info().credentials,
    maxAttempts: 1,
  });
const redisRoles = async () => {
  const g = (await cache().send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'lab-redis' })))
    .ReplicationGroups?.[0];
  return {
    status: g?.Status,
    roles: g?.NodeGroups?.[0]?.NodeGroupMembers?.map((m) => [m.CacheClusterId, m.CurrentRole]),
  };
};

describe('lab control-plane failover faults', () => {
  it('failover no-op: RebootDBInstance ForceFailover answers rebooting, the primary stays, no event', async () => {
    const { rds } = labClients(lab.info());
    const before = await dbPlacement();
    expect(before).toEqual({ status: 'available', az: 'lab-1a', secondary: 'lab-1b' });
    await setLabFaults({ failover: 'no-op' }, dir());
    const t0 = new Date();
    const r = await rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'lab-db', ForceFailover: true }));
    expect(r.DBInstance?.DBInstanceStatus).toBe('rebooting');
    await eventually(async () => (await dbPlacement()).status === 'available', 30_000, 100);
    expect(await dbPlacement()).toEqual(before);
    expect(await dbEvents(t0, 'db-instance', 'lab-db')).toEqual([]);
  });

  it('failover no-op: FailoverDBCluster on the PostgreSQL and MySQL clusters answers failing-over, the writer stays', async () => {
    const { rds } = labClients(lab.info());
    await setLabFaults({ failover: 'no-op' }, dir());
    for (const id of ['lab-aurora', 'lab-aurora-mysql']) {
      const before = await writer(id);
      expect(before.status).toBe('available');
      const t0 = new Date();
      const r = await rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: id }));
      expect(r.DBCluster?.Status).toBe('failing-over');
      await eventually(async () => (await writer(id)).status === 'available', 30_000, 100);
      expect(await writer(id)).toEqual(before);
      expect(await dbEvents(t0, 'db-cluster', id)).toEqual([]);
    }
  });

  it('failover no-op: ElastiCache TestFailover answers modifying, the primary stays, no completed event', async () => {
    await setLabFaults({ failover: 'no-op' }, dir());
    const before = await redisRoles();
    expect(before.status).toBe('available');
    const t0 = new Date();
    const r = await cache().send(new TestFailoverCommand({ ReplicationGroupId: 'lab-redis', NodeGroupId: '0001' }));
    expect(r.ReplicationGroup?.Status).toBe('modifying');
    await eventually(async () => (await redisRoles()).status === 'available', 30_000, 100);
    expect(await redisRoles()).toEqual(before);
    const msgs = ((await cache().send(new DescribeCacheEventsCommand({ StartTime: t0 }))).Events ?? []).map(
      (e) => e.Message,
    );
    expect(msgs).toEqual(['Test Failover API called for node group 0001']);
  });

  it('failover declined: RDS reboots lab-db in place and writes RDS-EVENT-0034, then a normal failover moves it', async () => {
    const { rds } = labClients(lab.info());
    const before = await dbPlacement();
    await setLabFaults({ failover: 'declined' }, dir());
    const t0 = new Date();
    const r = await rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'lab-db', ForceFailover: true }));
    expect(r.DBInstance?.DBInstanceStatus).toBe('rebooting');
    await eventually(async () => (await dbPlacement()).status === 'available', 30_000, 100);
    expect(await dbPlacement()).toEqual(before);
    const ev = await dbEvents(t0, 'db-instance', 'lab-db');
    expect(ev.map((e) => e.Message)).toEqual([
      'Abandoning user requested failover since a failover recently occurred on the database instance.',
      'The DB instance restarted.',
    ]);
    expect(ev.map((e) => rdsEventIdForMessage(e.Message ?? ''))).toEqual(['RDS-EVENT-0034', 'RDS-EVENT-0006']);
    expect(ev[0]?.EventCategories).toEqual(['failover']);
    // The same call without the fault really fails over (so the assertions above can fail).
    await setLabFaults({}, dir());
    const t1 = new Date();
    await rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'lab-db', ForceFailover: true }));
    await eventually(async () => (await dbPlacement()).status === 'available', 60_000, 100);
    expect(await dbPlacement()).toEqual({ status: 'available', az: before.secondary, secondary: before.az });
    const ids = (await dbEvents(t1, 'db-instance', 'lab-db')).map((e) => rdsEventIdForMessage(e.Message ?? ''));
    expect(ids).toEqual(['RDS-EVENT-0013', 'RDS-EVENT-0015', 'RDS-EVENT-0049']);
  });

  it('fisActions no-effect: an experiment runs to completed while its stop action leaves the instance running', async () => {
    const { fis, ec2 } = labClients(lab.info());
    const target = lab.info().instances[0]?.id as string;
    await setLabFaults({ fisActions: 'no-effect' }, dir());
    const t = await fis.send(
      new CreateExperimentTemplateCommand({
        description: 'stop one instance',
        targets: {
          One: {
            resourceType: 'aws:ec2:instance',
            resourceArns: [`arn:aws:ec2:us-east-1:000000000000:instance/${target}`],
            selectionMode: 'ALL',
          },
        },
        actions: {
          Stop: {
            actionId: 'aws:ec2:stop-instances',
            parameters: { startInstancesAfterDuration: 'PT1S' },
            targets: { Instances: 'One' },
          },
        },
        stopConditions: [{ source: 'none' }],
        roleArn: 'arn:aws:iam::000000000000:role/lab-fis',
      }),
    );
    const e = await fis.send(new StartExperimentCommand({ experimentTemplateId: t.experimentTemplate?.id }));
    const states = new Set<string>();
    await eventually(
      async () => {
        const st = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [target] }))).Reservations?.[0]
          ?.Instances?.[0]?.State?.Name;
        states.add(st ?? '?');
        const x = (await fis.send(new GetExperimentCommand({ id: e.experiment?.id }))).experiment;
        return x?.state?.status === 'completed' && x.actions?.Stop?.state?.status === 'completed';
      },
      30_000,
      50,
    );
    expect([...states]).toEqual(['running']);
  });
});
