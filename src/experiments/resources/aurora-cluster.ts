import { z } from 'zod';
import { strict, text } from '../../scenario/common.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { missing, rethrowMissing, tagsOf } from './missing.js';

export const auroraClusterSelector = strict({
  type: z.literal('aurora-cluster'),
  id: text.meta({ description: 'DB cluster identifier.' }),
}).meta({ description: 'An Aurora DB cluster.' });

export type AuroraClusterSelector = z.infer<typeof auroraClusterSelector>;

export interface ResolvedDbCluster {
  name: string;
  type: 'aurora-cluster';
  id: string;
  /** DBClusterArn (tag calls name the cluster by it, the lease among them). */
  arn?: string;
  status: string;
  members: { id: string; writer: boolean }[];
  endpoint: { host: string; port: number } | null;
  tags: Record<string, string>;
}

/** `arn:aws:rds:<region>:<account>:cluster:<id>`. */
export function dbClusterArns(ctx: PlanContext, id: string | undefined): string[] {
  return arns(ctx, 'rds', `cluster:${known(id) ? id : '*'}`);
}

export const auroraClusterResource = defineResource({
  type: 'aurora-cluster',
  schema: auroraClusterSelector,
  async resolve(aws, name, sel): Promise<ResolvedDbCluster> {
    const id = sel.id;
    const res = await aws.rds.describeDBClusters({ DBClusterIdentifier: id }).catch((err) => rethrowMissing(err, name));
    const c = res.DBClusters?.[0];
    if (!c) throw missing(name, `DB cluster ${id} not found`);
    return {
      name,
      type: 'aurora-cluster',
      id,
      ...(c.DBClusterArn ? { arn: c.DBClusterArn } : {}),
      status: c.Status ?? 'unknown',
      members: (c.DBClusterMembers ?? []).map((m) => ({
        id: m.DBInstanceIdentifier ?? '',
        writer: m.IsClusterWriter === true,
      })),
      endpoint: c.Endpoint ? { host: c.Endpoint, port: c.Port ?? 5432 } : null,
      tags: tagsOf(c.TagList),
    };
  },
  describe: (r) => `Aurora DB cluster ${r.id}`,
  describeResolved: (r) => `${r.id} ${r.status}, ${r.members.length} member(s)`,
  arns: (ctx, sel) => dbClusterArns(ctx, sel?.id),
});
