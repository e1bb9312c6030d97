import { DrillproofError } from '../../errors.js';
import { instancesOf } from '../preflight-resources.js';
import { dryRunCheck } from './dry-run.js';
import { startInverse } from './ec2.js';
import { fisExperimentRuntime } from './fis.js';
import { dbOf } from './rds.js';
import type { FaultAction, FaultContext, FaultRuntime } from './types.js';

/**
 * az-impairment: the FTR minimum. Stops every selected web instance in one AZ, fails the
 * database over away from that AZ when its primary is there, and optionally disrupts the AZ's
 * subnets with a FIS network action. Each part is its own step with its own inverse.
 */
export const azImpairmentRuntime: FaultRuntime = {
  type: 'az-impairment',
  iamActions: [
    'ec2:StopInstances',
    'ec2:StartInstances',
    'ec2:DescribeInstances',
    'rds:RebootDBInstance',
    'rds:FailoverDBCluster',
    'rds:DescribeDBInstances',
    'rds:DescribeEvents',
  ],
  async prepare(step, ctx) {
    const az = step.az as string | undefined;
    if (!az) throw DrillproofError.user('AzMissing', `fault ${step.id} needs az (e.g. us-east-1a)`);
    const refs = (step.resources as string[] | undefined) ?? (step.resource ? [step.resource] : []);
    const ids = refs.flatMap((r) =>
      instancesOf(ctx.resources.get(r), r)
        .filter((i) => i.az === az)
        .map((i) => i.id),
    );
    const actions: FaultAction[] = [];
    if (ids.length) {
      const tgs = refs
        .map((r) => ctx.resources.get(r))
        .flatMap((r) => (r?.type === 'ec2-instance' && r.targetGroup ? [r.targetGroup] : []));
      actions.push({
        stepId: `${step.id}.stop`,
        fault: step.type,
        action: 'ec2:StopInstances',
        targets: ids,
        inverse: startInverse(ids, ctx.aws.region),
        preflight: async (c) => [
          await dryRunCheck('ec2:StopInstances', () => c.aws.ec2.stopInstances({ InstanceIds: ids, DryRun: true })),
          await dryRunCheck('ec2:StartInstances', () => c.aws.ec2.startInstances({ InstanceIds: ids, DryRun: true })),
        ],
        run: async (c) => {
          const res = await c.aws.ec2.stopInstances({ InstanceIds: ids, Force: true });
          return { requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [] };
        },
        watch: [
          { source: 'ec2', instanceIds: ids },
          ...[...new Set(tgs)].map((arn) => ({ source: 'elbv2' as const, targetGroupArn: arn })),
        ],
      });
    }
    if (typeof step.database === 'string') {
      const res = ctx.resources.get(step.database);
      if (res?.type === 'aurora-cluster') {
        const c = dbOf({ ...step, resource: step.database }, ctx, 'aurora-cluster');
        actions.push({
          stepId: `${step.id}.failover`,
          fault: step.type,
          action: 'rds:FailoverDBCluster',
          targets: [c.id],
          inverse: {
            action: 'rds.await-available',
            params: { id: c.id, kind: 'cluster' },
            description: `wait for cluster ${c.id} to be available`,
            manualSteps: [`aws rds describe-db-clusters --region ${ctx.aws.region} --db-cluster-identifier ${c.id}`],
          },
          preflight: async () => [
            {
              check: 'replica present',
              ok: c.members.some((m) => !m.writer),
              detail: `${c.members.filter((m) => !m.writer).length} reader(s) in ${c.id}`,
            },
          ],
          run: async (cx) => {
            const r = await cx.aws.rds.failoverDBCluster({ DBClusterIdentifier: c.id });
            return { requestIds: r.$metadata.requestId ? [r.$metadata.requestId] : [] };
          },
          watch: [{ source: 'rds', sourceType: 'db-cluster', id: c.id }],
        });
      } else {
        const db = dbOf({ ...step, resource: step.database }, ctx, 'rds-instance');
        const primaryHere = db.az === az;
        actions.push({
          stepId: `${step.id}.failover`,
          fault: step.type,
          action: 'rds:RebootDBInstance',
          targets: [db.id],
          inverse: {
            action: 'rds.await-available',
            params: { id: db.id, kind: 'instance' },
            description: `wait for ${db.id} to be available`,
            manualSteps: [`aws rds describe-db-instances --region ${ctx.aws.region} --db-instance-identifier ${db.id}`],
          },
          preflight: async () => [
            {
              check: 'multi-az',
              ok: db.multiAz,
              detail: db.multiAz
                ? `${db.id} is Multi-AZ (primary ${db.az ?? '?'}, standby ${db.secondaryAz ?? '?'})`
                : `${db.id} is not Multi-AZ: it cannot fail over away from ${az}`,
              ...(db.multiAz ? {} : { hint: 'enable Multi-AZ on the instance' }),
            },
          ],
          run: async (cx) => {
            if (!primaryHere) {
              // The primary is already outside the impaired AZ: a real AZ loss would not fail it over.
              return { requestIds: [], response: { skipped: `primary of ${db.id} is in ${db.az}, not ${az}` } };
            }
            const r = await cx.aws.rds.rebootDBInstance({ DBInstanceIdentifier: db.id, ForceFailover: true });
            return { requestIds: r.$metadata.requestId ? [r.$metadata.requestId] : [] };
          },
          watch: [
            { source: 'rds', sourceType: 'db-instance', id: db.id },
            ...(db.endpoint ? [{ source: 'dns' as const, hostname: db.endpoint.host }] : []),
          ],
        });
      }
    }
    if (step.fis === true) return viaFis(step.id, step.type, az, actions, ctx);
    if (actions.length === 0) {
      throw DrillproofError.user('AzNothingToImpair', `fault ${step.id}: nothing selected runs in ${az}`, {
        exitCode: 3,
        hint: 'check az and the resources list; at least one selected instance or the database must be there',
      });
    }
    return actions;
  },
};

