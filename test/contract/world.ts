import type { AwsApis } from '../../src/aws/apis.js';
import { DrillproofError } from '../../src/errors.js';

/**
 * A small in-memory AWS account answering every operation of the AwsApis surface with the output
 * shapes the real API has, so drills can run through the real SDK clients (see
 * `sdkBacked` in test/_helpers/sdk-capture.ts) and every request they send can be checked.
 */
export interface WorldOptions {
  /** FIS experiments stay `running` until stopped (exercises the stop path). */
  fisHangs?: boolean;
}

const ACCOUNT = '000000000000';
const TG = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/web/0123456789abcdef`;

export function world(o: WorldOptions = {}) {
  const dryRun = () => {
    throw DrillproofError.aws('AwsDryRunOk', 'would have succeeded', { details: { awsCode: 'DryRunOperation' } });
  };
  const instances = new Map(
    [
      ['i-0a', 'us-east-1a'],
      ['i-0b', 'us-east-1b'],
    ].map(([id, az]) => [id as string, { id: id as string, az: az as string, state: 'running', tags: { app: 'web' } }]),
  );
  const registered = new Set(instances.keys());
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
  let n = 0;
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
  const dbOut = (d: {
    id: string;
    status: string;
    az: string;
    multiAz: boolean;
    tags: { Key: string; Value: string }[];
  }) => ({
    DBInstanceIdentifier: d.id,
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
  const aws = {
    region: 'us-east-1',
    sts: {
      getCallerIdentity: () => ({
        Account: ACCOUNT,
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Drill/session`,
        UserId: 'AROA1:session',
      }),
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
    },
    elbv2: {
      describeTargetGroups: () => ({ TargetGroups: [{ TargetGroupArn: TG, TargetGroupName: 'web' }] }),
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
            Status: 'available',
            Endpoint: '127.0.0.1',
            Port: 5432,
            DBClusterMembers: [
              { DBInstanceIdentifier: 'cl1-a', IsClusterWriter: true },
              { DBInstanceIdentifier: 'cl1-b', IsClusterWriter: false },
            ],
          },
        ],
      }),
      describeDBSnapshots: () => ({
        DBSnapshots: [
          { DBSnapshotIdentifier: 'rds:db1-2026-01-01', Status: 'available', SnapshotCreateTime: new Date() },
        ],
      }),
      describeEvents: () => ({ Events: [] }),
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
    cloudwatch: {
      describeAlarms: (i: { AlarmNames?: string[] }) => ({
        MetricAlarms: [],
        CompositeAlarms: (i.AlarmNames ?? []).map((a) => ({ AlarmName: a, StateValue: 'OK' })),
      }),
    },
    // sweep lists DynamoDB tables for restores of AWS Backup recovery points: none here.
    dynamodb: { listTables: () => ({ TableNames: ['orders'] }) },
  };
  return { aws: aws as unknown as AwsApis, instances, dbs, experiments, templates, created, TG };
}
