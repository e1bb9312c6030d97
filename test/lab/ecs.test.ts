import {
  AccessDeniedException,
  ClusterNotFoundException,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  ServiceNotFoundException,
  StopTaskCommand,
  TagResourceCommand,
  type Task,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  InvalidTargetException,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateExperimentTemplateCommand, GetExperimentCommand, StartExperimentCommand } from '@aws-sdk/client-fis';
import { describe, expect, it } from 'vitest';
import { labReset } from '../../src/lab/lab.js';
import { resolveScenarioVars } from '../../src/scenario/vars.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

/** A `${lab.path}` scenario variable. */
const labVar = (path: string) => `\${lab.${path}}`;

const lab = useLab({ aurora: false, lambda: false, ecs: true });
const cluster = 'lab-cluster';

const ecsClient = (accessKeyId = 'lab') =>
  new ECSClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: { accessKeyId, secretAccessKey: 'lab' },
    maxAttempts: 1,
  });

async function tasks(desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> {
  const ecs = ecsClient();
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const r = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: 'lab-api', desiredStatus, maxResults: 2, nextToken }),
    );
    arns.push(...(r.taskArns ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  if (arns.length === 0) return [];
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
}

const ipOf = (t: Task) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;

async function targetHealth() {
  const { elbv2 } = labClients(lab.info());
  const r = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: lab.info().ecs?.targetGroupArn }));
  return r.TargetHealthDescriptions ?? [];
}

async function service() {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster, services: ['lab-api'] }));
  return r.services?.[0];
}

async function steady(desired = 4) {
  await eventually(
    async () => {
      const s = await service();
      const th = await targetHealth();
      return (
        s?.runningCount === desired &&
        s.pendingCount === 0 &&
        th.filter((t) => t.TargetHealth?.State === 'healthy').length === desired &&
        th.length === desired
      );
    },
    60_000,
    200,
  );
}

