import { DrillproofError } from '../../errors.js';
import type { ResolvedResource } from '../preflight-resources.js';
import type { FaultContext, FaultRuntime, FaultStep } from './types.js';

type DbInstance = Extract<ResolvedResource, { type: 'rds-instance' }>;
type DbCluster = Extract<ResolvedResource, { type: 'aurora-cluster' }>;

function dbOf(step: FaultStep, ctx: FaultContext, type: 'rds-instance'): DbInstance;
function dbOf(step: FaultStep, ctx: FaultContext, type: 'aurora-cluster'): DbCluster;
function dbOf(step: FaultStep, ctx: FaultContext, type: 'rds-instance' | 'aurora-cluster'): DbInstance | DbCluster {
  const ref = step.resource ?? '';
  const res = ctx.resources.get(ref);
  if (!res)
    throw DrillproofError.user('ResourceUnknown', `fault ${step.id} refers to resource ${ref}, which is not defined`);
  if (res.type !== type) {
    throw DrillproofError.user('ResourceWrongType', `resource ${ref} is ${res.type}; fault ${step.type} needs ${type}`);
  }
  return res as DbInstance | DbCluster;
}

/** rds-failover: RebootDBInstance with ForceFailover. Undo = wait until available again. */
export const rdsFailoverRuntime: FaultRuntime = {
  type: 'rds-failover',
  iamActions: ['rds:RebootDBInstance', 'rds:DescribeDBInstances', 'rds:DescribeEvents'],
  async prepare(step, ctx) {
    const db = dbOf(step, ctx, 'rds-instance');
    return [
      {
        stepId: step.id,
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
              : `${db.id} is not Multi-AZ: a forced failover is impossible`,
            ...(db.multiAz ? {} : { hint: 'enable Multi-AZ on the instance or choose another fault' }),
          },
          { check: 'db available', ok: db.status === 'available', detail: `${db.id} is ${db.status}` },
        ],
        run: async (c) => {
          const res = await c.aws.rds.rebootDBInstance({ DBInstanceIdentifier: db.id, ForceFailover: true });
          return { requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [] };
        },
        watch: [
          { source: 'rds', sourceType: 'db-instance', id: db.id },
          ...(db.endpoint ? [{ source: 'dns' as const, hostname: db.endpoint.host }] : []),
        ],
      },
    ];
  },
};

/** aurora-failover: FailoverDBCluster (optional target replica). Undo = wait until available. */
export const auroraFailoverRuntime: FaultRuntime = {
  type: 'aurora-failover',
  iamActions: ['rds:FailoverDBCluster', 'rds:DescribeDBClusters', 'rds:DescribeEvents'],
  async prepare(step, ctx) {
    const c = dbOf(step, ctx, 'aurora-cluster');
    const target = step.targetInstance as string | undefined;
    const replicas = c.members.filter((m) => !m.writer);
    return [
      {
        stepId: step.id,
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
            ok: replicas.length > 0 && (!target || replicas.some((r) => r.id === target)),
            detail: target
              ? `target ${target} ${replicas.some((r) => r.id === target) ? 'is' : 'is not'} a reader of ${c.id}`
              : `${replicas.length} reader(s) in ${c.id}`,
          },
          { check: 'cluster available', ok: c.status === 'available', detail: `${c.id} is ${c.status}` },
        ],
        run: async (cx) => {
          const res = await cx.aws.rds.failoverDBCluster({
            DBClusterIdentifier: c.id,
            ...(target ? { TargetDBInstanceIdentifier: target } : {}),
          });
          return { requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [] };
        },
        watch: [
          { source: 'rds', sourceType: 'db-cluster', id: c.id },
          ...(c.endpoint ? [{ source: 'dns' as const, hostname: c.endpoint.host }] : []),
        ],
      },
    ];
  },
};

export { dbOf };
