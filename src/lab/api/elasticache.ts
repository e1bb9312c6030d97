import type { CacheEventLog, CacheSourceType } from '../elasticache/events.js';
import type { NodeGroupLab, ReplicationGroupLab } from '../elasticache/group.js';
import type { RedisNode } from '../elasticache/node.js';
import { type FailoverFault, LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { QueryService } from './protocol.js';
import type { QueryParams } from './query.js';
import { list, type XmlObject } from './xml.js';

const NODE_TYPE = 'cache.t4g.micro';
const ep = (port: number) => ({ Address: '127.0.0.1', Port: port });
const SOURCE_TYPES: CacheSourceType[] = [
  'cache-cluster',
  'cache-parameter-group',
  'cache-security-group',
  'cache-subnet-group',
  'replication-group',
  'serverless-cache',
  'serverless-cache-snapshot',
  'user',
  'user-group',
];

export interface ElastiCacheApiDeps {
  groups: ReplicationGroupLab[];
  events: CacheEventLog;
  engineVersion: string;
  /** The control-plane failover fault in force (`no-op`: TestFailover changes nothing). */
  failoverFault?: () => FailoverFault | undefined;
}

function page<T>(items: T[], p: QueryParams, def = 100): { items: T[]; marker?: string } {
  const max = p.int('MaxRecords') ?? def;
  if (max < 20 || max > 100) throw new ApiError('InvalidParameterValue', 'MaxRecords must be between 20 and 100.');
  const start = Number(p.str('Marker') ?? '0') || 0;
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, marker: String(start + max) } : { items: slice };
}

function groupXml(g: ReplicationGroupLab): XmlObject {
  const member = (ng: NodeGroupLab, n: RedisNode): XmlObject =>
    g.clusterMode
      ? { CacheClusterId: n.id, CacheNodeId: '0001', PreferredAvailabilityZone: n.spec.az }
      : {
          CacheClusterId: n.id,
          CacheNodeId: '0001',
          ReadEndpoint: ep(n.port),
          PreferredAvailabilityZone: n.spec.az,
          CurrentRole: ng.primary === n ? 'primary' : 'replica',
        };
  return {
    ReplicationGroupId: g.spec.id,
    Description: `drillproof lab replication group (cluster mode ${g.clusterMode ? 'on' : 'off'})`,
    Status: g.status,
    MemberClusters: list(
      'ClusterId',
      g.allNodes().map((n) => n.id),
    ),
    NodeGroups: list(
      'NodeGroup',
      g.nodeGroups.map((ng) => ({
        NodeGroupId: ng.id,
        Status: ng.status,
        PrimaryEndpoint: ng.primaryEndpoint ? ep(ng.primaryEndpoint.port) : undefined,
        ReaderEndpoint: ng.readerEndpoint ? ep(ng.readerEndpoint.port) : undefined,
        Slots: ng.slots ? `${ng.slots[0]}-${ng.slots[1]}` : undefined,
        NodeGroupMembers: list(
          'NodeGroupMember',
          ng.nodes.map((n) => member(ng, n)),
        ),
      })),
    ),
    AutomaticFailover: 'enabled',
    MultiAZ: 'enabled',
    ConfigurationEndpoint: g.configurationEndpoint ? ep(g.configurationEndpoint.port) : undefined,
    SnapshotRetentionLimit: 0,
    SnapshotWindow: '05:00-06:00',
    ClusterEnabled: g.clusterMode,
    CacheNodeType: NODE_TYPE,
    AuthTokenEnabled: g.authToken,
    TransitEncryptionEnabled: g.tls,
    AtRestEncryptionEnabled: false,
    ARN: g.arn,
    ReplicationGroupCreateTime: g.created,
    DataTiering: 'disabled',
    AutoMinorVersionUpgrade: true,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: g.tls ? 'required' : undefined,
    ClusterMode: g.clusterMode ? 'enabled' : 'disabled',
    Engine: 'redis',
  };
}