describe('ECS in the lab', () => {
  it('describes the cluster and the service as ECS does, with the tasks spread across the AZs as ip targets', async () => {
    const ecs = ecsClient();
    const info = lab.info();
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([info.ecs?.clusterArn]);
    const dc = await ecs.send(new DescribeClustersCommand({ clusters: [cluster, 'nope'], include: ['TAGS'] }));
    expect(dc.clusters?.[0]).toMatchObject({
      clusterName: cluster,
      status: 'ACTIVE',
      runningTasksCount: 4,
      activeServicesCount: 1,
    });
    expect(dc.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' }]);
    expect((await ecs.send(new ListServicesCommand({ cluster }))).serviceArns).toEqual([info.ecs?.serviceArn]);
    await expect(ecs.send(new ListServicesCommand({}))).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(ecs.send(new ListTasksCommand({ cluster, serviceName: 'other' }))).rejects.toBeInstanceOf(
      ServiceNotFoundException,
    );
    const s = await service();
    expect(s).toMatchObject({
      serviceName: 'lab-api',
      status: 'ACTIVE',
      desiredCount: 4,
      runningCount: 4,
      pendingCount: 0,
      launchType: 'FARGATE',
      schedulingStrategy: 'REPLICA',
      healthCheckGracePeriodSeconds: 2,
      loadBalancers: [{ targetGroupArn: info.ecs?.targetGroupArn, containerName: 'app', containerPort: 80 }],
    });
    expect(s?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      runningCount: 4,
      desiredCount: 4,
    });
    expect(s?.events?.[0]?.message).toBe('(service lab-api) has reached a steady state.');
    expect(s?.createdAt).toBeInstanceOf(Date);
    expect(
      resolveScenarioVars(
        {
          c: labVar('ecs.clusterName'),
          s: labVar('ecs.serviceArn'),
          tg: labVar('ecs.targetGroupArn'),
          u: labVar('ecs.url'),
        },
        { env: {}, lab: info },
      ),
    ).toEqual({ c: cluster, s: s?.serviceArn, tg: info.ecs?.targetGroupArn, u: info.ecs?.url });
    const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: info.ecs?.serviceArn }));
    expect(tags.tags).toContainEqual({ key: 'drillproof', value: 'allowed' });

    const ts = await tasks();
    expect(ts).toHaveLength(4);
    const byAz = new Map<string, number>();
    for (const t of ts) byAz.set(t.availabilityZone ?? '', (byAz.get(t.availabilityZone ?? '') ?? 0) + 1);
    expect(Object.fromEntries(byAz)).toEqual({ 'lab-1a': 2, 'lab-1b': 2 });
    for (const t of ts) {
      expect(t).toMatchObject({
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        launchType: 'FARGATE',
        group: 'service:lab-api',
      });
      expect(t.startedBy).toBe(s?.deployments?.[0]?.id);
      expect(t.startedAt).toBeInstanceOf(Date);
    }
    const th = await targetHealth();
    expect(th.map((d) => d.Target?.Id).sort()).toEqual(ts.map(ipOf).sort());
    for (const d of th) {
      const t = ts.find((x) => ipOf(x) === d.Target?.Id);
      expect(d.Target).toEqual({ Id: ipOf(t as Task), Port: 80, AvailabilityZone: t?.availabilityZone });
      expect(d.TargetHealth?.State).toBe('healthy');
    }
    const { elbv2 } = labClients(info);
    const tg = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [info.ecs?.targetGroupArn ?? ''] }));
    expect(tg.TargetGroups?.[0]?.TargetType).toBe('ip');
    // The ALB listener of the service reaches the tasks.
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${info.ecs?.url}/health`);
      expect(r.status).toBe(200);
      seen.add(r.headers.get('x-drillproof-instance') ?? '');
    }
    expect([...seen].sort()).toEqual(ts.map((t) => t.taskArn?.split('/').pop()).sort());
  });

  it('IP targets: an IP without a task fails its health checks, one outside the VPC needs an AZ, deregistering drains', async () => {
    const { elbv2 } = labClients(lab.info());
    const TargetGroupArn = lab.info().ecs?.targetGroupArn;
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: '10.0.2.250', Port: 8080 }] }));
    const one = async () =>
      (
        await elbv2.send(
          new DescribeTargetHealthCommand({ TargetGroupArn, Targets: [{ Id: '10.0.2.250', Port: 8080 }] }),
        )
      ).TargetHealthDescriptions?.[0];
    expect((await one())?.TargetHealth).toMatchObject({ State: 'initial', Reason: 'Elb.InitialHealthChecking' });
    expect((await one())?.Target).toEqual({ Id: '10.0.2.250', Port: 8080, AvailabilityZone: 'lab-1b' });
    await eventually(async () => (await one())?.TargetHealth?.State === 'unhealthy', 10_000);
    expect((await one())?.TargetHealth?.Reason).toBe('Target.Timeout');
    await expect(
      elbv2.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: '192.168.7.7', Port: 80 }] })),
    ).rejects.toBeInstanceOf(InvalidTargetException);
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: '10.0.2.250', Port: 8080 }] }));
    expect((await one())?.TargetHealth).toMatchObject({ State: 'draining', Reason: 'Target.DeregistrationInProgress' });
    await eventually(async () => (await one())?.TargetHealth?.Reason === 'Target.NotRegistered', 10_000);
  });

  it('StopTask on half the tasks: the lifecycle walks to STOPPED and the scheduler replaces them across the AZs', async () => {
    const ecs = ecsClient();
    const before = await tasks();
    const victims = before.filter((t) => t.availabilityZone === 'lab-1a');
    expect(victims).toHaveLength(2);
    const seen = new Map<string, Set<string>>();
    const look = () =>
      ecs
        .send(new DescribeTasksCommand({ cluster, tasks: victims.map((v) => v.taskArn ?? '') }))
        .then((r) => {
          for (const t of r.tasks ?? []) {
            const s = seen.get(t.taskArn ?? '') ?? new Set();
            s.add(t.lastStatus ?? '');
            seen.set(t.taskArn ?? '', s);
          }
        })
        .catch(() => {});
    const watch = setInterval(() => void look(), 100);
    const stopped = await Promise.all(
      victims.map((v) =>
        ecs.send(new StopTaskCommand({ cluster, task: v.taskArn, reason: 'drill: stop half the tasks' })),
      ),
    );
    for (const r of stopped) expect(r.task).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated' });
    await eventually(
      async () => (await tasks('STOPPED')).filter((t) => t.lastStatus === 'STOPPED').length >= 2,
      20_000,
      100,
    );
    clearInterval(watch);
    await look();
    const done = (await tasks('STOPPED')).filter((t) => victims.some((v) => v.taskArn === t.taskArn));
    for (const t of done) {
      expect(t).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: 'drill: stop half the tasks',
      });
      expect(t.stoppedAt).toBeInstanceOf(Date);
      expect(t.containers?.[0]?.exitCode).toBeDefined();
      const states = seen.get(t.taskArn ?? '') ?? new Set();
      expect(states.has('DEACTIVATING') || states.has('STOPPING')).toBe(true);
      expect(states.has('STOPPED')).toBe(true);
    }
    await steady();
    const after = await tasks();
    const fresh = after.filter((t) => !before.some((b) => b.taskArn === t.taskArn));
    expect(fresh).toHaveLength(2);
    // Spread placement: the replacements go where tasks are missing.
    expect(fresh.map((t) => t.availabilityZone).sort()).toEqual(['lab-1a', 'lab-1a']);
    const messages = ((await service())?.events ?? []).map((e) => e.message ?? '');
    expect(messages.some((m) => /^\(service lab-api\) has started [12] tasks: \(task [0-9a-f]{32}\)/.test(m))).toBe(
      true,
    );
    expect(messages).toContain(
      `(service lab-api) deregistered 1 targets in (target-group ${lab.info().ecs?.targetGroupArn})`,
    );
  });

  it('a task whose process dies is stopped with EssentialContainerExited and replaced', async () => {
    const before = await tasks();
    const victim = before[0] as Task;
    const id = victim.taskArn?.split('/').pop() ?? '';
    const status = (await (await fetch(`${lab.info().adminUrl}/status`)).json()) as {
      ecs: { tasks: { id: string }[] };
    };
    expect(status.ecs.tasks.map((t) => t.id)).toContain(id);
    const { readFileSync } = await import('node:fs');
    const pids = JSON.parse(readFileSync(`${lab.dir()}/pids.json`, 'utf8')) as {
      processes: { pid: number; name: string }[];
    };
    const pid = pids.processes.find((p) => p.name === `ecs task ${id}`)?.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');
    await eventually(
      async () => {
        const r = await ecsClient().send(new DescribeTasksCommand({ cluster, tasks: [victim.taskArn ?? ''] }));
        return r.tasks?.[0]?.lastStatus === 'STOPPED';
      },
      20_000,
      100,
    );
    const r = await ecsClient().send(new DescribeTasksCommand({ cluster, tasks: [victim.taskArn ?? ''] }));
    expect(r.tasks?.[0]).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(r.tasks?.[0]?.containers?.[0]?.exitCode).toBe(137);
    await steady();
  });

  it('an AZ cut off by FIS: its targets fail health checks, ECS stops those tasks and places the replacements in the other AZ', async () => {
    const { fis } = labClients(lab.info());
    const tpl = await fis.send(
      new CreateExperimentTemplateCommand({
        description: 'cut lab-1a',
        roleArn: 'arn:aws:iam::000000000000:role/fis',
        stopConditions: [{ source: 'none' }],
        targets: {
          subnets: {
            resourceType: 'aws:ec2:subnet',
            resourceTags: { Name: 'lab-lab-1a' },
            selectionMode: 'ALL',
          },
        },
        actions: {
          cut: {
            actionId: 'aws:network:disrupt-connectivity',
            parameters: { duration: 'PT8S' },
            targets: { Subnets: 'subnets' },
          },
        },
      }),
    );
    const exp = await fis.send(new StartExperimentCommand({ experimentTemplateId: tpl.experimentTemplate?.id }));
    await eventually(
      async () => {
        const ts = await tasks();
        const running = ts.filter((t) => t.lastStatus === 'RUNNING');
        return running.length === 4 && running.every((t) => t.availabilityZone === 'lab-1b');
      },
      30_000,
      200,
    );
    const stopped = (await tasks('STOPPED')).filter(
      (t) => t.stoppedReason === `Task failed ELB health checks in (target-group ${lab.info().ecs?.targetGroupArn})`,
    );
    expect(stopped.length).toBeGreaterThanOrEqual(2);
    for (const t of stopped) {
      expect(t.stopCode).toBe('ServiceSchedulerInitiated');
      expect(t.availabilityZone).toBe('lab-1a');
    }
    const messages = ((await service())?.events ?? []).map((e) => e.message ?? '');
    expect(messages.some((m) => m.includes('is unhealthy in (target-group') && m.includes('due to (reason'))).toBe(
      true,
    );
    await eventually(
      async () => {
        const e = await fis.send(new GetExperimentCommand({ id: exp.experiment?.id }));
        return e.experiment?.state?.status === 'completed';
      },
      30_000,
      200,
    );
  });

  it('UpdateService scales down with ServiceSchedulerInitiated stops; read-only keys are denied; lab reset restores the service', async () => {
    const ecs = ecsClient();
    // After the AZ cut every task runs in lab-1b: reset brings back the initial spread.
    expect(new Set((await tasks()).map((t) => t.availabilityZone))).toEqual(new Set(['lab-1b']));
    await labReset({ dir: lab.dir() });
    await steady(4);
    const spread = new Map<string, number>();
    for (const t of await tasks())
      spread.set(t.availabilityZone ?? '', (spread.get(t.availabilityZone ?? '') ?? 0) + 1);
    expect(Object.fromEntries(spread)).toEqual({ 'lab-1a': 2, 'lab-1b': 2 });
    await expect(
      ecsClient('readonly').send(new UpdateServiceCommand({ cluster, service: 'lab-api', desiredCount: 1 })),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(ecs.send(new StopTaskCommand({ cluster, task: 'f'.repeat(32) }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    const earlier = new Set((await tasks('STOPPED')).map((t) => t.taskArn));
    const r = await ecs.send(new UpdateServiceCommand({ cluster, service: 'lab-api', desiredCount: 2 }));
    expect(r.service?.desiredCount).toBe(2);
    await steady(2);
    const scaled = (await tasks('STOPPED')).filter(
      (t) =>
        !earlier.has(t.taskArn) && t.stoppedReason?.startsWith('Scaling activity initiated by (deployment ecs-svc/'),
    );
    expect(scaled).toHaveLength(2);
    for (const t of scaled) expect(t.stopCode).toBe('ServiceSchedulerInitiated');
    await labReset({ dir: lab.dir() });
    await steady(4);
    expect((await service())?.desiredCount).toBe(4);
  });
  it('tags the service by its long ARN (the lease): TagResource, ListTagsForResource, UntagResource, with ECS errors', async () => {
    const ecs = ecsClient();
    const resourceArn = lab.info().ecs?.serviceArn as string;
    const keys = async () =>
      ((await ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? []).map((t) => t.key);
    const before = await keys();
    expect(before).toEqual(['app', 'drillproof']);
    await ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'drillproof:lease', value: 'run-a@x' }] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toContainEqual({
      key: 'drillproof:lease',
      value: 'run-a@x',
    });
    await ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['drillproof:lease'] }));
    expect(await keys()).toEqual(before);
    // A short service ARN cannot be tagged; another cluster is not found; aws: keys are AWS's.
    const short = resourceArn.replace('service/lab-cluster/', 'service/');
    await expect(
      ecs.send(new TagResourceCommand({ resourceArn: short, tags: [{ key: 'k', value: 'v' }] })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      ecs.send(new ListTagsForResourceCommand({ resourceArn: resourceArn.replace('lab-cluster', 'other') })),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(
      ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'aws:x', value: 'v' }] })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    // A read-only key may read the tags, not change them.
    const ro = ecsClient('readonly');
    expect((await ro.send(new ListTagsForResourceCommand({ resourceArn }))).tags?.length).toBe(before.length);
    await expect(
      ro.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'k', value: 'v' }] })),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    expect(await keys()).toEqual(before);
    ecs.destroy();
    ro.destroy();
  });
});
