import { z } from 'zod';
import { strict, text } from '../../../scenario/common.js';
import { call, type PlanContext, tagged } from '../../plan/context.js';
import type { AwsCall } from '../../plan/types.js';
import { dbClusterArns, type ResolvedDbCluster } from '../../resources/aurora-cluster.js';
import { resolvedOf, selectorOf } from '../../resources/registry.js';
import { confirmByAction, defineFault } from '../definition.js';
import { requestIds } from '../inverse.js';
import { planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction } from '../types.js';
import { awaitAvailable, awaitAvailablePlanParts, awaitClusterSpec } from './await-available.js';
import { clusterFailedOver } from './confirm.js';
import { rdsEventsCall } from './failover.js';

export const auroraFailoverFault = strict({
  ...stepShape,
  type: z.literal('aurora-failover'),
  resource: resourceName,
  targetInstance: text.optional().meta({ description: 'Replica to promote (default: Aurora chooses).' }),
}).meta({ description: 'Fail over an Aurora cluster to a replica.' });

/** FailoverDBCluster (optionally to one replica), its wait-until-available inverse journaled first. */
export function clusterFailoverAction(
  c: ResolvedDbCluster,
  o: { stepId: string; fault: string; region: string; target?: string },
): FaultAction {
  const target = o.target;
  const replicas = c.members.filter((m) => !m.writer);
  return {
    stepId: o.stepId,
    fault: o.fault,
    action: 'rds:FailoverDBCluster',
    targets: [c.id],
    inverse: awaitClusterSpec(c.id, o.region),
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
    run: async (cx) => ({
      requestIds: requestIds(
        await cx.aws.rds.failoverDBCluster({
          DBClusterIdentifier: c.id,
          ...(target ? { TargetDBInstanceIdentifier: target } : {}),
        }),
      ),
    }),
    watch: [
      { source: 'rds', sourceType: 'db-cluster', id: c.id },
      ...(c.endpoint ? [{ source: 'dns' as const, hostname: c.endpoint.host }] : []),
    ],
    basis: () => ({ writer: c.members.find((m) => m.writer)?.id ?? null }),
  };
}

export function clusterFailoverCall(ctx: PlanContext, id: string | undefined, target?: string, note?: string): AwsCall {
  return call('rds', 'FailoverDBCluster', dbClusterArns(ctx, id), {
    ...tagged(ctx),
    ...(target !== undefined ? { params: { TargetDBInstanceIdentifier: target } } : note ? {} : { params: {} }),
    ...(note ? { note } : {}),
  });
}

/** aurora-failover: FailoverDBCluster (optional target replica). Undo = wait until available. */
export const auroraFailoverDefinition = defineFault({
  type: 'aurora-failover',
  schema: auroraFailoverFault,
  resourceRefs: [{ key: 'resource', types: ['aurora-cluster'] }],
  plan(f, ctx) {
    const id = selectorOf(ctx.resources, f.resource, 'aurora-cluster')?.id;
    return {
      title: `fail over Aurora cluster ${id ?? f.resource}`,
      description: `Promotes ${f.targetInstance ? `replica ${f.targetInstance}` : 'a replica'} to writer.`,
      targets: [planTarget(ctx, f.resource)],
      preflight: [call('rds', 'DescribeDBClusters', ['*'], { note: 'cluster available with at least one replica' })],
      inject: [clusterFailoverCall(ctx, id, f.targetInstance)],
      watch: [rdsEventsCall, call('rds', 'DescribeDBClusters', ['*'], { note: 'writer and members' })],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 5 * S : 30 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      ...awaitAvailablePlanParts(ctx, 'cluster'),
      notes: ['the promoted replica stays writer'],
    };
  },
  async prepare(step, ctx) {
    const c = resolvedOf(ctx.resources, step.resource, 'aurora-cluster', `fault ${step.id} (${step.type})`);
    return [
      clusterFailoverAction(c, {
        stepId: step.id,
        fault: step.type,
        region: ctx.aws.region,
        ...(step.targetInstance ? { target: step.targetInstance } : {}),
      }),
    ];
  },
  inverses: [awaitAvailable],
  affects: (step) => [step.resource],
  confirm: confirmByAction({ 'rds:FailoverDBCluster': clusterFailedOver }),
});
