import type { AwsApis } from '../../src/aws/apis.js';
import type { CallRecorder } from '../../src/aws/call-record.js';
import { DrillproofError } from '../../src/errors.js';
import { backupApi, type FakeBackupState } from './fake-backup.js';
import { dynamoApi, type FakeTable } from './fake-dynamodb.js';
import { type FakeEcsService, fakeEcs } from './fake-ecs.js';
import { cacheGroupsOf, elasticacheApi, type FakeReplicationGroup } from './fake-elasticache.js';

/**
 * An in-memory AWS for engine and fault unit tests, answering through the same `AwsApis` surface
 * the SDK clients sit behind. Its behaviour (test/_helpers/fake-aws.test.ts holds it to this):
 *
 * - Every call is appended to `calls` as `service:Operation` and recorded like the real API layer
 *   records it (request id `req-<n>`); a failed call is recorded with its AWS error code.
 * - Changes take effect at once: a stopped instance is `stopped` on the next describe, a started
 *   one `running`, a registered target `healthy`, a restored DB `available`, a deleted one gone,
 *   a stopped experiment `stopped`. So a wait finishes at its first poll and tests need no clock.
 * - `DryRun: true` on a mutating EC2 call changes nothing and fails with `DryRunOperation`, the
 *   answer AWS gives when the caller is allowed.
 * - Unknown ids fail as AWS fails them (`AwsResourceNotFound` with the AWS code): instances on a
 *   change, target groups, DB instances and clusters, FIS templates and experiments. Describing
 *   unknown instance ids returns no instance (the resolvers decide what is missing).
 * - DescribeInstances honours `InstanceIds` and `tag:<key>` filters; DescribeTargetHealth lists the
 *   registered targets; DescribeDBSnapshots lists a DB's snapshots (CreateDBSnapshot / DeleteDBSnapshot change them); ListExperiments every experiment
 *   with its tags. RDS events, alarms and template actions are always empty.
 * - With `autoScaling: true`, terminating an instance tagged `aws:autoscaling:groupName` launches a
 *   running replacement (`<id>-r`) in the same group and AZ; without it nothing replaces it.
 * - ECS (`ecs`): see fake-ecs.ts; StopTask stops a task and starts its replacement at once.
 * - ForceFailover swaps a Multi-AZ instance's AZ with its standby's; FailoverDBCluster makes the
 *   next member the writer.
 *
 * Methods can be overridden per test to produce failures a real part cannot produce on demand.
 */
export interface FakeInstance {
  id: string;
  az: string;
  state: string;
  tags?: Record<string, string>;
}

export interface FakeSnapshot {
  id: string;
  dbId: string;
  manual?: boolean;
  tags?: Record<string, string>;
}

export interface FakeDb {
  id: string;
  multiAz: boolean;
  az: string;
  /** The standby's AZ (Multi-AZ). */
  secondaryAz?: string;
  status?: string;
  tags?: Record<string, string>;
}

export interface FakeTargetGroup {
  arn: string;
  name: string;
  /** Registered targets (all healthy). */
  targets: { id: string; port?: number }[];
  /** The load balancer that routes to it, when one does. */
  loadBalancer?: { arn: string; dnsName: string };
}

export interface FakeCluster {
  id: string;
  /** The first is the writer. */
  members: string[];
  status?: string;
  tags?: Record<string, string>;
}

export interface FakeAwsOptions {
  instances?: FakeInstance[];
  account?: string;
  db?: FakeDb;
  targetGroups?: FakeTargetGroup[];
  clusters?: FakeCluster[];
  /** Available snapshots: `{ id, dbId }`; CreateDBSnapshot adds manual ones (available at once). */
  snapshots?: FakeSnapshot[];
  autoScaling?: boolean;
  /** DynamoDB tables (pk/sk keys). */
  tables?: FakeTable[];
  /** Lambda functions by name with their reserved concurrency (undefined: none). */
  functions?: Record<string, number | undefined>;
  /** ElastiCache replication groups (fake-elasticache.ts). */
  cacheGroups?: FakeReplicationGroup[];
  /** ECS services (fake-ecs.ts). */
  ecs?: FakeEcsService[];
  /** AWS Backup recovery points (vault-independent). */
  recoveryPoints?: FakeBackupState['points'];
}

