import {
  AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateExperimentTemplateCommand, StartExperimentCommand, StopExperimentCommand } from '@aws-sdk/client-fis';
import { describe, expect, it } from 'vitest';
import { labReset } from '../../src/lab/lab.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';
import { checkLabResponse } from '../contract/responses.js';

const GRACE_MS = 1000;
const CHECK_MS = 250;
const lab = useLab({ aurora: false, asg: true, asgHealthCheckGracePeriodMs: GRACE_MS, asgCheckIntervalMs: CHECK_MS });
const NAME = 'lab-web-asg';

const asg = () =>
  new AutoScalingClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: lab.info().credentials,
    maxAttempts: 1,
  });

async function group(): Promise<AutoScalingGroup> {
  const r = await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [NAME] }));
  expect(r.AutoScalingGroups).toHaveLength(1);
  return r.AutoScalingGroups?.[0] as AutoScalingGroup;
}

const ids = (g: AutoScalingGroup) => (g.Instances ?? []).map((i) => i.InstanceId as string).sort();

async function ec2State(id: string): Promise<string | undefined> {
  const r = await labClients(lab.info()).ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return r.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

/** Waits until the group has replaced `old`: a new InService instance, `old` gone and terminated. */
async function waitReplaced(old: string, before: string[]): Promise<string> {
  let fresh: string | undefined;
  await eventually(
    async () => {
      const g = await group();
      const now = ids(g);
      fresh = now.find((id) => !before.includes(id));
      const inService = g.Instances?.find((i) => i.InstanceId === fresh)?.LifecycleState === 'InService';
      return !now.includes(old) && inService && now.length === g.DesiredCapacity;
    },
    40_000,
    100,
  );
  expect(await ec2State(old)).toBe('terminated');
  return fresh as string;
}

/** An ALB answer from `id` (each answer names its instance). */
async function servedBy(id: string): Promise<boolean> {
  for (let k = 0; k < 12; k++) {
    const res = await fetch(`${lab.info().appUrl}/health`);
    await res.text();
    if (res.headers.get('x-drillproof-instance') === id) return true;
  }
  return false;
}

describe('lab Auto Scaling group', () => {
  it('describes the group, its instances and its target group in the AWS shapes', async () => {
    const info = lab.info();
    expect(info.asg?.groupName).toBe(NAME);
    const g = await group();
    expect(g.AutoScalingGroupARN).toBe(info.asg?.groupArn);
    expect(g.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/lab-web-asg$/,
    );
    // One instance of each AZ by default (asgInstancesPerAz 1): the first web instance there.
    expect(ids(g)).toEqual(info.azs.map((az) => info.instances.find((i) => i.az === az)?.id).sort());
    expect(g.DesiredCapacity).toBe(info.azs.length);
    expect(g.MinSize).toBe(info.azs.length);
    expect(g.MaxSize).toBe(info.azs.length * 2);
    expect(g.AvailabilityZones).toEqual(info.azs);
    expect(g.TargetGroupARNs).toEqual([info.targetGroupArn]);
    expect(g.HealthCheckType).toBe('EC2');
    expect(g.HealthCheckGracePeriod).toBe(1);
    expect(g.SuspendedProcesses).toEqual([]);
    expect(g.CreatedTime).toBeInstanceOf(Date);
    for (const i of g.Instances ?? []) {
      expect(i).toMatchObject({ LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: false });
    }
    const one = g.Instances?.[0]?.InstanceId as string;
    const r = await asg().send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [one, 'i-0ffffffffffffffff'] }));
    expect(r.AutoScalingInstances).toHaveLength(1);
    expect(r.AutoScalingInstances?.[0]).toMatchObject({
      InstanceId: one,
      AutoScalingGroupName: NAME,
      LifecycleState: 'InService',
      HealthStatus: 'HEALTHY',
    });
    // An instance outside the group is not listed.
    const outside = info.instances.find((i) => !ids(g).includes(i.id))?.id as string;
    const none = await asg().send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [outside] }));
    expect(none.AutoScalingInstances).toEqual([]);
    const tags = (await labClients(info).ec2.send(new DescribeInstancesCommand({ InstanceIds: [one] })))
      .Reservations?.[0]?.Instances?.[0]?.Tags;
    expect(tags).toContainEqual({ Key: 'aws:autoscaling:groupName', Value: NAME });
  });

  it('filters and pages groups, and refuses what the API refuses', async () => {
    const c = asg();
    const byTag = await c.send(
      new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:app', Values: ['web'] }] }),
    );
    expect(byTag.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([NAME]);
    const noTag = await c.send(
      new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['nope'] }] }),
    );
    expect(noTag.AutoScalingGroups).toEqual([]);
    const unknown = await c.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['no-such-group'] }));
    expect(unknown.AutoScalingGroups).toEqual([]);
    const paged = await c.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    expect(paged.AutoScalingGroups).toHaveLength(1);
    expect(paged.NextToken).toBeUndefined();
    const fail = async (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: Error) => e,
      );
    const cases: [Promise<unknown>, string, RegExp][] = [
      [c.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })), 'ValidationError', /MaxRecords/],
      [c.send(new DescribeAutoScalingGroupsCommand({ NextToken: 'garbage' })), 'InvalidNextToken', /token/],
      [
        c.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'instance-id', Values: ['x'] }] })),
        'ValidationError',
        /Filter type instance-id/,
      ],
      [c.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'no-such-group' })), 'ValidationError', /not found/],
      [c.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'no-such-group' })), 'ValidationError', /not found/],
      [
        c.send(new SuspendProcessesCommand({ AutoScalingGroupName: NAME, ScalingProcesses: ['Launch', 'Reboot'] })),
        'ValidationError',
        /Reboot/,
      ],
    ];
    for (const [p, code, msg] of cases) {
      const e = await fail(p);
      expect(e?.name).toBe(code);
      expect(e?.message).toMatch(msg);
    }
    // A refused call changed nothing.
    expect((await group()).SuspendedProcesses).toEqual([]);
  });

  it('replaces a stopped instance: Unhealthy, terminated, a new instance serving through the ALB, activities recorded', async () => {
    const { ec2, elbv2 } = labClients(lab.info());
    const before = ids(await group());
    const old = before[0] as string;
    const t0 = Date.now();
    await ec2.send(new StopInstancesCommand({ InstanceIds: [old] }));
    await eventually(
      async () =>
        (await group()).Instances?.find((i) => i.InstanceId === old)?.HealthStatus === 'Unhealthy' ||
        !ids(await group()).includes(old),
      20_000,
      50,
    );
    const fresh = await waitReplaced(old, before);
    const replacedMs = Date.now() - t0;
    expect(fresh).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(await ec2State(fresh)).toBe('running');
    await eventually(async () => {
      const h = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: lab.info().targetGroupArn }));
      return h.TargetHealthDescriptions?.find((d) => d.Target?.Id === fresh)?.TargetHealth?.State === 'healthy';
    }, 20_000);
    expect(await servedBy(fresh)).toBe(true);
    const acts =
      (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: NAME }))).Activities ?? [];
    const term = acts.find((a) => a.Description === `Terminating EC2 instance: ${old}`);
    const launch = acts.find((a) => a.Description === `Launching a new EC2 instance: ${fresh}`);
    expect(term).toMatchObject({ StatusCode: 'Successful', Progress: 100, AutoScalingGroupName: NAME });
    expect(term?.Cause).toMatch(
      /^At \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped\.$/,
    );
    expect(launch).toMatchObject({ StatusCode: 'Successful', Progress: 100 });
    expect(launch?.Cause).toMatch(
      /in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2\.$/,
    );
    // The launch starts while the old instance terminates (not before the termination began).
    expect(launch?.StartTime?.getTime()).toBeGreaterThanOrEqual(term?.StartTime?.getTime() ?? Number.NaN);
    const starts = acts.map((a) => a.StartTime?.getTime() ?? 0);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(JSON.parse(launch?.Details ?? '{}')['Availability Zone']).toBe(
      (await group()).Instances?.find((i) => i.InstanceId === fresh)?.AvailabilityZone,
    );
    // In order: the replacement cannot come before the stop took effect (transitionMs) and a check.
    expect(replacedMs).toBeGreaterThan(lab.info().options.transitionMs);
  });

  it('with ReplaceUnhealthy suspended marks the instance Unhealthy but keeps it; ResumeProcesses brings the replacement', async () => {
    const c = asg();
    const { ec2 } = labClients(lab.info());
    await c.send(new SuspendProcessesCommand({ AutoScalingGroupName: NAME, ScalingProcesses: ['ReplaceUnhealthy'] }));
    const g0 = await group();
    expect(g0.SuspendedProcesses).toEqual([
      { ProcessName: 'ReplaceUnhealthy', SuspensionReason: expect.stringMatching(/^User suspended at \d{4}-/) },
    ]);
    const before = ids(g0);
    const victim = before[before.length - 1] as string;
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [victim] }));
    await eventually(
      async () => (await group()).Instances?.find((i) => i.InstanceId === victim)?.HealthStatus === 'Unhealthy',
      20_000,
    );
    // Several more checks: still there, still InService, nothing launched.
    await new Promise((r) => setTimeout(r, CHECK_MS * 6));
    const g1 = await group();
    expect(ids(g1)).toEqual(before);
    expect(g1.Instances?.find((i) => i.InstanceId === victim)?.LifecycleState).toBe('InService');
    await c.send(new ResumeProcessesCommand({ AutoScalingGroupName: NAME }));
    expect((await group()).SuspendedProcesses).toEqual([]);
    await waitReplaced(victim, before);
  });

  it('with every process suspended nothing is even marked; resuming replaces', async () => {
    const c = asg();
    const { ec2 } = labClients(lab.info());
    await c.send(new SuspendProcessesCommand({ AutoScalingGroupName: NAME }));
    const g0 = await group();
    expect((g0.SuspendedProcesses ?? []).map((p) => p.ProcessName).sort()).toEqual(
      [
        'AZRebalance',
        'AddToLoadBalancer',
        'AlarmNotification',
        'HealthCheck',
        'InstanceRefresh',
        'Launch',
        'ReplaceUnhealthy',
        'ScheduledActions',
        'Terminate',
      ].sort(),
    );
    const before = ids(g0);
    const victim = before[0] as string;
    await ec2.send(new StopInstancesCommand({ InstanceIds: [victim] }));
    await eventually(async () => (await ec2State(victim)) === 'stopped', 20_000);
    await new Promise((r) => setTimeout(r, GRACE_MS + CHECK_MS * 6));
    const g1 = await group();
    expect(ids(g1)).toEqual(before);
    expect(g1.Instances?.find((i) => i.InstanceId === victim)).toMatchObject({
      LifecycleState: 'InService',
      HealthStatus: 'Healthy',
    });
    expect(await ec2State(victim)).toBe('stopped');
    // Resuming only HealthCheck marks it; Launch and Terminate still hold the replacement back.
    await c.send(new ResumeProcessesCommand({ AutoScalingGroupName: NAME, ScalingProcesses: ['HealthCheck'] }));
    await eventually(
      async () => (await group()).Instances?.find((i) => i.InstanceId === victim)?.HealthStatus === 'Unhealthy',
      20_000,
    );
    expect(ids(await group())).toEqual(before);
    await c.send(new ResumeProcessesCommand({ AutoScalingGroupName: NAME }));
    await waitReplaced(victim, before);
  });

  it('launches the replacement in an AZ that is not cut off', async () => {
    const { ec2, fis } = labClients(lab.info());
    const g0 = await group();
    const inA = g0.Instances?.find((i) => i.AvailabilityZone === 'lab-1a')?.InstanceId as string;
    expect(inA).toBeDefined();
    const t = await fis.send(
      new CreateExperimentTemplateCommand({
        description: 'lab-1a cut off',
        targets: {
          SubnetsInA: {
            resourceType: 'aws:ec2:subnet',
            parameters: { availabilityZoneIdentifier: 'lab-1a' },
            selectionMode: 'ALL',
          },
        },
        actions: {
          Disrupt: {
            actionId: 'aws:network:disrupt-connectivity',
            parameters: { duration: 'PT60S', scope: 'availability-zone' },
            targets: { Subnets: 'SubnetsInA' },
          },
        },
        stopConditions: [{ source: 'none' }],
        roleArn: 'arn:aws:iam::000000000000:role/lab-fis',
      }),
    );
    const e = await fis.send(new StartExperimentCommand({ experimentTemplateId: t.experimentTemplate?.id }));
    try {
      await eventually(async () => {
        const s = (await (await fetch(`${lab.info().adminUrl}/status`)).json()) as { disruptedAzs: string[] };
        return s.disruptedAzs.includes('lab-1a');
      }, 20_000);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inA] }));
      const fresh = await waitReplaced(inA, ids(g0));
      expect((await group()).Instances?.find((i) => i.InstanceId === fresh)?.AvailabilityZone).toBe('lab-1b');
    } finally {
      await fis.send(new StopExperimentCommand({ id: e.experiment?.id }));
    }
  });

  it('answers only with members of the Auto Scaling API model (raw awsQuery XML)', async () => {
    const call = async (form: Record<string, string>) => {
      const res = await fetch(lab.info().awsEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams({ Version: '2011-01-01', ...form }).toString(),
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const one = ids(await group())[0] as string;
    const ops: [string, Record<string, string>][] = [
      ['DescribeAutoScalingGroups', { 'AutoScalingGroupNames.member.1': NAME }],
      ['DescribeAutoScalingInstances', { 'InstanceIds.member.1': one }],
      ['DescribeScalingActivities', { AutoScalingGroupName: NAME }],
      ['DescribeScalingProcessTypes', {}],
      ['SuspendProcesses', { AutoScalingGroupName: NAME, 'ScalingProcesses.member.1': 'AZRebalance' }],
      ['DescribeAutoScalingGroups', {}],
      ['ResumeProcesses', { AutoScalingGroupName: NAME }],
    ];
    for (const [op, form] of ops) {
      const body = await call({ Action: op, ...form });
      expect(checkLabResponse('autoscaling', op, body)).toEqual([]);
    }
    const acts = await call({ Action: 'DescribeScalingActivities', AutoScalingGroupName: NAME });
    expect(acts).toContain('<StatusCode>Successful</StatusCode>');
  });

  it('lab reset brings back the original instances and drops the replacements', async () => {
    await labReset({ dir: lab.dir() });
    const g = await group();
    expect(ids(g)).toEqual([...(lab.info().asg?.instanceIds ?? [])].sort());
    expect(g.SuspendedProcesses).toEqual([]);
    for (const id of ids(g)) expect(await ec2State(id)).toBe('running');
    const acts = await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: NAME }));
    expect(acts.Activities).toEqual([]);
  });
});
