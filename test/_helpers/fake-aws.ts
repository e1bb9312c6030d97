import type { AwsApis } from '../../src/aws/apis.js';
import type { CallRecorder } from '../../src/aws/call-record.js';
import { DrillproofError } from '../../src/errors.js';

/**
 * An in-memory AWS for engine unit tests: EC2 instances with states, one target group, one
 * Multi-AZ DB instance, STS. Calls are recorded like the real API layer records them. Methods
 * can be overridden per test to produce failures.
 */
export interface FakeInstance {
  id: string;
  az: string;
  state: string;
  tags?: Record<string, string>;
}

export function fakeAws(
  opts: { instances?: FakeInstance[]; account?: string; db?: { id: string; multiAz: boolean; az: string } } = {},
  record: CallRecorder = () => {},
) {
  const instances = new Map((opts.instances ?? []).map((i) => [i.id, { ...i }]));
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
  const dry = () => {
    throw DrillproofError.aws('AwsDryRunOk', 'would have succeeded', { details: { awsCode: 'DryRunOperation' } });
  };
  const describe = (ids?: string[]) => ({
    Reservations: [
      {
        Instances: [...instances.values()]
          .filter((i) => !ids || ids.includes(i.id))
          .map((i) => ({
            InstanceId: i.id,
            State: { Name: i.state as 'running' },
            Placement: { AvailabilityZone: i.az },
            Tags: Object.entries(i.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
          })),
      },
    ],
  });
  const set = (ids: string[] | undefined, state: string) => {
    for (const id of ids ?? []) {
      const inst = instances.get(id);
      if (!inst)
        throw DrillproofError.user('AwsResourceNotFound', `no instance ${id}`, {
          details: { awsCode: 'InvalidInstanceID.NotFound' },
        });
      inst.state = state;
    }
  };
  const db = opts.db ? { ...opts.db, status: 'available' } : null;
  const aws = {
    region: 'us-east-1',
    ec2: {
      describeInstances: wrap('ec2', 'DescribeInstances', (i: { InstanceIds?: string[] }) => describe(i.InstanceIds)),
      stopInstances: wrap('ec2', 'StopInstances', (i: { InstanceIds?: string[]; DryRun?: boolean }) => {
        if (i.DryRun) dry();
        set(i.InstanceIds, 'stopped');
        return { StoppingInstances: [] };
      }),
      startInstances: wrap('ec2', 'StartInstances', (i: { InstanceIds?: string[]; DryRun?: boolean }) => {
        if (i.DryRun) dry();
        set(i.InstanceIds, 'running');
        return {};
      }),
      rebootInstances: wrap('ec2', 'RebootInstances', (i: { DryRun?: boolean }) => (i.DryRun ? dry() : {})),
      terminateInstances: wrap('ec2', 'TerminateInstances', (i: { InstanceIds?: string[]; DryRun?: boolean }) => {
        if (i.DryRun) dry();
        set(i.InstanceIds, 'terminated');
        return {};
      }),
    },
    elbv2: {
      describeTargetHealth: wrap('elbv2', 'DescribeTargetHealth', () => ({ TargetHealthDescriptions: [] })),
      describeTargetGroups: wrap('elbv2', 'DescribeTargetGroups', () => ({ TargetGroups: [] })),
      registerTargets: wrap('elbv2', 'RegisterTargets', () => ({})),
      deregisterTargets: wrap('elbv2', 'DeregisterTargets', () => ({})),
    },
    rds: {
      describeDBInstances: wrap('rds', 'DescribeDBInstances', (i: { DBInstanceIdentifier?: string }) => {
        if (!db || i.DBInstanceIdentifier !== db.id) {
          throw DrillproofError.user('AwsResourceNotFound', `DB ${i.DBInstanceIdentifier} not found`, {
            details: { awsCode: 'DBInstanceNotFound' },
          });
        }
        return {
          DBInstances: [
            { DBInstanceIdentifier: db.id, DBInstanceStatus: db.status, MultiAZ: db.multiAz, AvailabilityZone: db.az },
          ],
        };
      }),
      describeDBClusters: wrap('rds', 'DescribeDBClusters', () => ({ DBClusters: [] })),
      describeDBSnapshots: wrap('rds', 'DescribeDBSnapshots', () => ({ DBSnapshots: [] })),
      describeEvents: wrap('rds', 'DescribeEvents', () => ({ Events: [] })),
      rebootDBInstance: wrap('rds', 'RebootDBInstance', () => ({})),
      failoverDBCluster: wrap('rds', 'FailoverDBCluster', () => ({})),
      restoreDBInstanceFromDBSnapshot: wrap('rds', 'RestoreDBInstanceFromDBSnapshot', () => ({})),
      restoreDBInstanceToPointInTime: wrap('rds', 'RestoreDBInstanceToPointInTime', () => ({})),
      deleteDBInstance: wrap('rds', 'DeleteDBInstance', () => ({})),
    },
    fis: {
      createExperimentTemplate: wrap('fis', 'CreateExperimentTemplate', () => ({})),
      deleteExperimentTemplate: wrap('fis', 'DeleteExperimentTemplate', () => ({})),
      getExperimentTemplate: wrap('fis', 'GetExperimentTemplate', () => ({})),
      startExperiment: wrap('fis', 'StartExperiment', () => ({})),
      getExperiment: wrap('fis', 'GetExperiment', () => ({})),
      stopExperiment: wrap('fis', 'StopExperiment', () => ({})),
      listExperiments: wrap('fis', 'ListExperiments', () => ({ experiments: [] })),
    },
    sts: {
      getCallerIdentity: wrap('sts', 'GetCallerIdentity', () => ({
        Account: opts.account ?? '000000000000',
        Arn: 'arn:aws:iam::000000000000:user/test',
      })),
    },
    cloudwatch: { describeAlarms: wrap('cloudwatch', 'DescribeAlarms', () => ({ MetricAlarms: [] })) },
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
  return { aws: aws as unknown as AwsApis, instances, calls };
}
