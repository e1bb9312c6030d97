import { describe, expect, it } from 'vitest';
import type { AwsCallRecord as CallRecord } from '../../src/aws/call-record.js';
import { fakeAws } from './fake-aws.js';

/** The in-memory AWS keeps the behaviour its header comment promises; the engine tests rely on it. */
const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1';
const asg = { 'aws:autoscaling:groupName': 'web-asg' };

describe('fake AWS', () => {
  it('records every call with a request id, and a failed one with its AWS error code', async () => {
    const records: CallRecord[] = [];
    const f = fakeAws({ instances: [{ id: 'i-1', az: 'a', state: 'running' }] }, (r) => records.push(r));
    const out = await f.aws.ec2.stopInstances({ InstanceIds: ['i-1'] });
    await expect(f.aws.ec2.startInstances({ InstanceIds: ['i-9'] })).rejects.toMatchObject({
      code: 'AwsResourceNotFound',
    });
    expect(out.$metadata.requestId).toBe('req-1');
    expect(f.calls).toEqual(['ec2:StopInstances', 'ec2:StartInstances']);
    expect(records.map((r) => [r.operation, r.ok, r.requestId, r.errorCode])).toEqual([
      ['StopInstances', true, 'req-1', undefined],
      ['StartInstances', false, null, 'InvalidInstanceID.NotFound'],
    ]);
  });

  it('DryRun changes nothing and answers DryRunOperation', async () => {
    const records: CallRecord[] = [];
    const f = fakeAws({ instances: [{ id: 'i-1', az: 'a', state: 'running' }] }, (r) => records.push(r));
    await expect(f.aws.ec2.terminateInstances({ InstanceIds: ['i-1'], DryRun: true })).rejects.toMatchObject({
      code: 'AwsDryRunOk',
    });
    expect(f.instances.get('i-1')?.state).toBe('running');
    expect(records[0]).toMatchObject({ ok: true, errorCode: 'DryRunOperation' });
  });

  it('describes instances by id and by tag filter; unknown ids are simply absent', async () => {
    const f = fakeAws({
      instances: [
        { id: 'i-1', az: 'a', state: 'running', tags: { app: 'shop' } },
        { id: 'i-2', az: 'b', state: 'stopped', tags: { app: 'blog' } },
      ],
    });
    const ids = async (i: Parameters<typeof f.aws.ec2.describeInstances>[0]) =>
      ((await f.aws.ec2.describeInstances(i)).Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((x) => x.InstanceId);
    expect(await ids({ InstanceIds: ['i-2', 'i-9'] })).toEqual(['i-2']);
    expect(await ids({ Filters: [{ Name: 'tag:app', Values: ['shop'] }] })).toEqual(['i-1']);
    expect(await ids({})).toEqual(['i-1', 'i-2']);
  });

  it('replaces a terminated Auto Scaling instance only when autoScaling is on', async () => {
    const instances = [{ id: 'i-1', az: 'a', state: 'running', tags: asg }];
    const on = fakeAws({ instances, autoScaling: true });
    await on.aws.ec2.terminateInstances({ InstanceIds: ['i-1'] });
    expect([...on.instances.values()].map((i) => [i.id, i.state, i.az, i.tags])).toEqual([
      ['i-1', 'terminated', 'a', asg],
      ['i-1-r', 'running', 'a', asg],
    ]);
    const off = fakeAws({ instances });
    await off.aws.ec2.terminateInstances({ InstanceIds: ['i-1'] });
    expect([...off.instances.keys()]).toEqual(['i-1']);
  });

  it('target groups: registered targets are healthy at once; unknown groups are not found', async () => {
    const f = fakeAws({ targetGroups: [{ arn: tgArn, name: 'web', targets: [{ id: 'i-1', port: 80 }] }] });
    await f.aws.elbv2.deregisterTargets({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-1', Port: 80 }] });
    await f.aws.elbv2.registerTargets({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-2', Port: 81 }] });
    const h = await f.aws.elbv2.describeTargetHealth({ TargetGroupArn: tgArn });
    expect(h.TargetHealthDescriptions).toEqual([
      { Target: { Id: 'i-2', Port: 81 }, TargetHealth: { State: 'healthy' } },
    ]);
    const byName = await f.aws.elbv2.describeTargetGroups({ Names: ['web'] });
    expect(byName.TargetGroups?.[0]?.TargetGroupArn).toBe(tgArn);
    await expect(f.aws.elbv2.describeTargetGroups({ Names: ['nope'] })).rejects.toMatchObject({
      code: 'AwsResourceNotFound',
      details: { awsCode: 'TargetGroupNotFound' },
    });
  });

  it('RDS: failovers move the primary and the writer; restores are available at once, deletes gone at once', async () => {
    const f = fakeAws({
      db: { id: 'db', multiAz: true, az: 'a', secondaryAz: 'b' },
      clusters: [{ id: 'c', members: ['c-1', 'c-2'] }],
      snapshots: [{ id: 's-1', dbId: 'db' }],
    });
    await f.aws.rds.rebootDBInstance({ DBInstanceIdentifier: 'db', ForceFailover: true });
    const db = (await f.aws.rds.describeDBInstances({ DBInstanceIdentifier: 'db' })).DBInstances?.[0];
    expect([db?.AvailabilityZone, db?.SecondaryAvailabilityZone, db?.DBInstanceStatus]).toEqual([
      'b',
      'a',
      'available',
    ]);
    await f.aws.rds.failoverDBCluster({ DBClusterIdentifier: 'c' });
    const members = (await f.aws.rds.describeDBClusters({ DBClusterIdentifier: 'c' })).DBClusters?.[0]
      ?.DBClusterMembers;
    expect(members?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe('c-2');
    const snaps = await f.aws.rds.describeDBSnapshots({ DBInstanceIdentifier: 'db' });
    expect(snaps.DBSnapshots?.map((s) => [s.DBSnapshotIdentifier, s.Status])).toEqual([['s-1', 'available']]);
    await f.aws.rds.restoreDBInstanceFromDBSnapshot({
      DBInstanceIdentifier: 'copy',
      DBSnapshotIdentifier: 's-1',
      Tags: [{ Key: 'drillproof:run-id', Value: 'r' }],
    });
    const copy = (await f.aws.rds.describeDBInstances({ DBInstanceIdentifier: 'copy' })).DBInstances?.[0];
    expect([copy?.DBInstanceStatus, copy?.TagList]).toEqual(['available', [{ Key: 'drillproof:run-id', Value: 'r' }]]);
    await f.aws.rds.deleteDBInstance({ DBInstanceIdentifier: 'copy' });
    await expect(f.aws.rds.describeDBInstances({ DBInstanceIdentifier: 'copy' })).rejects.toMatchObject({
      details: { awsCode: 'DBInstanceNotFound' },
    });
    await expect(f.aws.rds.describeDBClusters({ DBClusterIdentifier: 'x' })).rejects.toMatchObject({
      code: 'AwsResourceNotFound',
    });
  });

  it('FIS: templates and experiments with tags; a stop is final at once', async () => {
    const f = fakeAws();
    await expect(f.aws.fis.startExperiment({ experimentTemplateId: 'EXT9', clientToken: 't' })).rejects.toMatchObject({
      code: 'AwsResourceNotFound',
    });
    const t = await f.aws.fis.createExperimentTemplate({ clientToken: 't', tags: { a: 'b' } } as never);
    const id = t.experimentTemplate?.id as string;
    const e = await f.aws.fis.startExperiment({ experimentTemplateId: id, clientToken: 't', tags: { run: 'r' } });
    expect(e.experiment?.state?.status).toBe('running');
    const list = await f.aws.fis.listExperiments({});
    expect(list.experiments?.map((x) => [x.id, x.tags])).toEqual([[e.experiment?.id, { run: 'r' }]]);
    await f.aws.fis.stopExperiment({ id: e.experiment?.id as string });
    expect((await f.aws.fis.getExperiment({ id: e.experiment?.id as string })).experiment?.state?.status).toBe(
      'stopped',
    );
    await f.aws.fis.deleteExperimentTemplate({ id });
    await expect(f.aws.fis.deleteExperimentTemplate({ id })).rejects.toMatchObject({ code: 'AwsResourceNotFound' });
  });
});
