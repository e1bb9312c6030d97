import { DrillproofError } from '../../src/errors.js';
import type { FakeTargetGroup } from './fake-aws.js';

/**
 * The ECS part of the in-memory AWS (fake-aws.ts). Services live in clusters; a task is RUNNING
 * or STOPPED. StopTask stops a task at once (stop code `UserInitiated`, the reason given) and,
 * like the service scheduler, starts a RUNNING replacement `<id>r` in the same AZ with a new IP,
 * registered (healthy) in the service's target group in place of the stopped task's IP. Unknown
 * clusters fail with `ClusterNotFoundException`; unknown services are `failures` (MISSING).
 */
export interface FakeEcsService {
  cluster: string;
  name: string;
  tags?: Record<string, string>;
  targetGroupArn?: string;
  /** The scheduler starts a replacement for a stopped task (default true). */
  replace?: boolean;
  /** Running tasks: id (32 hex in ECS; any string here), AZ, IP. */
  tasks: { id: string; az: string; ip: string }[];
  /** Tags every task carries (DescribeTasks with include TAGS). */
  taskTags?: Record<string, string>;
}

export interface FakeTask {
  arn: string;
  id: string;
  cluster: string;
  service: string;
  az: string;
  ip: string;
  lastStatus: 'RUNNING' | 'STOPPED';
  stopCode?: string;
  stoppedReason?: string;
  tags: Record<string, string>;
}

type Wrap = <I, O>(
  service: string,
  op: string,
  fn: (i: I) => O,
) => (i: I) => Promise<O & { $metadata: { requestId: string; attempts: number } }>;

const ACCOUNT = '000000000000';
const base = `arn:aws:ecs:us-east-1:${ACCOUNT}`;
const clusterArn = (c: string) => `${base}:cluster/${c}`;
const serviceArn = (c: string, s: string) => `${base}:service/${c}/${s}`;
const taskArn = (c: string, id: string) => `${base}:task/${c}/${id}`;
const nameOf = (x: string) => x.split('/').pop() ?? x;
const clusterOf = (x: string | undefined) => (x?.startsWith('arn:') ? (x.split('/')[1] ?? x) : (x ?? 'default'));