const ASG_TAG = 'aws:autoscaling:groupName';

type DbState = Required<Omit<FakeDb, 'secondaryAz'>> & { secondaryAz?: string };
interface ExperimentState {
  id: string;
  templateId: string;
  status: string;
  tags: Record<string, string>;
}

/** What the fake holds; tests read it to see what a drill or an undo changed. */
export interface FakeState {
  instances: Map<string, FakeInstance>;
  targetGroups: Map<string, FakeTargetGroup>;
  dbs: Map<string, DbState>;
  clusters: Map<string, Required<FakeCluster>>;
  templates: Map<string, { id: string; tags: Record<string, string> }>;
  experiments: Map<string, ExperimentState>;
  tables: Map<string, FakeTable>;
  restoreJobs: FakeBackupState['restoreJobs'];
}

function notFound(what: string, awsCode: string): DrillproofError {
  return DrillproofError.user('AwsResourceNotFound', `${what} not found`, { details: { awsCode } });
}

const tagList = (tags: Record<string, string> = {}) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const tagMapOf = (tags: { Key?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

export function fakeAws(opts: FakeAwsOptions = {}, record: CallRecorder = () => {}) {
  const calls: string[] = [];
  let n = 0;
  const meta = () => ({ $metadata: { requestId: `req-${++n}`, attempts: 1 } });
  const wrap =
    <I, O>(service: string, op: string, fn: (i: I) => O) =>
    async (i: I): Promise<O & { $metadata: { requestId: string; attempts: number } }> => {
      calls.push(`${service}:${op}`);
      const t0 = performance.now();
      try {
        const out = { ...fn(i), ...meta() };
        record({
          service,
          operation: op,
          requestId: out.$metadata.requestId,
          ms: performance.now() - t0,
          attempts: 1,
          ok: true,
          params: i as Record<string, unknown>,
        });
        return out;
      } catch (err) {
        const code = DrillproofError.is(err) ? String(err.details.awsCode ?? err.code) : 'Unknown';
        record({
          service,
          operation: op,
          requestId: null,
          ms: 0,
          attempts: 1,
          ok: code === 'DryRunOperation',
          errorCode: code,
          params: {},
        });
        throw err;
      }
    };
  const state: FakeState = {
    instances: new Map((opts.instances ?? []).map((i) => [i.id, { ...i }])),
    targetGroups: new Map((opts.targetGroups ?? []).map((t) => [t.arn, { ...t, targets: [...t.targets] }])),
    dbs: new Map(),
    clusters: new Map(
      (opts.clusters ?? []).map((c) => [
        c.id,
        { status: 'available', ...c, tags: { ...c.tags }, members: [...c.members] },
      ]),
    ),
    templates: new Map(),
    experiments: new Map(),
    tables: new Map((opts.tables ?? []).map((t) => [t.name, { ...t, tags: { ...t.tags } }])),
    restoreJobs: new Map(),
  };
  const backupState = { ...state, points: opts.recoveryPoints ?? [] };
  const functions = new Map(Object.entries(opts.functions ?? {}));
  const cacheGroups = cacheGroupsOf(opts.cacheGroups);
  if (opts.db) state.dbs.set(opts.db.id, { status: 'available', tags: {}, ...opts.db });
  const snapshots = new Map((opts.snapshots ?? []).map((x) => [x.id, { ...x }]));
  const ecs = fakeEcs(wrap, opts.ecs ?? [], state.targetGroups);
  const aws = {
    region: 'us-east-1',
    ec2: ec2Api(wrap, state.instances, opts.autoScaling === true),
    elbv2: elbv2Api(wrap, state.targetGroups),
    rds: rdsApi(wrap, state, snapshots),
    elasticache: elasticacheApi(wrap, cacheGroups),
    fis: fisApi(wrap, state),
    dynamodb: dynamoApi(wrap, state.tables),
    ecs: ecs.api,
    backup: backupApi(wrap, backupState),
    sts: {
      getCallerIdentity: wrap('sts', 'GetCallerIdentity', () => ({
        Account: opts.account ?? '000000000000',
        Arn: 'arn:aws:iam::000000000000:user/test',
      })),
    },
    cloudwatch: { describeAlarms: wrap('cloudwatch', 'DescribeAlarms', () => ({ MetricAlarms: [] })) },
    lambda: lambdaApi(wrap, functions),
    autoscaling: autoScalingApi(wrap, state.instances),
    iam: {
      // Everything the drill asks about is allowed (the fake caller has every permission).
      simulatePrincipalPolicy: wrap(
        'iam',
        'SimulatePrincipalPolicy',
        (i: { ActionNames?: string[]; ResourceArns?: string[] }) => ({
          EvaluationResults: (i.ActionNames ?? []).flatMap((a) =>
            (i.ResourceArns ?? ['*']).map((r) => ({ EvalActionName: a, EvalResourceName: r, EvalDecision: 'allowed' })),
          ),
        }),
      ),
    },
  };
  return { aws: aws as unknown as AwsApis, calls, functions, cacheGroups, snapshots, ...state, ecsTasks: ecs.tasks };
}

type Wrap = <I, O>(
  service: string,
  op: string,
  fn: (i: I) => O,
) => (i: I) => Promise<O & { $metadata: { requestId: string; attempts: number } }>;

/**
 * Auto Scaling as the instances' `aws:autoscaling:groupName` tags say: each tagged instance is in
 * that group (InService, Healthy); no activities; Suspend/ResumeProcesses answer empty.
 */
function autoScalingApi(wrap: Wrap, instances: Map<string, FakeInstance>) {
  const groupOf = (x: FakeInstance) => x.tags?.['aws:autoscaling:groupName'];
  const member = (x: FakeInstance) => ({
    InstanceId: x.id,
    AvailabilityZone: x.az,
    LifecycleState: x.state === 'running' ? 'InService' : 'Terminated',
    HealthStatus: 'Healthy',
  });
  return {
    describeAutoScalingInstances: wrap(
      'autoscaling',
      'DescribeAutoScalingInstances',
      (i: { InstanceIds?: string[] }) => ({
        AutoScalingInstances: [...instances.values()]
          .filter((x) => groupOf(x) && (!i.InstanceIds || i.InstanceIds.includes(x.id)))
          .map((x) => ({ ...member(x), AutoScalingGroupName: groupOf(x), HealthStatus: 'HEALTHY' })),
      }),
    ),
    describeAutoScalingGroups: wrap(
      'autoscaling',
      'DescribeAutoScalingGroups',
      (i: { AutoScalingGroupNames?: string[] }) => {
        const names = [...new Set([...instances.values()].flatMap((x) => groupOf(x) ?? []))];
        return {
          AutoScalingGroups: names
            .filter((n) => !i.AutoScalingGroupNames || i.AutoScalingGroupNames.includes(n))
            .map((n) => {
              const members = [...instances.values()].filter((x) => groupOf(x) === n);
              return { AutoScalingGroupName: n, DesiredCapacity: members.length, Instances: members.map(member) };
            }),
        };
      },
    ),
    describeScalingActivities: wrap('autoscaling', 'DescribeScalingActivities', () => ({ Activities: [] })),
    suspendProcesses: wrap('autoscaling', 'SuspendProcesses', () => ({})),
    resumeProcesses: wrap('autoscaling', 'ResumeProcesses', () => ({})),
  };
}

function ec2Api(wrap: Wrap, instances: Map<string, FakeInstance>, autoScaling: boolean) {
  const dry = () => {
    throw DrillproofError.aws('AwsDryRunOk', 'would have succeeded', { details: { awsCode: 'DryRunOperation' } });
  };
  const describe = (i: { InstanceIds?: string[]; Filters?: { Name?: string; Values?: string[] }[] }) => {
    const tagFilters = (i.Filters ?? []).filter((f) => f.Name?.startsWith('tag:'));
    const match = (x: FakeInstance) =>
      (!i.InstanceIds || i.InstanceIds.includes(x.id)) &&
      tagFilters.every((f) => (f.Values ?? []).includes(x.tags?.[(f.Name as string).slice(4)] ?? '\u0000'));
    return {
      Reservations: [
        {
          Instances: [...instances.values()].filter(match).map((x) => ({
            InstanceId: x.id,
            State: { Name: x.state as 'running' },
            Placement: { AvailabilityZone: x.az },
            Tags: tagList(x.tags),
          })),
        },
      ],
    };
  };
  const set = (ids: string[] | undefined, to: string) => {
    for (const id of ids ?? []) {
      const inst = instances.get(id);
      if (!inst) throw notFound(`instance ${id}`, 'InvalidInstanceID.NotFound');
      inst.state = to;
    }
  };
  const terminate = (ids: string[] | undefined) => {
    set(ids, 'terminated');
    for (const id of ids ?? []) {
      const inst = instances.get(id) as FakeInstance;
      if (autoScaling && inst.tags?.[ASG_TAG]) {
        instances.set(`${id}-r`, { id: `${id}-r`, az: inst.az, state: 'running', tags: { ...inst.tags } });
      }
    }
  };
  return {
    describeInstances: wrap('ec2', 'DescribeInstances', describe),
    stopInstances: wrap('ec2', 'StopInstances', (i: { InstanceIds?: string[]; DryRun?: boolean }) => {
      if (i.DryRun) dry();
      set(i.InstanceIds, 'stopped');
      return { StoppingInstances: [] };
    }),
    createTags: wrap('ec2', 'CreateTags', (i: { Resources?: string[]; Tags?: { Key?: string; Value?: string }[] }) => {
      for (const id of i.Resources ?? []) {
        const inst = instances.get(id);
        if (!inst) throw DrillproofError.aws('InstanceNotFound', `The instance ID '${id}' does not exist`);
        inst.tags = { ...inst.tags, ...tagMapOf(i.Tags) };
      }
      return {};
    }),
    deleteTags: wrap('ec2', 'DeleteTags', (i: { Resources?: string[]; Tags?: { Key?: string; Value?: string }[] }) => {
      for (const id of i.Resources ?? []) {
        const inst = instances.get(id);
        for (const t of i.Tags ?? []) {
          if (inst?.tags && (t.Value === undefined || inst.tags[t.Key ?? ''] === t.Value))
            delete inst.tags[t.Key ?? ''];
        }
      }
      return {};
    }),
    startInstances: wrap('ec2', 'StartInstances', (i: { InstanceIds?: string[]; DryRun?: boolean }) => {
      if (i.DryRun) dry();
      set(i.InstanceIds, 'running');
      return {};
    }),
    rebootInstances: wrap('ec2', 'RebootInstances', (i: { DryRun?: boolean }) => (i.DryRun ? dry() : {})),
    terminateInstances: wrap('ec2', 'TerminateInstances', (i: { InstanceIds?: string[]; DryRun?: boolean }) => {
      if (i.DryRun) dry();
      terminate(i.InstanceIds);
      return {};
    }),
  };
}

function elbv2Api(wrap: Wrap, groups: Map<string, FakeTargetGroup>) {
  const group = (arn: string | undefined) => {
    const g = groups.get(arn ?? '');
    if (!g) throw notFound(`target group ${arn}`, 'TargetGroupNotFound');
    return g;
  };
  type Targets = { TargetGroupArn?: string; Targets?: { Id?: string; Port?: number }[] };
  return {
    describeTargetHealth: wrap('elbv2', 'DescribeTargetHealth', (i: { TargetGroupArn?: string }) => ({
      TargetHealthDescriptions: group(i.TargetGroupArn).targets.map((t) => ({
        Target: { Id: t.id, ...(t.port ? { Port: t.port } : {}) },
        TargetHealth: { State: 'healthy' },
      })),
    })),
    describeTargetGroups: wrap(
      'elbv2',
      'DescribeTargetGroups',
      (i: { TargetGroupArns?: string[]; Names?: string[] }) => {
        const found = [...groups.values()].filter(
          (g) => i.TargetGroupArns?.includes(g.arn) || i.Names?.includes(g.name),
        );
        if (found.length === 0) throw notFound('target group', 'TargetGroupNotFound');
        return {
          TargetGroups: found.map((g) => ({
            TargetGroupArn: g.arn,
            TargetGroupName: g.name,
            LoadBalancerArns: g.loadBalancer ? [g.loadBalancer.arn] : [],
          })),
        };
      },
    ),
    describeLoadBalancers: wrap('elbv2', 'DescribeLoadBalancers', (i: { LoadBalancerArns?: string[] }) => {
      const lbs = new Map(
        [...groups.values()].flatMap((g) => (g.loadBalancer ? [[g.loadBalancer.arn, g.loadBalancer]] : [])),
      );
      const found = [...lbs.values()].filter((lb) => i.LoadBalancerArns?.includes(lb.arn));
      if (found.length < (i.LoadBalancerArns?.length ?? 0)) throw notFound('load balancer', 'LoadBalancerNotFound');
      return { LoadBalancers: found.map((lb) => ({ LoadBalancerArn: lb.arn, DNSName: lb.dnsName })) };
    }),
    registerTargets: wrap('elbv2', 'RegisterTargets', (i: Targets) => {
      const g = group(i.TargetGroupArn);
      for (const t of i.Targets ?? []) {
        if (!g.targets.some((x) => x.id === t.Id))
          g.targets.push({ id: t.Id ?? '', ...(t.Port ? { port: t.Port } : {}) });
      }
      return {};
    }),
    deregisterTargets: wrap('elbv2', 'DeregisterTargets', (i: Targets) => {
      const g = group(i.TargetGroupArn);
      g.targets = g.targets.filter((x) => !(i.Targets ?? []).some((t) => t.Id === x.id));
      return {};
    }),
  };
}

function rdsApi(wrap: Wrap, s: Pick<FakeState, 'dbs' | 'clusters'>, snapshots: Map<string, FakeSnapshot>) {
  const db = (id: string | undefined) => {
    const d = s.dbs.get(id ?? '');
    if (!d) throw notFound(`DB instance ${id}`, 'DBInstanceNotFound');
    return d;
  };
  const cluster = (id: string | undefined) => {
    const c = s.clusters.get(id ?? '');
    if (!c) throw notFound(`DB cluster ${id}`, 'DBClusterNotFoundFault');
    return c;
  };
  type Restore = { Tags?: { Key?: string; Value?: string }[] };
  const restore = (id: string | undefined, i: Restore) => {
    s.dbs.set(id ?? '', {
      id: id ?? '',
      multiAz: false,
      az: 'us-east-1a',
      status: 'available',
      tags: tagMapOf(i.Tags),
    });
    return { DBInstance: { DBInstanceIdentifier: id } };
  };
  return {
    describeDBInstances: wrap(
      'rds',
      'DescribeDBInstances',
      (i: { DBInstanceIdentifier?: string; Filters?: { Name?: string; Values?: string[] }[] }) => ({
        DBInstances: (i.DBInstanceIdentifier ? [db(i.DBInstanceIdentifier)] : [...s.dbs.values()])
          .filter((d) =>
            (i.Filters ?? []).every(
              (f) => f.Name !== 'db-cluster-id' || f.Values?.some((v) => s.clusters.get(v)?.members.includes(d.id)),
            ),
          )
          .map((d) => ({
            DBInstanceIdentifier: d.id,
            DBInstanceArn: `arn:aws:rds:us-east-1:000000000000:db:${d.id}`,
            DBInstanceStatus: d.status,
            MultiAZ: d.multiAz,
            AvailabilityZone: d.az,
            ...(d.secondaryAz ? { SecondaryAvailabilityZone: d.secondaryAz } : {}),
            TagList: tagList(d.tags),
            ...([...s.clusters.values()].find((c) => c.members.includes(d.id))
              ? { DBClusterIdentifier: [...s.clusters.values()].find((c) => c.members.includes(d.id))?.id }
              : {}),
          })),
      }),
    ),
    describeDBClusters: wrap('rds', 'DescribeDBClusters', (i: { DBClusterIdentifier?: string }) => ({
      DBClusters: (i.DBClusterIdentifier ? [cluster(i.DBClusterIdentifier)] : [...s.clusters.values()]).map((c) => ({
        DBClusterIdentifier: c.id,
        DBClusterArn: `arn:aws:rds:us-east-1:000000000000:cluster:${c.id}`,
        Status: c.status,
        TagList: tagList(c.tags),
        DBClusterMembers: c.members.map((m, k) => ({ DBInstanceIdentifier: m, IsClusterWriter: k === 0 })),
      })),
    })),
    describeDBSnapshots: wrap(
      'rds',
      'DescribeDBSnapshots',
      (i: { DBInstanceIdentifier?: string; DBSnapshotIdentifier?: string; SnapshotType?: string }) => {
        if (i.DBSnapshotIdentifier && !snapshots.has(i.DBSnapshotIdentifier))
          throw notFound(`DB snapshot ${i.DBSnapshotIdentifier}`, 'DBSnapshotNotFound');
        return {
          DBSnapshots: [...snapshots.values()]
            .filter((x) => !i.DBInstanceIdentifier || x.dbId === i.DBInstanceIdentifier)
            .filter((x) => !i.DBSnapshotIdentifier || x.id === i.DBSnapshotIdentifier)
            .filter((x) => !i.SnapshotType || (i.SnapshotType === 'manual') === !!x.manual)
            .map((x) => ({
              DBSnapshotIdentifier: x.id,
              DBInstanceIdentifier: x.dbId,
              DBSnapshotArn: `arn:aws:rds:us-east-1:000000000000:snapshot:${x.id}`,
              SnapshotType: x.manual ? 'manual' : 'automated',
              Status: 'available',
              SnapshotCreateTime: new Date('2026-01-01T00:00:00Z'),
              TagList: tagList(x.tags),
            })),
        };
      },
    ),
    createDBSnapshot: wrap(
      'rds',
      'CreateDBSnapshot',
      (i: {
        DBInstanceIdentifier?: string;
        DBSnapshotIdentifier?: string;
        Tags?: { Key?: string; Value?: string }[];
      }) => {
        db(i.DBInstanceIdentifier);
        const id = i.DBSnapshotIdentifier ?? '';
        snapshots.set(id, { id, dbId: i.DBInstanceIdentifier ?? '', manual: true, tags: tagMapOf(i.Tags) });
        return { DBSnapshot: { DBSnapshotIdentifier: id, Status: 'creating' } };
      },
    ),
    deleteDBSnapshot: wrap('rds', 'DeleteDBSnapshot', (i: { DBSnapshotIdentifier?: string }) => {
      if (!snapshots.delete(i.DBSnapshotIdentifier ?? ''))
        throw notFound(`DB snapshot ${i.DBSnapshotIdentifier}`, 'DBSnapshotNotFound');
      return { DBSnapshot: { DBSnapshotIdentifier: i.DBSnapshotIdentifier, Status: 'deleted' } };
    }),
    describeEvents: wrap('rds', 'DescribeEvents', () => ({ Events: [] })),
    rebootDBInstance: wrap(
      'rds',
      'RebootDBInstance',
      (i: { DBInstanceIdentifier?: string; ForceFailover?: boolean }) => {
        const d = db(i.DBInstanceIdentifier);
        if (i.ForceFailover && d.multiAz && d.secondaryAz) [d.az, d.secondaryAz] = [d.secondaryAz, d.az];
        return {};
      },
    ),
    failoverDBCluster: wrap('rds', 'FailoverDBCluster', (i: { DBClusterIdentifier?: string }) => {
      const c = cluster(i.DBClusterIdentifier);
      c.members.push(c.members.shift() as string);
      return {};
    }),
    restoreDBInstanceFromDBSnapshot: wrap(
      'rds',
      'RestoreDBInstanceFromDBSnapshot',
      (i: Restore & { DBInstanceIdentifier?: string }) => restore(i.DBInstanceIdentifier, i),
    ),
    restoreDBInstanceToPointInTime: wrap(
      'rds',
      'RestoreDBInstanceToPointInTime',
      (i: Restore & { SourceDBInstanceIdentifier?: string; TargetDBInstanceIdentifier?: string }) => {
        db(i.SourceDBInstanceIdentifier);
        return restore(i.TargetDBInstanceIdentifier, i);
      },
    ),
    deleteDBInstance: wrap('rds', 'DeleteDBInstance', (i: { DBInstanceIdentifier?: string }) => {
      db(i.DBInstanceIdentifier);
      s.dbs.delete(i.DBInstanceIdentifier as string);
      for (const c of s.clusters.values()) c.members = c.members.filter((m) => m !== i.DBInstanceIdentifier);
      return {};
    }),
    // An instance in a cluster (backup-restore of Aurora); the cluster is deleted once it has none.
    createDBInstance: wrap(
      'rds',
      'CreateDBInstance',
      (i: { DBInstanceIdentifier?: string; DBClusterIdentifier?: string }) => {
        const c = cluster(i.DBClusterIdentifier);
        const id = i.DBInstanceIdentifier ?? '';
        s.dbs.set(id, { id, multiAz: false, az: 'us-east-1a', status: 'available', tags: {} });
        c.members.push(id);
        return { DBInstance: { DBInstanceIdentifier: id, DBInstanceStatus: 'creating' } };
      },
    ),
    deleteDBCluster: wrap('rds', 'DeleteDBCluster', (i: { DBClusterIdentifier?: string }) => {
      const c = cluster(i.DBClusterIdentifier);
      if (c.members.length) {
        throw DrillproofError.aws('AwsInvalidState', 'Cluster cannot be deleted, it still contains DB instances', {
          details: { awsCode: 'InvalidDBClusterStateFault' },
        });
      }
      s.clusters.delete(c.id);
      return { DBCluster: { DBClusterIdentifier: c.id, Status: 'deleting' } };
    }),
    // Tags by ARN (db:<id>; the fake's clusters keep theirs too): the drill's lease.
    listTagsForResource: wrap('rds', 'ListTagsForResource', (i: { ResourceName: string }) => ({
      TagList: tagList(tagsOfArn(i.ResourceName)),
    })),
    addTagsToResource: wrap(
      'rds',
      'AddTagsToResource',
      (i: { ResourceName: string; Tags?: { Key?: string; Value?: string }[] }) => {
        Object.assign(tagsOfArn(i.ResourceName), tagMapOf(i.Tags));
        return {};
      },
    ),
    removeTagsFromResource: wrap('rds', 'RemoveTagsFromResource', (i: { ResourceName: string; TagKeys?: string[] }) => {
      const t = tagsOfArn(i.ResourceName);
      for (const k of i.TagKeys ?? []) delete t[k];
      return {};
    }),
  };
  function tagsOfArn(arn: string): Record<string, string> {
    const m = /:(db|cluster):(.+)$/.exec(arn);
    const r = m?.[1] === 'cluster' ? cluster(m[2]) : db(m?.[2]);
    if (!r.tags) r.tags = {};
    return r.tags;
  }
}

function fisApi(wrap: Wrap, s: Pick<FakeState, 'templates' | 'experiments'>) {
  const experiment = (id: string | undefined) => {
    const e = s.experiments.get(id ?? '');
    if (!e) throw notFound(`experiment ${id}`, 'ResourceNotFoundException');
    return e;
  };
  const shape = (e: ExperimentState) => ({
    id: e.id,
    experimentTemplateId: e.templateId,
    state: { status: e.status },
    tags: e.tags,
    actions: {},
  });
  return {
    createExperimentTemplate: wrap('fis', 'CreateExperimentTemplate', (i: { tags?: Record<string, string> }) => {
      const id = `EXT${s.templates.size + 1}`;
      s.templates.set(id, { id, tags: i.tags ?? {} });
      return { experimentTemplate: { id } };
    }),
    deleteExperimentTemplate: wrap('fis', 'DeleteExperimentTemplate', (i: { id?: string }) => {
      if (!s.templates.delete(i.id ?? '')) throw notFound(`experiment template ${i.id}`, 'ResourceNotFoundException');
      return {};
    }),
    getExperimentTemplate: wrap('fis', 'GetExperimentTemplate', (i: { id?: string }) => {
      if (!s.templates.has(i.id ?? '')) throw notFound(`experiment template ${i.id}`, 'ResourceNotFoundException');
      return { experimentTemplate: { id: i.id, actions: {} } };
    }),
    startExperiment: wrap(
      'fis',
      'StartExperiment',
      (i: { experimentTemplateId?: string; tags?: Record<string, string> }) => {
        if (!s.templates.has(i.experimentTemplateId ?? '')) {
          throw notFound(`experiment template ${i.experimentTemplateId}`, 'ResourceNotFoundException');
        }
        const id = `EXP${s.experiments.size + 1}`;
        const e = { id, templateId: i.experimentTemplateId as string, status: 'running', tags: i.tags ?? {} };
        s.experiments.set(id, e);
        return { experiment: shape(e) };
      },
    ),
    getExperiment: wrap('fis', 'GetExperiment', (i: { id?: string }) => ({ experiment: shape(experiment(i.id)) })),
    stopExperiment: wrap('fis', 'StopExperiment', (i: { id?: string }) => {
      const e = experiment(i.id);
      e.status = 'stopped';
      return { experiment: shape(e) };
    }),
    listExperiments: wrap('fis', 'ListExperiments', () => ({
      experiments: [...s.experiments.values()].map((e) => ({ id: e.id, state: { status: e.status }, tags: e.tags })),
    })),
  };
}

/** Lambda: functions by name or ARN; reserved concurrency changes take effect at once. */
function lambdaApi(
  wrap: <I, O>(s: string, op: string, fn: (i: I) => O) => (i: I) => Promise<O>,
  fns: Map<string, number | undefined>,
) {
  const nameOf = (fn: string) => {
    const name = fn.replace(/^arn:aws:lambda:[^:]+:\d{12}:function:/, '').replace(/:.*$/, '');
    if (!fns.has(name)) throw notFound(`Function ${fn}`, 'ResourceNotFoundException');
    return name;
  };
  const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
  const conc = (n: number | undefined) => (n === undefined ? {} : { ReservedConcurrentExecutions: n });
  // Tags by function name (the lease); as Lambda, only an unqualified ARN can be tagged.
  const tags = new Map<string, Record<string, string>>();
  const tagsOf = (resource: string) => {
    if (!resource.startsWith('arn:') || resource.split(':').length !== 7) {
      throw DrillproofError.aws('AwsCallFailed', `invalid resource ${resource}`, {
        details: { awsCode: 'InvalidParameterValueException' },
      });
    }
    const name = nameOf(resource);
    const t = tags.get(name) ?? {};
    tags.set(name, t);
    return t;
  };
  return {
    getFunction: wrap('lambda', 'GetFunction', (i: { FunctionName: string }) => {
      const name = nameOf(i.FunctionName);
      const n = fns.get(name);
      return {
        Configuration: { FunctionName: name, FunctionArn: arn(name), State: 'Active' },
        Tags: { ...(tags.get(name) ?? {}) },
        ...(n === undefined ? {} : { Concurrency: conc(n) }),
      };
    }),
    listFunctions: wrap('lambda', 'ListFunctions', () => ({
      Functions: [...fns.keys()].map((name) => ({ FunctionName: name, FunctionArn: arn(name) })),
    })),
    listTags: wrap('lambda', 'ListTags', (i: { Resource: string }) => ({ Tags: { ...tagsOf(i.Resource) } })),
    tagResource: wrap('lambda', 'TagResource', (i: { Resource: string; Tags: Record<string, string> }) => {
      Object.assign(tagsOf(i.Resource), i.Tags);
      return {};
    }),
    untagResource: wrap('lambda', 'UntagResource', (i: { Resource: string; TagKeys: string[] }) => {
      const t = tagsOf(i.Resource);
      for (const k of i.TagKeys) delete t[k];
      return {};
    }),
    getFunctionConfiguration: wrap('lambda', 'GetFunctionConfiguration', (i: { FunctionName: string }) => {
      const name = nameOf(i.FunctionName);
      return { FunctionName: name, FunctionArn: arn(name), State: 'Active' };
    }),
    getFunctionConcurrency: wrap('lambda', 'GetFunctionConcurrency', (i: { FunctionName: string }) =>
      conc(fns.get(nameOf(i.FunctionName))),
    ),
    putFunctionConcurrency: wrap(
      'lambda',
      'PutFunctionConcurrency',
      (i: { FunctionName: string; ReservedConcurrentExecutions: number }) => {
        fns.set(nameOf(i.FunctionName), i.ReservedConcurrentExecutions);
        return conc(i.ReservedConcurrentExecutions);
      },
    ),
    deleteFunctionConcurrency: wrap('lambda', 'DeleteFunctionConcurrency', (i: { FunctionName: string }) => {
      fns.set(nameOf(i.FunctionName), undefined);
      return {};
    }),
  };
}
