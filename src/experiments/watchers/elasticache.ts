import type { AwsApis } from '../../aws/apis.js';
import type { WatchSpec } from '../faults/types.js';
import type { WatchEvent } from './pollers.js';

type Spec = Extract<WatchSpec, { source: 'elasticache' }>;

/**
 * The replication group's status, each node group's status, each member's role (cluster mode
 * off: AWS reports CurrentRole only there) and every cache event of the group and its member
 * clusters since the run started, once each (`seen`).
 */
export async function replicationGroupTimeline(
  aws: AwsApis,
  spec: Spec,
  since: Date,
  seen: Set<string>,
): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const id = spec.replicationGroupId;
  let members: string[] = [];
  try {
    const g = (await aws.elasticache.describeReplicationGroups({ ReplicationGroupId: id })).ReplicationGroups?.[0];
    out.push({ source: 'elasticache', resource: id, state: g?.Status ?? 'unknown' });
    members = g?.MemberClusters ?? [];
    for (const ng of g?.NodeGroups ?? []) {
      out.push({ source: 'elasticache', resource: `${id}/${ng.NodeGroupId}`, state: ng.Status ?? 'unknown' });
      for (const m of ng.NodeGroupMembers ?? []) {
        if (!m.CurrentRole) continue;
        out.push({
          source: 'elasticache',
          resource: `${id}/${ng.NodeGroupId}/${m.CacheClusterId}`,
          state: m.CurrentRole,
        });
      }
    }
  } catch {
    out.push({ source: 'elasticache', resource: id, state: 'absent' });
  }
  // One DescribeEvents per source type: the group's own events and those of its cache clusters.
  const [group, clusters] = await Promise.all([
    aws.elasticache.describeEvents({ SourceType: 'replication-group', SourceIdentifier: id, StartTime: since }),
    aws.elasticache.describeEvents({ SourceType: 'cache-cluster', StartTime: since }),
  ]);
  const events = [
    ...(group.Events ?? []),
    ...(clusters.Events ?? []).filter((e) => e.SourceIdentifier && members.includes(e.SourceIdentifier)),
  ].sort((a, b) => (a.Date?.getTime() ?? 0) - (b.Date?.getTime() ?? 0));
  for (const e of events) {
    const key = `${e.SourceIdentifier ?? ''}|${e.Date?.toISOString() ?? ''}|${e.Message ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      source: 'elasticache',
      resource: e.SourceIdentifier ?? id,
      state: 'event',
      ...(e.Message ? { message: e.Message } : {}),
      ...(e.Date ? { eventTime: e.Date.toISOString() } : {}),
    });
  }
  return out;
}
