import type { AwsApis } from '../../src/aws/apis.js';
import { DrillproofError } from '../../src/errors.js';
import { dynamoApi, type FakeTable } from '../_helpers/fake-dynamodb.js';
import { fakeEcs } from '../_helpers/fake-ecs.js';
import { dataWorld } from './world-data.js';

/**
 * A small in-memory AWS account answering every operation of the AwsApis surface with the output
 * shapes the real API has, so drills can run through the real SDK clients (see
 * `sdkBacked` in test/_helpers/sdk-capture.ts) and every request they send can be checked.
 */
export interface WorldOptions {
  /** FIS experiments stay `running` until stopped (exercises the stop path). */
  fisHangs?: boolean;
  /** Reserved concurrency of the `orders` function (default 5). */
  ordersReserved?: number;
  /** Both instances are in this Auto Scaling group (InService while running). */
  asgGroup?: string;
}

const ACCOUNT = '000000000000';
const TG = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/web/0123456789abcdef`;
const LB = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/web/0123456789abcdef`;

export function world(o: WorldOptions = {}) {
  const dryRun = () => {
    throw DrillproofError.aws('AwsDryRunOk', 'would have succeeded', { details: { awsCode: 'DryRunOperation' } });
  };
  const instances = new Map(
    [
      ['i-0a', 'us-east-1a'],
      ['i-0b', 'us-east-1b'],
    ].map(([id, az]) => [
      id as string,
      { id: id as string, az: az as string, state: 'running', tags: { app: 'web' } as Record<string, string> },
    ]),
  );
  const registered = new Set(instances.keys());
  const ownSnapshots = new Map<string, Record<string, unknown>>();
  const dbs = new Map<
    string,
    { id: string; status: string; az: string; multiAz: boolean; tags: { Key: string; Value: string }[] }
  >([['db1', { id: 'db1', status: 'available', az: 'us-east-1a', multiAz: true, tags: [] }]]);
  const templates = new Map<string, unknown>();
  const created: unknown[] = [];
  const experiments = new Map<
    string,
    { id: string; templateId: string; status: string; tags: Record<string, string>; polls: number }
  >();
  // DynamoDB (dynamodb-restore, the dynamodb-table resource, the dynamodb-heartbeat probe).
  const tables = new Map<string, FakeTable>([
    ['orders', { name: 'orders', status: 'ACTIVE', tags: { app: 'shop' }, pitr: true }],
  ]);
  let n = 0;
  // Lambda functions by name: `orders` has a reserved concurrency and the FIS extension, `worker` neither.
  const functions = new Map<
    string,
    { name: string; reserved: number | undefined; fis: boolean; tags: Record<string, string> }
  >([
    ['orders', { name: 'orders', reserved: o.ordersReserved ?? 5, fis: true, tags: { drillproof: 'allowed' } }],
    ['worker', { name: 'worker', reserved: undefined, fis: false, tags: { drillproof: 'allowed' } }],
  ]);
  const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
  const fn = (nameOrArn: string) => {
    const f = functions.get(nameOrArn.replace(/^arn:aws:lambda:[^:]+:\d{12}:function:/, ''));
    if (!f)
      throw DrillproofError.user('AwsResourceNotFound', `Function not found: ${fnArn(nameOrArn)}`, {
        details: { awsCode: 'ResourceNotFoundException' },
      });
    return f;
  };
  const fnConfig = (f: { name: string; fis: boolean }) => ({
    FunctionName: f.name,
    FunctionArn: fnArn(f.name),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    ...(f.fis
      ? {
          Layers: [{ Arn: 'arn:aws:lambda:us-east-1:211125607513:layer:aws-fis-extension-x86_64:9' }],
          Environment: {
            Variables: {
              AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap',
              AWS_FIS_CONFIGURATION_LOCATION: 'arn:aws:s3:::fis-config/FisConfigs/',
            },
          },
        }
      : {}),
  });
  const states = (ids: string[] | undefined, to: string) =>
    (ids ?? []).map((id) => {
      const i = instances.get(id);
      if (!i)
        throw DrillproofError.user('AwsResourceNotFound', `no ${id}`, {
          details: { awsCode: 'InvalidInstanceID.NotFound' },
        });
      const prev = i.state;
      i.state = to;
      return { InstanceId: id, PreviousState: { Name: prev }, CurrentState: { Name: to } };
    });
  const clusterTags: { Key: string; Value: string }[] = [];
  const tagsAt = (arn: string) => {
    if (arn.endsWith(':cluster:cl1')) return clusterTags;
    const d = dbs.get(arn.slice(arn.lastIndexOf(':') + 1));
    if (!d)
      throw DrillproofError.user('AwsResourceNotFound', `no ${arn}`, { details: { awsCode: 'DBInstanceNotFound' } });
    return d.tags;
  };
  const dbOut = (d: {
    id: string;
    status: string;
    az: string;
    multiAz: boolean;
    tags: { Key: string; Value: string }[];
  }) => ({
    DBInstanceIdentifier: d.id,
    DBInstanceArn: `arn:aws:rds:us-east-1:000000000000:db:${d.id}`,
    DBInstanceStatus: d.status,
    AvailabilityZone: d.az,
    SecondaryAvailabilityZone: d.multiAz ? 'us-east-1b' : undefined,
    MultiAZ: d.multiAz,
    Endpoint: { Address: '127.0.0.1', Port: 5432 },
    LatestRestorableTime: new Date(),
    TagList: d.tags,
  });
  const experiment = (e: { id: string; templateId: string; status: string; tags: Record<string, string> }) => ({
    id: e.id,
    experimentTemplateId: e.templateId,
    state: { status: e.status },
    tags: e.tags,
    actions: { a: { actionId: 'aws:ec2:stop-instances', state: { status: e.status } } },
  });
  // ECS: one service whose stopped tasks the scheduler replaces (test/_helpers/fake-ecs.ts).
  const plain =
    <I, O>(_s: string, _op: string, fn: (i: I) => O) =>
    async (i: I) => ({
      ...fn(i),
      $metadata: { requestId: `ecs-${++n}`, attempts: 1 },
    });
  const ecs = fakeEcs(
    plain,
    [
      {
        cluster: 'shop',
        name: 'api',
        tags: { app: 'api' },
        tasks: [
          { id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', az: 'us-east-1a', ip: '10.0.1.10' },
          { id: '1a1b2c3d4e5f60718293a4b5c6d7e8f9', az: 'us-east-1b', ip: '10.0.2.10' },
        ],
      },
    ],
    new Map(),
  );
  const aws = {
    region: 'us-east-1',
    // Answers in place: the SDK capture sends them back as the service's output.
    dynamodb: dynamoApi(((_s: string, _o: string, fn: (i: unknown) => unknown) => fn) as never, tables),
    ecs: ecs.api,
    sts: {
      getCallerIdentity: () => ({
        Account: ACCOUNT,
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Drill/session`,
        UserId: 'AROA1:session',
      }),
    },
    autoscaling: {
      describeAutoScalingInstances: (i: { InstanceIds?: string[] }) => ({
        AutoScalingInstances: o.asgGroup
          ? [...instances.values()]
              .filter((x) => !i.InstanceIds || i.InstanceIds.includes(x.id))
              .map((x) => ({
                InstanceId: x.id,
                AutoScalingGroupName: o.asgGroup,
                AvailabilityZone: x.az,
                LifecycleState: 'InService',
                HealthStatus: 'HEALTHY',
                ProtectedFromScaleIn: false,
              }))
          : [],
      }),
      describeAutoScalingGroups: () => ({
        AutoScalingGroups: o.asgGroup
          ? [
              {
                AutoScalingGroupName: o.asgGroup,
                MinSize: 1,
                MaxSize: 4,
                DesiredCapacity: instances.size,
                DefaultCooldown: 300,
                AvailabilityZones: ['us-east-1a', 'us-east-1b'],
                HealthCheckType: 'EC2',
                CreatedTime: new Date(0),
                Instances: [...instances.values()].map((x) => ({
                  InstanceId: x.id,
                  AvailabilityZone: x.az,
                  LifecycleState: 'InService',
                  HealthStatus: 'Healthy',
                  ProtectedFromScaleIn: false,
                })),
              },
            ]
          : [],
      }),
      describeScalingActivities: () => ({ Activities: [] }),
      suspendProcesses: () => ({}),
      resumeProcesses: () => ({}),
    },
    iam: {
      simulatePrincipalPolicy: (i: { ActionNames?: string[]; ResourceArns?: string[] }) => ({
        EvaluationResults: (i.ActionNames ?? []).flatMap((a) =>
          (i.ResourceArns ?? ['*']).map((r) => ({ EvalActionName: a, EvalResourceName: r, EvalDecision: 'allowed' })),
        ),
        IsTruncated: false,
      }),
    },
    ec2: {
      describeInstances: (i: { InstanceIds?: string[]; Filters?: { Name: string; Values: string[] }[] }) => ({
        Reservations: [
          {
            Instances: [...instances.values()]
              .filter((x) => !i.InstanceIds || i.InstanceIds.includes(x.id))
              .map((x) => ({
                InstanceId: x.id,
                State: { Name: x.state },
                Placement: { AvailabilityZone: x.az },
                Tags: Object.entries(x.tags).map(([Key, Value]) => ({ Key, Value })),
              })),
          },
        ],
      }),
      stopInstances: (i: { InstanceIds?: string[]; DryRun?: boolean }) =>
        i.DryRun ? dryRun() : { StoppingInstances: states(i.InstanceIds, 'stopped') },
      startInstances: (i: { InstanceIds?: string[]; DryRun?: boolean }) =>
        i.DryRun ? dryRun() : { StartingInstances: states(i.InstanceIds, 'running') },
      rebootInstances: (i: { DryRun?: boolean }) => (i.DryRun ? dryRun() : {}),
      terminateInstances: (i: { InstanceIds?: string[]; DryRun?: boolean }) =>
        i.DryRun ? dryRun() : { TerminatingInstances: states(i.InstanceIds, 'terminated') },
      // The drill's lease tag: taken after preflight, released in rollback.
      createTags: (i: { Resources?: string[]; Tags?: { Key: string; Value?: string }[] }) => {
        for (const id of i.Resources ?? []) {
          const x = instances.get(id);
          if (x) for (const t of i.Tags ?? []) x.tags[t.Key] = t.Value ?? '';
        }
        return {};
      },
      deleteTags: (i: { Resources?: string[]; Tags?: { Key: string; Value?: string }[] }) => {
        for (const id of i.Resources ?? []) {
          const x = instances.get(id);
          for (const t of i.Tags ?? [])
            if (x && (t.Value === undefined || x.tags[t.Key] === t.Value)) delete x.tags[t.Key];
        }
        return {};
      },
    },
    elbv2: {
      describeTargetGroups: () => ({
        TargetGroups: [{ TargetGroupArn: TG, TargetGroupName: 'web', LoadBalancerArns: [LB] }],
      }),
      describeLoadBalancers: () => ({
        LoadBalancers: [{ LoadBalancerArn: LB, DNSName: 'web-0123456789.us-east-1.elb.amazonaws.com' }],
      }),
      describeTargetHealth: () => ({
        TargetHealthDescriptions: [...registered].map((id) => ({
          Target: { Id: id, Port: 80 },
          TargetHealth: { State: instances.get(id)?.state === 'running' ? 'healthy' : 'unhealthy' },
        })),
      }),
      registerTargets: (i: { Targets?: { Id: string }[] }) => {
        for (const t of i.Targets ?? []) registered.add(t.Id);
        return {};
      },
      deregisterTargets: (i: { Targets?: { Id: string }[] }) => {
        for (const t of i.Targets ?? []) registered.delete(t.Id);
        return {};
      },
    },
    // No replication groups (sweep lists them).
    elasticache: { describeReplicationGroups: () => ({ ReplicationGroups: [] }) },
    rds: {
      describeDBInstances: (i: { DBInstanceIdentifier?: string }) => {
        if (i.DBInstanceIdentifier && !dbs.has(i.DBInstanceIdentifier)) {
          throw DrillproofError.user('AwsResourceNotFound', `no ${i.DBInstanceIdentifier}`, {
            details: { awsCode: 'DBInstanceNotFound' },
          });
        }
        return {
          DBInstances: [...dbs.values()]
            .filter((d) => !i.DBInstanceIdentifier || d.id === i.DBInstanceIdentifier)
            .map(dbOut),
        };
      },
      describeDBClusters: () => ({
        DBClusters: [
          {
            DBClusterIdentifier: 'cl1',
            DBClusterArn: 'arn:aws:rds:us-east-1:000000000000:cluster:cl1',
            Status: 'available',
            TagList: clusterTags,
            Endpoint: '127.0.0.1',
            Port: 5432,
            DBClusterMembers: [
              { DBInstanceIdentifier: 'cl1-a', IsClusterWriter: true },
              { DBInstanceIdentifier: 'cl1-b', IsClusterWriter: false },
            ],
          },
        ],
      }),
      describeDBSnapshots: (i: { DBSnapshotIdentifier?: string }) => {
        const all = [
          { DBSnapshotIdentifier: 'rds:db1-2026-01-01', Status: 'available', SnapshotCreateTime: new Date() },
          ...[...ownSnapshots.values()],
        ];
        const found = all.filter((x) => !i.DBSnapshotIdentifier || x.DBSnapshotIdentifier === i.DBSnapshotIdentifier);
        if (i.DBSnapshotIdentifier && found.length === 0) {
          throw DrillproofError.user('AwsResourceNotFound', `no ${i.DBSnapshotIdentifier}`, {
            details: { awsCode: 'DBSnapshotNotFound' },
          });
        }
        return { DBSnapshots: found };
      },
      createDBSnapshot: (i: { DBInstanceIdentifier: string; DBSnapshotIdentifier: string }) => {
        const snap = {
          DBSnapshotIdentifier: i.DBSnapshotIdentifier,
          DBInstanceIdentifier: i.DBInstanceIdentifier,
          DBSnapshotArn: `arn:aws:rds:us-east-1:000000000000:snapshot:${i.DBSnapshotIdentifier}`,
          Status: 'available',
          SnapshotCreateTime: new Date(),
        };
        ownSnapshots.set(i.DBSnapshotIdentifier, snap);
        return { DBSnapshot: { ...snap, Status: 'creating' } };
      },
      deleteDBSnapshot: (i: { DBSnapshotIdentifier: string }) => {
        const snap = ownSnapshots.get(i.DBSnapshotIdentifier);
        if (!snap)
          throw DrillproofError.user('AwsResourceNotFound', 'gone', { details: { awsCode: 'DBSnapshotNotFound' } });
        ownSnapshots.delete(i.DBSnapshotIdentifier);
        return { DBSnapshot: { ...snap, Status: 'deleted' } };
      },
      describeEvents: () => ({ Events: [] }),
      // backup-restore of Aurora: the instance added to the restored cluster, then the cluster deleted.
      createDBInstance: (i: {
        DBInstanceIdentifier: string;
        DBClusterIdentifier: string;
        DBInstanceClass: string;
      }) => ({
        DBInstance: {
          DBInstanceIdentifier: i.DBInstanceIdentifier,
          DBClusterIdentifier: i.DBClusterIdentifier,
          DBInstanceClass: i.DBInstanceClass,
          DBInstanceStatus: 'creating',
        },
      }),
      deleteDBCluster: (i: { DBClusterIdentifier: string }) => ({
        DBCluster: { DBClusterIdentifier: i.DBClusterIdentifier, Status: 'deleting' },
      }),
      // The lease tag on db:<id> and cluster:cl1.
      listTagsForResource: (i: { ResourceName: string }) => ({ TagList: [...tagsAt(i.ResourceName)] }),
      addTagsToResource: (i: { ResourceName: string; Tags: { Key: string; Value: string }[] }) => {
        const t = tagsAt(i.ResourceName);
        for (const x of i.Tags) {
          const k = t.findIndex((y) => y.Key === x.Key);
          if (k >= 0) t.splice(k, 1);
          t.push(x);
        }
        return {};
      },
      removeTagsFromResource: (i: { ResourceName: string; TagKeys: string[] }) => {
        const t = tagsAt(i.ResourceName);
        for (let k = t.length - 1; k >= 0; k--) if (i.TagKeys.includes(t[k]?.Key as string)) t.splice(k, 1);
        return {};
      },
      rebootDBInstance: (i: { DBInstanceIdentifier: string }) => ({
        DBInstance: dbOut(dbs.get(i.DBInstanceIdentifier) ?? dbs.get('db1')!),
      }),
      failoverDBCluster: () => ({ DBCluster: { DBClusterIdentifier: 'cl1', Status: 'failing-over' } }),
      restoreDBInstanceFromDBSnapshot: (i: {
        DBInstanceIdentifier: string;
        Tags?: { Key: string; Value: string }[];
      }) => {
        dbs.set(i.DBInstanceIdentifier, {
          id: i.DBInstanceIdentifier,
          status: 'available',
          az: 'us-east-1a',
          multiAz: false,
          tags: i.Tags ?? [],
        });
        return { DBInstance: dbOut(dbs.get(i.DBInstanceIdentifier)!) };
      },
      restoreDBInstanceToPointInTime: (i: {
        TargetDBInstanceIdentifier: string;
        Tags?: { Key: string; Value: string }[];
      }) => {
        dbs.set(i.TargetDBInstanceIdentifier, {
          id: i.TargetDBInstanceIdentifier,
          status: 'available',
          az: 'us-east-1a',
          multiAz: false,
          tags: i.Tags ?? [],
        });
        return { DBInstance: dbOut(dbs.get(i.TargetDBInstanceIdentifier)!) };
      },
      deleteDBInstance: (i: { DBInstanceIdentifier: string }) => {
        const d = dbs.get(i.DBInstanceIdentifier);
        if (!d)
          throw DrillproofError.user('AwsResourceNotFound', 'gone', { details: { awsCode: 'DBInstanceNotFound' } });
        dbs.delete(i.DBInstanceIdentifier);
        return { DBInstance: dbOut({ ...d, status: 'deleting' }) };
      },
    },
    fis: {
      createExperimentTemplate: (i: unknown) => {
        const id = `EXT${++n}`;
        templates.set(id, i);
        created.push(i);
        return { experimentTemplate: { id } };
      },
      getExperimentTemplate: (i: { id: string }) => ({ experimentTemplate: { id: i.id, actions: {}, targets: {} } }),
      deleteExperimentTemplate: (i: { id: string }) => {
        templates.delete(i.id);
        return { experimentTemplate: { id: i.id } };
      },
      startExperiment: (i: { experimentTemplateId: string; tags?: Record<string, string> }) => {
        const e = {
          id: `EXP${++n}`,
          templateId: i.experimentTemplateId,
          status: 'running',
          tags: i.tags ?? {},
          polls: 0,
        };
        experiments.set(e.id, e);
        return { experiment: experiment(e) };
      },
      getExperiment: (i: { id: string }) => {
        const e = experiments.get(i.id);
        if (!e)
          throw DrillproofError.user('AwsResourceNotFound', 'no experiment', {
            details: { awsCode: 'ResourceNotFoundException' },
          });
        if (!o.fisHangs && e.status === 'running' && ++e.polls > 2) e.status = 'completed';
        return { experiment: experiment(e) };
      },
      stopExperiment: (i: { id: string }) => {
        const e = experiments.get(i.id);
        if (e) e.status = 'stopped';
        return { experiment: e ? experiment(e) : { id: i.id } };
      },
      listExperiments: () => ({
        experiments: [...experiments.values()].map((e) => ({
          id: e.id,
          experimentTemplateId: e.templateId,
          state: { status: e.status },
          tags: e.tags,
        })),
      }),
    },
    lambda: {
      getFunction: (i: { FunctionName: string }) => {
        const f = fn(i.FunctionName);
        return {
          Configuration: fnConfig(f),
          Tags: { ...f.tags },
          ...(f.reserved === undefined ? {} : { Concurrency: { ReservedConcurrentExecutions: f.reserved } }),
        };
      },
      getFunctionConfiguration: (i: { FunctionName: string }) => fnConfig(fn(i.FunctionName)),
      getFunctionConcurrency: (i: { FunctionName: string }) => {
        const f = fn(i.FunctionName);
        return f.reserved === undefined ? {} : { ReservedConcurrentExecutions: f.reserved };
      },
      putFunctionConcurrency: (i: { FunctionName: string; ReservedConcurrentExecutions: number }) => {
        fn(i.FunctionName).reserved = i.ReservedConcurrentExecutions;
        return { ReservedConcurrentExecutions: i.ReservedConcurrentExecutions };
      },
      deleteFunctionConcurrency: (i: { FunctionName: string }) => {
        fn(i.FunctionName).reserved = undefined;
        return {};
      },
      // The lease tag (unqualified function ARN).
      listFunctions: () => ({ Functions: [...functions.values()].map(fnConfig) }),
      listTags: (i: { Resource: string }) => ({ Tags: { ...fn(i.Resource).tags } }),
      tagResource: (i: { Resource: string; Tags: Record<string, string> }) => {
        Object.assign(fn(i.Resource).tags, i.Tags);
        return {};
      },
      untagResource: (i: { Resource: string; TagKeys: string[] }) => {
        const f = fn(i.Resource);
        for (const k of i.TagKeys) delete f.tags[k];
        return {};
      },
    },
    cloudwatch: {
      describeAlarms: (i: { AlarmNames?: string[] }) => ({
        MetricAlarms: [],
        CompositeAlarms: (i.AlarmNames ?? []).map((a) => ({ AlarmName: a, StateValue: 'OK' })),
      }),
    },
  };
  const data = dataWorld();
  const all = {
    ...aws,
    dynamodb: oneDynamo(aws.dynamodb as never, data.dynamodb as never, tables),
    backup: data.backup,
  };
  return {
    aws: all as unknown as AwsApis,
    instances,
    dbs,
    experiments,
    templates,
    created,
    TG,
    data,
    tables,
    functions,
  };
}

type Answer = (i: Record<string, unknown>) => unknown;

/** The table a DynamoDB request is about, from its name or any ARN it carries. */
function tableOf(i: Record<string, unknown> | undefined): string | undefined {
  const v = (i?.TableName ?? i?.SourceTableName ?? i?.SourceTableArn ?? i?.ResourceArn ?? i?.BackupArn) as
    | string
    | undefined;
  return v?.replace(/^arn:[^:]*:dynamodb:[^:]*:[^:]*:table\//, '').split('/')[0];
}

/**
 * Two in-memory DynamoDB tables sets in one account: the restore drills' (`tables`: orders ...)
 * and the heartbeat / Backup data paths' (world-data.ts: app). Each request goes to the set that
 * holds its table; ListTables lists both.
 */
function oneDynamo(restore: Record<string, Answer>, data: Record<string, Answer>, tables: Map<string, FakeTable>) {
  const ops = new Set([...Object.keys(restore), ...Object.keys(data)]);
  const out: Record<string, Answer> = {};
  for (const op of ops) {
    out[op] = (i) => {
      if (op === 'listTables') {
        const names = (f?: Answer) => (f?.(i) as { TableNames?: string[] } | undefined)?.TableNames ?? [];
        return { TableNames: [...names(restore.listTables), ...names(data.listTables)] };
      }
      const name = tableOf(i);
      const toRestore = restore[op] && (name !== undefined ? tables.has(name) : !data[op]);
      return ((toRestore ? restore[op] : data[op]) ?? restore[op])?.(i);
    };
  }
  return out;
}