/**
 * `fis: true`: the same impairment injected by one AWS FIS experiment (aws:ec2:stop-instances on
 * the AZ's instances, aws:rds:reboot-db-instances with forceFailover or aws:rds:failover-db-cluster),
 * so the drill also proves the FIS setup. The instances stay stopped after the experiment, so the
 * start-instances inverse is kept (recorded first, drained last) next to the experiment's own.
 */
async function viaFis(
  id: string,
  type: string,
  az: string,
  direct: FaultAction[],
  ctx: FaultContext,
): Promise<FaultAction[]> {
  const account = ctx.account ?? '000000000000';
  const region = ctx.aws.region;
  const stop = direct.find((a) => a.stepId.endsWith('.stop'));
  const failover = direct.find((a) => a.stepId.endsWith('.failover'));
  const targets: Record<string, unknown> = {};
  const fisActions: Record<string, unknown> = {};
  if (stop) {
    targets.instances = {
      resourceType: 'aws:ec2:instance',
      resourceArns: stop.targets.map((i) => `arn:aws:ec2:${region}:${account}:instance/${i}`),
      selectionMode: 'ALL',
    };
    fisActions.stopInstances = {
      actionId: 'aws:ec2:stop-instances',
      parameters: {},
      targets: { Instances: 'instances' },
    };
  }
  if (failover) {
    const cluster = failover.action === 'rds:FailoverDBCluster';
    const dbId = failover.targets[0] as string;
    targets.database = {
      resourceType: cluster ? 'aws:rds:cluster' : 'aws:rds:db',
      resourceArns: [`arn:aws:rds:${region}:${account}:${cluster ? 'cluster' : 'db'}:${dbId}`],
      selectionMode: 'ALL',
    };
    fisActions.failover = cluster
      ? { actionId: 'aws:rds:failover-db-cluster', parameters: {}, targets: { Clusters: 'database' } }
      : {
          actionId: 'aws:rds:reboot-db-instances',
          parameters: { forceFailover: 'true' },
          targets: { DBInstances: 'database' },
        };
  }
  const template = {
    description: `drillproof az-impairment of ${az}`,
    roleArn: ctx.env.DRILLPROOF_FIS_ROLE_ARN ?? `arn:aws:iam::${account}:role/drillproof-fis`,
    stopConditions: [{ source: 'none' }],
    targets,
    actions: fisActions,
    tags: {},
  };
  const [experiment] = await fisExperimentRuntime.prepare({ id: `${id}.fis`, type, template }, ctx);
  const out: FaultAction[] = [];
  if (stop) {
    // Only the undo: the stop itself is the experiment's aws:ec2:stop-instances action.
    out.push({
      ...stop,
      stepId: `${id}.restart`,
      action: 'fis:aws:ec2:stop-instances',
      run: async () => ({ requestIds: [], response: { via: 'fis experiment', instances: stop.targets } }),
    });
  }
  if (experiment) out.push(experiment);
  return out;
}
