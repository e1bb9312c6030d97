import type { ResolvedReplicationGroup } from '../../resources/elasticache-replication-group.js';
import { nodeGroupsOf } from '../../resources/elasticache-replication-group.js';
import type { FaultConfirmation } from '../definition.js';
import type { FaultAction } from '../types.js';

/** When each TestFailover was sent (the events that count are the ones after it). */
export const injectedAt = new WeakMap<FaultAction, Date>();

/** `Failover from primary node A to replica node B completed` (older wording: `master node`). */
const FAILOVER_DONE = /^Failover from (?:primary|master) node (\S+) to replica node (\S+) completed/;

/**
 * The primary of the action's node group moved: DescribeReplicationGroups names another primary
 * than before (cluster mode off; AWS gives roles only there), or a cache event says the failover
 * from one of the node group's members completed after the call. One look, no waiting.
 */
export const failoverConfirmation: FaultConfirmation = {
  async check(action, ctx) {
    const [groupId, nodeGroupId] = (action.targets[0] ?? '').split('/');
    const before = [...ctx.resources.values()].find(
      (r): r is ResolvedReplicationGroup => r.type === 'elasticache-replication-group' && r.id === groupId,
    );
    const since = injectedAt.get(action);
    if (!groupId || !nodeGroupId || !before || !since) {
      return { status: 'not-confirmed', detail: `TestFailover on ${action.targets[0]} was not sent`, answers: [] };
    }
    const oldNg = before.nodeGroups.find((n) => n.id === nodeGroupId);
    const ids = new Set(oldNg?.members.map((m) => m.id) ?? []);
    const desc = await ctx.aws.elasticache.describeReplicationGroups({ ReplicationGroupId: groupId });
    const g = desc.ReplicationGroups?.[0];
    const nowNg = g ? nodeGroupsOf(g).find((n) => n.id === nodeGroupId) : undefined;
    const ev = await ctx.aws.elasticache.describeEvents({
      SourceType: 'replication-group',
      SourceIdentifier: groupId,
      StartTime: since,
    });
    const done = (ev.Events ?? [])
      .map((e) => ({ e, m: FAILOVER_DONE.exec(e.Message ?? '') }))
      .filter((x) => x.m && ids.has(x.m[1] as string));
    const answers = [
      { operation: 'DescribeReplicationGroups', nodeGroup: nowNg ?? null, status: g?.Status ?? null },
      { operation: 'DescribeEvents', events: (ev.Events ?? []).map((e) => ({ date: e.Date, message: e.Message })) },
    ];
    const moved = oldNg?.primary && nowNg?.primary && nowNg.primary !== oldNg.primary;
    if (moved || done.length > 0) {
      const how = moved
        ? `primary of ${groupId}/${nodeGroupId} moved from ${oldNg?.primary} to ${nowNg?.primary}`
        : `cache event: ${done[0]?.e.Message}`;
      return { status: 'confirmed', detail: how, answers };
    }
    return {
      status: 'not-confirmed',
      detail: `the primary of ${groupId}/${nodeGroupId} is still ${nowNg?.primary ?? oldNg?.primary ?? 'unknown'} and no failover-completed event since ${since.toISOString()}`,
      answers,
    };
  },
};
