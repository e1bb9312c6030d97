import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2ServiceException,
  StartInstancesCommand,
  StopInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { setLabFaults } from '../../src/lab/lab.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ aurora: false });

async function targetState(id: string) {
  const { elbv2 } = labClients(lab.info());
  const r = await elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: lab.info().targetGroupArn, Targets: [{ Id: id }] }),
  );
  const h = r.TargetHealthDescriptions?.[0]?.TargetHealth;
  return { state: h?.State, reason: h?.Reason };
}

/** Sends requests through the ALB for `ms`, recording who answered and when. */
async function traffic(ms: number) {
  const out: { t: number; status: number; instance: string | null }[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${lab.info().appUrl}/health`);
      await r.arrayBuffer();
      out.push({ t: Date.now(), status: r.status, instance: r.headers.get('x-drillproof-instance') });
    } catch {
      out.push({ t: Date.now(), status: 0, instance: null });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

describe('lab EC2 + ALB through the real SDK', () => {
  it('answers STS and describes the topology with filters', async () => {
    const { ec2, sts, elbv2 } = labClients(lab.info());
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
    const all = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:app', Values: ['web'] }] }));
    const instances = all.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances.map((i) => i.InstanceId).sort()).toEqual(
      lab
        .info()
        .instances.map((i) => i.id)
        .sort(),
    );
    expect(instances.every((i) => i.State?.Name === 'running' && i.State.Code === 16)).toBe(true);
    const inB = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'availability-zone', Values: ['lab-1b'] }] }),
    );
    const bIds = inB.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(bIds?.sort()).toEqual(
      lab
        .info()
        .instances.filter((i) => i.az === 'lab-1b')
        .map((i) => i.id)
        .sort(),
    );
    const lbs = await elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(lbs.LoadBalancers?.[0]?.LoadBalancerArn).toBe(lab.info().loadBalancerArn);
    const tgs = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lab.info().loadBalancerArn }));
    expect(tgs.TargetGroups?.[0]?.TargetGroupArn).toBe(lab.info().targetGroupArn);
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: lab.info().targetGroupArn }));
    expect(health.TargetHealthDescriptions?.map((d) => d.TargetHealth?.State)).toEqual(
      lab.info().instances.map(() => 'healthy'),
    );
  });

  it('the app answers through the ALB, reading and writing the database, naming the instance', async () => {
    const r = await fetch(`${lab.info().appUrl}/`);
    const text = await r.text();
    expect(r.status).toBe(200);
    expect(lab.info().instances.map((i) => i.id)).toContain(r.headers.get('x-drillproof-instance'));
    expect(text).toMatch(/^ok instance=i-0[ab]0+\d .* visits=\d+/);
  });

  it('errors are the SDK error classes: unknown instance, DryRun, read-only credentials, unknown target group', async () => {
    const { ec2, elbv2 } = labClients(lab.info());
    const id = lab.info().instances[0]?.id as string;
    const nf = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })).catch((e) => e);
    expect(nf).toBeInstanceOf(EC2ServiceException);
    expect(nf.name).toBe('InvalidInstanceID.NotFound');
    expect(nf.$metadata.httpStatusCode).toBe(400);
    const dry = await ec2.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true })).catch((e) => e);
    expect(dry.name).toBe('DryRunOperation');
    expect(dry.$metadata.httpStatusCode).toBe(412);
    const ro = labClients(lab.info(), { accessKeyId: 'readonly-user' });
    const denied = await ro.ec2.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true })).catch((e) => e);
    expect(denied.name).toBe('UnauthorizedOperation');
    const tg = await elbv2
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: `${lab.info().targetGroupArn}x` }))
      .catch((e) => e);
    expect(tg).toBeInstanceOf(TargetGroupNotFoundException);
    // Nothing was stopped by the dry runs.
    expect((await targetState(id)).state).toBe('healthy');
  });

  it('StopInstances: unhealthy within the thresholds, no longer routed, unused once stopped; StartInstances brings it back', async () => {
    const { ec2 } = labClients(lab.info());
    const { options } = lab.info();
    const victim = lab.info().instances[1]?.id as string;
    const t0 = Date.now();
    const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [victim] }));
    expect(stop.StoppingInstances?.[0]?.CurrentState?.Name).toBe('stopping');
    expect(stop.StoppingInstances?.[0]?.PreviousState?.Name).toBe('running');
    const seen = await traffic(3500);
    await waitUntilInstanceStopped(
      { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { InstanceIds: [victim] },
    );
    // Detection bound: the unhealthy threshold of checks, each at most interval + timeout apart.
    const bound = options.unhealthyThreshold * (options.healthCheckIntervalMs + options.healthCheckTimeoutMs) + 300;
    const late = seen.filter((s) => s.t - t0 > bound);
    expect(late.length).toBeGreaterThan(10);
    expect(late.every((s) => s.status === 200 && s.instance !== victim)).toBe(true);
    expect(await targetState(victim)).toEqual({ state: 'unused', reason: 'Target.InvalidState' });
    const st = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [victim], IncludeAllInstances: true }));
    expect(st.InstanceStatuses?.[0]?.InstanceState?.Name).toBe('stopped');
    // As EC2 words it: the UTC second the stop was asked for, e.g. `User initiated (2026-09-01 14:30:00 GMT)`.
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [victim] }));
    const reason = described.Reservations?.[0]?.Instances?.[0]?.StateTransitionReason ?? '';
    const m = /^User initiated \((\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) GMT\)$/.exec(reason);
    expect(m, reason).not.toBeNull();
    const askedAt = Date.parse(`${m?.[1]}T${m?.[2]}Z`);
    expect(askedAt).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
    expect(askedAt).toBeLessThanOrEqual(t0 + 5000);

    const start = await ec2.send(new StartInstancesCommand({ InstanceIds: [victim] }));
    expect(start.StartingInstances?.[0]?.CurrentState?.Name).toBe('pending');
    await waitUntilInstanceRunning(
      { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { InstanceIds: [victim] },
    );
    await eventually(async () => (await targetState(victim)).state === 'healthy', 10_000);
    const back = await traffic(800);
    expect(back.some((s) => s.instance === victim && s.status === 200)).toBe(true);
  });

  it('DeregisterTargets drains (no new requests), then the target is gone; RegisterTargets brings it back', async () => {
    const { elbv2 } = labClients(lab.info());
    const id = lab.info().instances[2]?.id as string;
    await elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn: lab.info().targetGroupArn, Targets: [{ Id: id }] }),
    );
    expect(await targetState(id)).toEqual({ state: 'draining', reason: 'Target.DeregistrationInProgress' });
    const during = await traffic(500);
    expect(during.every((s) => s.instance !== id)).toBe(true);
    await eventually(async () => (await targetState(id)).reason === 'Target.NotRegistered', 10_000);
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: lab.info().targetGroupArn, Targets: [{ Id: id }] }));
    expect(await targetState(id)).toEqual({ state: 'initial', reason: 'Elb.InitialHealthChecking' });
    await eventually(async () => (await targetState(id)).state === 'healthy', 10_000);
  });

  it('control-plane faults: throttling, 5xx (retried by the SDK) and slow answers', async () => {
    const once = labClients(lab.info(), { maxAttempts: 1 });
    try {
      await setLabFaults({ throttleRate: 1, services: ['ec2'] }, { dir: lab.dir() });
      const t = await once.ec2.send(new DescribeInstancesCommand({})).catch((e) => e);
      expect(t.name).toBe('RequestLimitExceeded');
      const r = await once.rds.send(new (await import('@aws-sdk/client-rds')).DescribeDBInstancesCommand({}));
      expect(r.DBInstances?.length).toBeGreaterThan(0);

      await setLabFaults({ errorRate: 1 }, { dir: lab.dir() });
      const twice = labClients(lab.info(), { maxAttempts: 2 });
      const e = await twice.elbv2.send(new DescribeLoadBalancersCommand({})).catch((x) => x);
      expect(e.$fault).toBe('server');
      expect(e.$metadata.attempts).toBe(2);

      await setLabFaults({ slowRate: 1, slowMs: 400 }, { dir: lab.dir() });
      const t0 = Date.now();
      await once.sts.send(new GetCallerIdentityCommand({}));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    } finally {
      await setLabFaults({}, { dir: lab.dir() });
    }
    expect((await once.ec2.send(new DescribeInstancesCommand({}))).Reservations?.length).toBe(
      lab.info().instances.length,
    );
  });
});