export function fakeEcs(wrap: Wrap, services: FakeEcsService[], groups: Map<string, FakeTargetGroup>) {
  const tasks = new Map<string, FakeTask>();
  for (const s of services) {
    for (const t of s.tasks) {
      tasks.set(taskArn(s.cluster, t.id), {
        arn: taskArn(s.cluster, t.id),
        id: t.id,
        cluster: s.cluster,
        service: s.name,
        az: t.az,
        ip: t.ip,
        lastStatus: 'RUNNING',
        tags: { ...(s.taskTags ?? {}) },
      });
    }
  }
  const cluster = (c: string | undefined) => {
    const name = clusterOf(c);
    if (!services.some((s) => s.cluster === name)) {
      throw DrillproofError.user('AwsResourceNotFound', `cluster ${name} not found`, {
        details: { awsCode: 'ClusterNotFoundException' },
      });
    }
    return name;
  };
  const serviceTags = (arn: string | undefined): Record<string, string> => {
    const s = services.find((x) => serviceArn(x.cluster, x.name) === arn);
    if (!s) {
      throw DrillproofError.user('AwsResourceNotFound', `resource ${arn} not found`, {
        details: { awsCode: 'InvalidParameterException' },
      });
    }
    s.tags ??= {};
    return s.tags;
  };
  const running = (s: FakeEcsService) =>
    [...tasks.values()].filter((t) => t.service === s.name && t.cluster === s.cluster && t.lastStatus === 'RUNNING');
  const serviceJson = (s: FakeEcsService, withTags: boolean) => ({
    serviceArn: serviceArn(s.cluster, s.name),
    serviceName: s.name,
    clusterArn: clusterArn(s.cluster),
    status: 'ACTIVE',
    schedulingStrategy: 'REPLICA',
    desiredCount: s.tasks.length,
    runningCount: running(s).length,
    pendingCount: 0,
    loadBalancers: s.targetGroupArn
      ? [{ targetGroupArn: s.targetGroupArn, containerName: 'app', containerPort: 80 }]
      : [],
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED' }],
    events: [],
    ...(withTags ? { tags: Object.entries(s.tags ?? {}).map(([key, value]) => ({ key, value })) } : {}),
  });
  const taskJson = (t: FakeTask, withTags = false) => ({
    ...(withTags ? { tags: Object.entries(t.tags).map(([key, value]) => ({ key, value })) } : {}),
    taskArn: t.arn,
    clusterArn: clusterArn(t.cluster),
    group: `service:${t.service}`,
    availabilityZone: t.az,
    lastStatus: t.lastStatus,
    desiredStatus: t.lastStatus,
    attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: t.ip }] }],
    ...(t.stopCode ? { stopCode: t.stopCode, stoppedReason: t.stoppedReason } : {}),
  });
  const replace = (t: FakeTask) => {
    const s = services.find((x) => x.name === t.service && x.cluster === t.cluster);
    if (s?.replace === false) return;
    const id = `${t.id}r`;
    const ip = `${t.ip}.1`;
    tasks.set(taskArn(t.cluster, id), { ...t, arn: taskArn(t.cluster, id), id, ip, lastStatus: 'RUNNING' });
    const g = s?.targetGroupArn ? groups.get(s.targetGroupArn) : undefined;
    if (g) g.targets = [...g.targets.filter((x) => x.id !== t.ip), { id: ip, port: 80 }];
  };
  return {
    tasks,
    api: {
      listClusters: wrap('ecs', 'ListClusters', () => ({
        clusterArns: [...new Set(services.map((s) => clusterArn(s.cluster)))],
      })),
      listServices: wrap('ecs', 'ListServices', (i: { cluster?: string }) => {
        const c = cluster(i.cluster);
        return { serviceArns: services.filter((s) => s.cluster === c).map((s) => serviceArn(c, s.name)) };
      }),
      describeServices: wrap(
        'ecs',
        'DescribeServices',
        (i: { cluster?: string; services?: string[]; include?: string[] }) => {
          const c = cluster(i.cluster);
          const found = (i.services ?? []).map((n) => services.find((s) => s.cluster === c && s.name === nameOf(n)));
          return {
            services: found
              .filter((s) => s !== undefined)
              .map((s) => serviceJson(s, (i.include ?? []).includes('TAGS'))),
            failures: (i.services ?? []).filter((_, k) => !found[k]).map((arn) => ({ arn, reason: 'MISSING' })),
          };
        },
      ),
      listTasks: wrap('ecs', 'ListTasks', (i: { cluster?: string; serviceName?: string; desiredStatus?: string }) => {
        const c = cluster(i.cluster);
        const want = i.desiredStatus ?? 'RUNNING';
        return {
          taskArns: [...tasks.values()]
            .filter((t) => t.cluster === c && (!i.serviceName || t.service === nameOf(i.serviceName)))
            .filter((t) => t.lastStatus === want)
            .map((t) => t.arn),
        };
      }),
      describeTasks: wrap('ecs', 'DescribeTasks', (i: { cluster?: string; tasks?: string[]; include?: string[] }) => {
        const c = cluster(i.cluster);
        const found = (i.tasks ?? []).map((a) => tasks.get(a.startsWith('arn:') ? a : taskArn(c, a)));
        return {
          tasks: found
            .filter((t): t is FakeTask => t !== undefined)
            .map((t) => taskJson(t, (i.include ?? []).includes('TAGS'))),
          failures: (i.tasks ?? []).filter((_, k) => !found[k]).map((arn) => ({ arn, reason: 'MISSING' })),
        };
      }),
      stopTask: wrap('ecs', 'StopTask', (i: { cluster?: string; task?: string; reason?: string }) => {
        const c = cluster(i.cluster);
        const t = tasks.get(i.task?.startsWith('arn:') ? i.task : taskArn(c, i.task ?? ''));
        if (!t) {
          throw DrillproofError.user('AwsResourceNotFound', `task ${i.task} not found`, {
            details: { awsCode: 'InvalidParameterException' },
          });
        }
        if (t.lastStatus === 'RUNNING') {
          t.lastStatus = 'STOPPED';
          t.stopCode = 'UserInitiated';
          t.stoppedReason = i.reason ?? 'Task stopped by user';
          replace(t);
        }
        return { task: taskJson(t) };
      }),
      // Tags on a service's long ARN (the lease); a short ARN is refused, as ECS refuses it.
      listTagsForResource: wrap('ecs', 'ListTagsForResource', (i: { resourceArn?: string }) => ({
        tags: Object.entries(serviceTags(i.resourceArn)).map(([key, value]) => ({ key, value })),
      })),
      tagResource: wrap(
        'ecs',
        'TagResource',
        (i: { resourceArn?: string; tags?: { key?: string; value?: string }[] }) => {
          const t = serviceTags(i.resourceArn);
          for (const x of i.tags ?? []) if (x.key) t[x.key] = x.value ?? '';
          return {};
        },
      ),
      untagResource: wrap('ecs', 'UntagResource', (i: { resourceArn?: string; tagKeys?: string[] }) => {
        const t = serviceTags(i.resourceArn);
        for (const k of i.tagKeys ?? []) delete t[k];
        return {};
      }),
    },
  };
}
