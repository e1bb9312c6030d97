import { z } from 'zod';
import type { ElastiCacheApi } from '../../aws/apis.js';
import { strict, text } from '../../scenario/common.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { missing, rethrowMissing } from './missing.js';

export const replicationGroupSelector = strict({
  type: z.literal('elasticache-replication-group'),
  id: text.meta({ description: 'Replication group id (console: the Redis OSS / Valkey cluster name).' }),
}).meta({ description: 'An ElastiCache for Redis OSS / Valkey replication group, cluster mode off or on.' });

export interface ResolvedNodeGroup {
  id: string;
  /** The primary's cache cluster id; null when AWS does not say (cluster mode on has no CurrentRole). */
  primary: string | null;
  members: { id: string; role: string | null; az: string | null }[];
}

export interface ResolvedReplicationGroup {
  name: string;
  type: 'elasticache-replication-group';
  id: string;
  arn: string | null;
  status: string;
  clusterMode: boolean;
  automaticFailover: string;
  nodeGroups: ResolvedNodeGroup[];
  /** Primary endpoint (cluster mode off) or configuration endpoint (cluster mode on). */
  endpoint: { host: string; port: number } | null;
}

/** `arn:aws:elasticache:<region>:<account>:replicationgroup:<id>`. */
export function replicationGroupArns(ctx: PlanContext, id: string | undefined): string[] {
  return arns(ctx, 'elasticache', `replicationgroup:${known(id) ? id : '*'}`);
}

type Group = NonNullable<Awaited<ReturnType<ElastiCacheApi['describeReplicationGroups']>>['ReplicationGroups']>[number];

/** The node groups of a DescribeReplicationGroups answer, with each group's primary where AWS names it. */
export function nodeGroupsOf(g: Group): ResolvedNodeGroup[] {
  return (g.NodeGroups ?? []).map((ng) => {
    const members = (ng.NodeGroupMembers ?? []).map((m) => ({
      id: m.CacheClusterId ?? '?',
      role: m.CurrentRole ?? null,
      az: m.PreferredAvailabilityZone ?? null,
    }));
    return { id: ng.NodeGroupId ?? '?', primary: members.find((m) => m.role === 'primary')?.id ?? null, members };
  });
}

export const replicationGroupResource = defineResource({
  type: 'elasticache-replication-group',
  schema: replicationGroupSelector,
  async resolve(aws, name, sel): Promise<ResolvedReplicationGroup> {
    const res = await aws.elasticache
      .describeReplicationGroups({ ReplicationGroupId: sel.id })
      .catch((err) => rethrowMissing(err, name));
    const g = res.ReplicationGroups?.[0];
    if (!g) throw missing(name, `replication group ${sel.id} not found`);
    const clusterMode = g.ClusterEnabled === true || g.ClusterMode === 'enabled';
    const ep = clusterMode ? g.ConfigurationEndpoint : g.NodeGroups?.[0]?.PrimaryEndpoint;
    return {
      name,
      type: 'elasticache-replication-group',
      id: sel.id,
      arn: g.ARN ?? null,
      status: g.Status ?? 'unknown',
      clusterMode,
      automaticFailover: g.AutomaticFailover ?? 'unknown',
      nodeGroups: nodeGroupsOf(g),
      endpoint: ep?.Address ? { host: ep.Address, port: ep.Port ?? 6379 } : null,
    };
  },
  describe: (r) => `ElastiCache replication group ${r.id}`,
  describeResolved: (r) =>
    `${r.id} ${r.status} cluster mode ${r.clusterMode ? 'on' : 'off'}, ${r.nodeGroups.length} node group(s), automatic failover ${r.automaticFailover}`,
  arns: (ctx, sel) => replicationGroupArns(ctx, sel?.id),
});
