import { DrillproofError } from '../../src/errors.js';

/** One replication group of the in-memory AWS: node groups with their members, the first primary. */
export interface FakeReplicationGroup {
  id: string;
  clusterMode?: boolean;
  status?: string;
  nodeGroups: { id: string; members: string[] }[];
}

export type CacheGroupState = Required<FakeReplicationGroup> & {
  primaries: Map<string, string>;
  tags?: Record<string, string>;
};

type Wrap = <I, O>(
  service: string,
  op: string,
  fn: (i: I) => O,
) => (i: I) => Promise<O & { $metadata: { requestId: string; attempts: number } }>;

export function cacheGroupsOf(groups: FakeReplicationGroup[] = []): Map<string, CacheGroupState> {
  return new Map(
    groups.map((g) => [
      g.id,
      {
        clusterMode: false,
        status: 'available',
        ...g,
        primaries: new Map(g.nodeGroups.map((ng) => [ng.id, ng.members[0] as string])),
      },
    ]),
  );
}

/**
 * ElastiCache of the in-memory AWS: TestFailover promotes the node group's next member at once
 * (the group stays `available`) and logs the cache events AWS logs; roles (CurrentRole) only with
 * cluster mode off, as AWS reports them.
 */
export function elasticacheApi(wrap: Wrap, groups: Map<string, CacheGroupState>) {
  const events: { SourceIdentifier: string; SourceType: string; Message: string; Date: Date }[] = [];
  const get = (id: string | undefined) => {
    const g = groups.get(id ?? '');
    if (!g) {
      throw DrillproofError.user('AwsResourceNotFound', `replication group ${id} not found`, {
        details: { awsCode: 'ReplicationGroupNotFoundFault' },
      });
    }
    return g;
  };
  const byArn = (arn: string) => get(/:replicationgroup:(.+)$/.exec(arn)?.[1]);
  const tagsOf = (arn: string) => Object.entries(byArn(arn).tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const xml = (g: CacheGroupState) => ({
    ReplicationGroupId: g.id,
    Status: g.status,
    ClusterEnabled: g.clusterMode,
    AutomaticFailover: 'enabled',
    ARN: `arn:aws:elasticache:us-east-1:000000000000:replicationgroup:${g.id}`,
    MemberClusters: g.nodeGroups.flatMap((n) => n.members),
    NodeGroups: g.nodeGroups.map((ng) => ({
      NodeGroupId: ng.id,
      Status: g.status,
      NodeGroupMembers: ng.members.map((m) => ({
        CacheClusterId: m,
        ...(g.clusterMode ? {} : { CurrentRole: g.primaries.get(ng.id) === m ? 'primary' : 'replica' }),
      })),
    })),
  });
  return {
    describeReplicationGroups: wrap(
      'elasticache',
      'DescribeReplicationGroups',
      (i: { ReplicationGroupId?: string }) => ({
        ReplicationGroups: i.ReplicationGroupId ? [xml(get(i.ReplicationGroupId))] : [...groups.values()].map(xml),
      }),
    ),
    testFailover: wrap('elasticache', 'TestFailover', (i: { ReplicationGroupId?: string; NodeGroupId?: string }) => {
      const g = get(i.ReplicationGroupId);
      const ng = g.nodeGroups.find((n) => n.id === i.NodeGroupId);
      if (!ng) {
        throw DrillproofError.user('AwsResourceNotFound', `node group ${i.NodeGroupId} not found`, {
          details: { awsCode: 'NodeGroupNotFoundFault' },
        });
      }
      const old = g.primaries.get(ng.id) as string;
      const next = ng.members[(ng.members.indexOf(old) + 1) % ng.members.length] as string;
      g.primaries.set(ng.id, next);
      const at = new Date();
      const ev = (Message: string) =>
        events.unshift({ SourceIdentifier: g.id, SourceType: 'replication-group', Message, Date: at });
      ev(`Test Failover API called for node group ${ng.id}`);
      ev(`Failover from primary node ${old} to replica node ${next} completed`);
      return { ReplicationGroup: xml(g) };
    }),
    // Tags on the group's ARN (the drill's lease), as the lab answers them.
    listTagsForResource: wrap('elasticache', 'ListTagsForResource', (i: { ResourceName: string }) => ({
      TagList: tagsOf(i.ResourceName),
    })),
    addTagsToResource: wrap(
      'elasticache',
      'AddTagsToResource',
      (i: { ResourceName: string; Tags?: { Key?: string; Value?: string }[] }) => {
        const g = byArn(i.ResourceName);
        g.tags = { ...g.tags };
        for (const t of i.Tags ?? []) g.tags[t.Key ?? ''] = t.Value ?? '';
        return { TagList: tagsOf(i.ResourceName) };
      },
    ),
    removeTagsFromResource: wrap(
      'elasticache',
      'RemoveTagsFromResource',
      (i: { ResourceName: string; TagKeys?: string[] }) => {
        const g = byArn(i.ResourceName);
        for (const k of i.TagKeys ?? []) delete g.tags?.[k];
        return { TagList: tagsOf(i.ResourceName) };
      },
    ),
    describeEvents: wrap(
      'elasticache',
      'DescribeEvents',
      (i: { SourceType?: string; SourceIdentifier?: string; StartTime?: Date }) => ({
        Events: events.filter(
          (e) =>
            (!i.SourceType || e.SourceType === i.SourceType) &&
            (!i.SourceIdentifier || e.SourceIdentifier === i.SourceIdentifier) &&
            (!i.StartTime || e.Date.getTime() >= i.StartTime.getTime()),
        ),
      }),
    ),
  };
}