const tagList = (tags: Record<string, string>) =>
  list(
    'Tag',
    Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  );

/** AWS tags a replication group only while it is available (InvalidReplicationGroupState otherwise). */
function tagsAvailable(g: ReplicationGroupLab): void {
  if (g.status !== 'available') {
    throw new ApiError('InvalidReplicationGroupState', `Replication group ${g.spec.id} is not in available state.`);
  }
}

function clusterXml(g: ReplicationGroupLab, n: RedisNode, version: string, nodes: boolean): XmlObject {
  return {
    CacheClusterId: n.id,
    CacheNodeType: NODE_TYPE,
    Engine: 'redis',
    EngineVersion: version,
    CacheClusterStatus: n.child ? 'available' : 'incompatible-network',
    NumCacheNodes: 1,
    PreferredAvailabilityZone: n.spec.az,
    CacheClusterCreateTime: n.created,
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    CacheParameterGroup: {
      CacheParameterGroupName: g.clusterMode ? 'default.redis7.cluster.on' : 'default.redis7',
      ParameterApplyStatus: 'in-sync',
    },
    CacheSubnetGroupName: 'lab-cache-subnets',
    CacheNodes: nodes
      ? list('CacheNode', [
          {
            CacheNodeId: '0001',
            CacheNodeStatus: n.child ? 'available' : 'rebooting',
            CacheNodeCreateTime: n.created,
            Endpoint: ep(n.port),
            ParameterGroupStatus: 'in-sync',
            CustomerAvailabilityZone: n.spec.az,
          },
        ])
      : undefined,
    AutoMinorVersionUpgrade: true,
    ReplicationGroupId: g.spec.id,
    SnapshotRetentionLimit: 0,
    SnapshotWindow: '05:00-06:00',
    AuthTokenEnabled: g.authToken,
    TransitEncryptionEnabled: g.tls,
    AtRestEncryptionEnabled: false,
    ARN: `arn:aws:elasticache:${LAB_REGION}:${LAB_ACCOUNT_ID}:cluster:${n.id}`,
    ReplicationGroupLogDeliveryEnabled: false,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    TransitEncryptionMode: g.tls ? 'required' : undefined,
  };
}

