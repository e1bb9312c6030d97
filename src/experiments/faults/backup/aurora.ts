import { z } from 'zod';
import { DrillproofError } from '../../../errors.js';
import { defineInverse, requestIds } from '../inverse.js';
import { waitDbAvailable } from '../rds/await-available.js';
import { deleteInstance } from '../rds/restore.js';
import type { FaultContext, InverseSpec } from '../types.js';
import { deleteUntilGone } from '../wait.js';

/**
 * Deletes a restored Aurora cluster: first every DB instance in it (DescribeDBInstances filtered
 * by db-cluster-id; each deleted as rds.delete-instance does, waiting out a `creating` one), then
 * the cluster with SkipFinalSnapshot, retried while RDS still counts instances in it
 * (InvalidDBClusterStateFault), then waits until DescribeDBClusters no longer knows it. A cluster
 * that is gone already (or was never made: the restore job failed) is a success.
 */
export const deleteRestoredCluster = defineInverse({
  action: 'rds.delete-restored-cluster',
  params: z.object({ cluster: z.string() }),
  async run(ctx, { cluster }) {
    const rids: string[] = [];
    const members = await ctx.aws.rds.describeDBInstances({ Filters: [{ Name: 'db-cluster-id', Values: [cluster] }] });
    rids.push(...requestIds(members));
    for (const db of members.DBInstances ?? []) {
      if (!db.DBInstanceIdentifier) continue;
      ctx.note?.(`deleting DB instance ${db.DBInstanceIdentifier} of restored cluster ${cluster}`);
      rids.push(...(await deleteInstance.run(ctx, { id: db.DBInstanceIdentifier })));
    }
    rids.push(
      ...(await deleteUntilGone({
        remove: () => ctx.aws.rds.deleteDBCluster({ DBClusterIdentifier: cluster, SkipFinalSnapshot: true }),
        exists: async () =>
          ((await ctx.aws.rds.describeDBClusters({ DBClusterIdentifier: cluster })).DBClusters ?? []).length > 0,
        what: `DB cluster ${cluster}`,
        poll: { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs },
      })),
    );
    return rids;
  },
});

export function deleteRestoredClusterSpec(cluster: string, region: string): InverseSpec {
  return deleteRestoredCluster.spec({ cluster }, `delete the instances of restored cluster ${cluster}, then it`, [
    `aws rds describe-db-instances --region ${region} --filters Name=db-cluster-id,Values=${cluster} --query 'DBInstances[].DBInstanceIdentifier'  # delete each: aws rds delete-db-instance --db-instance-identifier <id>`,
    `aws rds delete-db-cluster --region ${region} --db-cluster-identifier ${cluster} --skip-final-snapshot`,
  ]);
}

/** What the Aurora path learned: the cluster as the restore left it, and the instance the drill made. */
export interface AuroraFacts {
  cluster: string;
  /** DBClusterMembers when the restore job completed (AWS Backup restores the cluster only: none). */
  membersAtRestore: string[];
  instance: string;
  instanceClass: string;
  engine?: string;
}

/**
 * After the restore job: the cluster is available and empty; CreateDBInstance adds `instance` to it
 * (the recorded undo deletes every instance of the cluster, so it covers this one), waits until it
 * is available and answers with the cluster (writer) endpoint, where verification reads.
 */
export async function serveRestoredCluster(
  c: FaultContext,
  o: { cluster: string; instance: string; instanceClass: string },
  facts: (f: AuroraFacts) => void,
): Promise<{ host: string; port: number }> {
  await waitDbAvailable(c, o.cluster, 'cluster', c.signal);
  const before = (await c.aws.rds.describeDBClusters({ DBClusterIdentifier: o.cluster })).DBClusters?.[0];
  const f: AuroraFacts = {
    ...o,
    membersAtRestore: (before?.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '?'),
    ...(before?.Engine ? { engine: before.Engine } : {}),
  };
  facts(f);
  if (!before?.Engine) throw DrillproofError.aws('RestoreClusterEngine', `restored cluster ${o.cluster} has no engine`);
  await c.aws.rds.createDBInstance({
    DBInstanceIdentifier: o.instance,
    DBClusterIdentifier: o.cluster,
    DBInstanceClass: o.instanceClass,
    Engine: before.Engine,
  });
  await waitDbAvailable(c, o.instance, 'instance', c.signal);
  const after = (await c.aws.rds.describeDBClusters({ DBClusterIdentifier: o.cluster })).DBClusters?.[0];
  if (!after?.Endpoint) throw DrillproofError.aws('RestoreNoEndpoint', `restored cluster ${o.cluster} has no endpoint`);
  return { host: after.Endpoint, port: after.Port ?? 5432 };
}
