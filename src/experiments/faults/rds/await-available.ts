import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { call, type PlanContext } from '../../plan/context.js';
import type { FaultPlan, PlanInverse } from '../../plan/types.js';
import { defineInverse } from '../inverse.js';
import { M, S } from '../step.js';
import type { InverseContext } from '../types.js';
import { pollUntil } from '../wait.js';

/** Polls the DB instance or cluster until it is `available` (a restore, a failover's end). */
export async function waitDbAvailable(
  ctx: InverseContext,
  id: string,
  kind: 'instance' | 'cluster',
  signal?: AbortSignal,
): Promise<void> {
  await pollUntil(
    async () => {
      const status =
        kind === 'cluster'
          ? (await ctx.aws.rds.describeDBClusters({ DBClusterIdentifier: id })).DBClusters?.[0]?.Status
          : (await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: id })).DBInstances?.[0]?.DBInstanceStatus;
      if (status === 'failed' || status === 'deleting' || status === 'incompatible-restore') {
        throw DrillproofError.aws('DbUnavailable', `DB ${kind} ${id} is ${status}`);
      }
      return status === 'available' ? true : undefined;
    },
    {
      clock: ctx.clock,
      intervalMs: ctx.pollMs,
      timeoutMs: ctx.waitTimeoutMs,
      ...(signal ? { signal } : {}),
      what: `DB ${kind} ${id} to be available`,
    },
  );
}

/**
 * The "undo" of a failover: nothing is failed back (the former standby stays primary); rollback
 * waits until the database is available again, so the steady-state check after it is fair.
 */
export const awaitAvailable = defineInverse({
  action: 'rds.await-available',
  params: z.object({ id: z.string(), kind: z.enum(['instance', 'cluster']) }),
  async run(ctx, { id, kind }) {
    await waitDbAvailable(ctx, id, kind);
    return [];
  },
});

export function awaitInstanceSpec(id: string, region: string) {
  return awaitAvailable.spec({ id, kind: 'instance' }, `wait for ${id} to be available`, [
    `aws rds describe-db-instances --region ${region} --db-instance-identifier ${id}`,
  ]);
}

export function awaitClusterSpec(id: string, region: string) {
  return awaitAvailable.spec({ id, kind: 'cluster' }, `wait for cluster ${id} to be available`, [
    `aws rds describe-db-clusters --region ${region} --db-cluster-identifier ${id}`,
  ]);
}

/** The plan's description of the wait. */
export function awaitAvailablePlan(kind: 'instance' | 'cluster'): PlanInverse {
  return {
    description: `wait until the DB ${kind} is available again (nothing is failed back)`,
    awsCalls: [
      call('rds', kind === 'cluster' ? 'DescribeDBClusters' : 'DescribeDBInstances', ['*'], { note: 'status' }),
    ],
  };
}

/** A failover's plan of its undo: the wait in words and calls, its journal name, how long it takes. */
export function awaitAvailablePlanParts(
  ctx: PlanContext,
  kind: 'instance' | 'cluster',
): Pick<FaultPlan, 'inverse' | 'inverseActions' | 'inverseMs'> {
  return {
    inverse: awaitAvailablePlan(kind),
    inverseActions: [awaitAvailable.action],
    inverseMs: ctx.lab ? { typical: 1 * S, max: 30 * S } : { typical: 10 * S, max: 5 * M },
  };
}