/** ElastiCache over awsQuery (version 2015-02-02). */
export function elasticacheService(d: ElastiCacheApiDeps): QueryService {
  const group = (id: string | undefined) => {
    const g = d.groups.find((x) => x.spec.id === id);
    if (!g) throw new ApiError('ReplicationGroupNotFoundFault', `ReplicationGroup ${id ?? '(none)'} not found.`, 404);
    return g;
  };
  // Tag calls name the group by its ARN; the lab has replication groups only.
  const byArn = (p: QueryParams) => {
    const arn = p.str('ResourceName');
    if (!arn) throw new ApiError('MissingParameter', 'The request must contain the parameter ResourceName.');
    const m = /^arn:aws:elasticache:[^:]+:\d{12}:([a-z]+):(.+)$/.exec(arn);
    if (!m) throw new ApiError('InvalidARN', `${arn} is not a valid ARN.`);
    if (m[1] !== 'replicationgroup') throw new ApiError('InvalidARN', `${arn} does not refer to an existing resource.`);
    return group(m[2]);
  };
  return {
    name: 'elasticache',
    protocol: 'query',
    xmlns: 'http://elasticache.amazonaws.com/doc/2015-02-02/',
    actions: {
      DescribeReplicationGroups: (p) => {
        const id = p.str('ReplicationGroupId');
        const groups = id === undefined ? d.groups : [group(id)];
        const pg = page(groups, p);
        return { Marker: pg.marker, ReplicationGroups: list('ReplicationGroup', pg.items.map(groupXml)) };
      },
      DescribeCacheClusters: (p) => {
        const id = p.str('CacheClusterId');
        const all = d.groups.flatMap((g) => g.allNodes().map((n) => ({ g, n })));
        const picked = id === undefined ? all : all.filter((x) => x.n.id === id);
        if (id !== undefined && picked.length === 0) {
          throw new ApiError('CacheClusterNotFound', `CacheCluster not found: ${id}`, 404);
        }
        // Every lab cache cluster belongs to a replication group.
        const shown = p.bool('ShowCacheClustersNotInReplicationGroups') ? [] : picked;
        const pg = page(shown, p);
        const nodes = p.bool('ShowCacheNodeInfo') ?? false;
        return {
          Marker: pg.marker,
          CacheClusters: list(
            'CacheCluster',
            pg.items.map((x) => clusterXml(x.g, x.n, d.engineVersion, nodes)),
          ),
        };
      },
      TestFailover: (p, req) => {
        if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('elasticache', 'TestFailover');
        const g = group(p.str('ReplicationGroupId'));
        const ng = p.str('NodeGroupId');
        if (ng === undefined)
          throw new ApiError('InvalidParameterValue', 'The parameter NodeGroupId must be provided.');
        g.testFailover(ng, d.failoverFault?.() === 'no-op');
        return { ReplicationGroup: groupXml(g) };
      },
      ListTagsForResource: (p) => ({ TagList: tagList(byArn(p).tags) }),
      AddTagsToResource: (p, req) => {
        const g = byArn(p);
        const tags = p.list('Tags');
        if (tags.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter Tags.');
        if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('elasticache', 'AddTagsToResource');
        tagsAvailable(g);
        for (const t of tags) g.tags[t.str('Key') ?? ''] = t.str('Value') ?? '';
        if (Object.keys(g.tags).length > 50) {
          throw new ApiError(
            'TagQuotaPerResourceExceeded',
            'The maximum number of tags permitted on a resource is 50.',
          );
        }
        return { TagList: tagList(g.tags) };
      },
      RemoveTagsFromResource: (p, req) => {
        const g = byArn(p);
        const keys = p.strList('TagKeys');
        if (keys.length === 0)
          throw new ApiError('MissingParameter', 'The request must contain the parameter TagKeys.');
        if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('elasticache', 'RemoveTagsFromResource');
        tagsAvailable(g);
        // Unlike RDS, ElastiCache refuses a key the resource does not have.
        const absent = keys.find((k) => !(k in g.tags));
        if (absent !== undefined)
          throw new ApiError('TagNotFound', `The tag ${absent} was not found on this resource.`, 404);
        for (const k of keys) delete g.tags[k];
        return { TagList: tagList(g.tags) };
      },
      DescribeEvents: (p) => {
        const type = p.str('SourceType');
        if (type !== undefined && !SOURCE_TYPES.includes(type as CacheSourceType)) {
          throw new ApiError('InvalidParameterValue', `Invalid SourceType: ${type}`);
        }
        const source = p.str('SourceIdentifier');
        if (source !== undefined && type === undefined) {
          throw new ApiError('InvalidParameterCombination', 'SourceType must be specified with SourceIdentifier.');
        }
        const start = p.str('StartTime');
        const end = p.str('EndTime');
        const duration = p.int('Duration');
        if (duration !== undefined && (duration < 0 || duration > 20160)) {
          throw new ApiError('InvalidParameterValue', 'Duration must be between 0 and 20160 minutes.');
        }
        const endMs = end ? Date.parse(end) : Date.now();
        const startMs = start ? Date.parse(start) : endMs - (duration ?? 60) * 60_000;
        const events = d.events.events.filter(
          (e) =>
            (type === undefined || e.sourceType === type) &&
            (source === undefined || e.sourceIdentifier === source) &&
            e.date.getTime() >= startMs &&
            e.date.getTime() <= endMs,
        );
        const pg = page(events, p);
        return {
          Marker: pg.marker,
          Events: list(
            'Event',
            pg.items.map((e) => ({
              SourceIdentifier: e.sourceIdentifier,
              SourceType: e.sourceType,
              Message: e.message,
              Date: e.date,
            })),
          ),
        };
      },
    },
  };
}
