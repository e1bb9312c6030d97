import { ApiError } from '../api/errors.js';
import { sleep } from '../node-entry.js';
import { EndpointProxy } from '../pg/tcp-proxy.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import type { CacheEventLog } from './events.js';
import { RedisNode, type RedisNodeContext } from './node.js';

export interface NodeGroupLab {
  id: string;
  slots?: [number, number];
  /** The nodes in creation order: index 0 started as primary. */
  nodes: RedisNode[];
  primary: RedisNode;
  status: 'available' | 'modifying';
  /** Cluster mode off: the primary and reader endpoints (TCP proxies that move on failover). */
  primaryEndpoint?: EndpointProxy;
  readerEndpoint?: EndpointProxy;
}

export interface GroupSpec {
  id: string;
  clusterMode: boolean;
  /** Node groups, each with its nodes' AZs (first = primary). */
  shards: { id: string; azs: string[]; slots?: [number, number] }[];
}

const hold = (ms: number) => sleep(ms);

/**
 * One ElastiCache for Redis replication group on real redis-server processes: cluster mode off (one
 * node group, primary + replica, asynchronous replication, primary / reader endpoints that move on
 * failover) or cluster mode on (real Redis Cluster, slots split across node groups, a configuration
 * endpoint, MOVED redirects from Redis itself). TestFailover promotes the replica, moves the
 * endpoint, and turns the old primary into a replica, writing the events ElastiCache writes.
 */
export class ReplicationGroupLab {
  readonly nodeGroups: NodeGroupLab[] = [];
  status: 'available' | 'modifying' = 'available';
  readonly arn: string;
  readonly created = new Date();
  /** The group's tags (AddTagsToResource / ListTagsForResource on its ARN). */
  readonly tags: Record<string, string> = {};
  configurationEndpoint: EndpointProxy | undefined;
  private failing: Promise<void> | undefined;

  constructor(
    readonly spec: GroupSpec,
    private readonly ctx: RedisNodeContext,
    private readonly events: CacheEventLog,
    private readonly freePort: () => Promise<number>,
    private readonly transitionMs: number,
  ) {
    this.arn = `arn:aws:elasticache:${LAB_REGION}:${LAB_ACCOUNT_ID}:replicationgroup:${spec.id}`;
  }

  get clusterMode(): boolean {
    return this.spec.clusterMode;
  }

  get authToken(): boolean {
    return this.ctx.authToken !== undefined;
  }
  get tls(): boolean {
    return this.ctx.tls !== undefined;
  }

  allNodes(): RedisNode[] {
    return this.nodeGroups.flatMap((g) => g.nodes);
  }

  async start(): Promise<void> {
    for (const s of this.spec.shards) {
      const nodes: RedisNode[] = [];
      for (let i = 0; i < s.azs.length; i++) {
        const id = this.clusterMode
          ? `${this.spec.id}-${s.id}-${String(i + 1).padStart(3, '0')}`
          : `${this.spec.id}-${String(i + 1).padStart(3, '0')}`;
        const spec = { id, nodeGroupId: s.id, az: s.azs[i] as string, port: await this.freePort() };
        nodes.push(
          new RedisNode(
            this.clusterMode ? { ...spec, busPort: await this.freePort() } : spec,
            this.ctx,
            this.clusterMode,
          ),
        );
      }
      this.nodeGroups.push({
        id: s.id,
        ...(s.slots ? { slots: s.slots } : {}),
        nodes,
        primary: nodes[0] as RedisNode,
        status: 'available',
      });
    }
    if (this.clusterMode) await this.startCluster();
    else await this.startReplication();
  }

  private async startReplication(): Promise<void> {
    const g = this.nodeGroups[0] as NodeGroupLab;
    await g.primary.start();
    await Promise.all(g.nodes.slice(1).map((n) => n.start(g.primary.port)));
    await Promise.all(g.nodes.slice(1).map((n) => this.waitLinkUp(n)));
    g.primaryEndpoint = new EndpointProxy(`${this.spec.id} primary`);
    g.readerEndpoint = new EndpointProxy(`${this.spec.id} reader`);
    await g.primaryEndpoint.listen(0);
    await g.readerEndpoint.listen(0);
    this.pointEndpoints(g);
  }

  private pointEndpoints(g: NodeGroupLab): void {
    g.primaryEndpoint?.moveTo(g.primary.port);
    const reader = g.nodes.find((n) => n !== g.primary) ?? g.primary;
    g.readerEndpoint?.moveTo(reader.port);
  }

  private async startCluster(): Promise<void> {
    const all = this.allNodes();
    await Promise.all(all.map((n) => n.start()));
    const first = all[0] as RedisNode;
    for (const n of all.slice(1))
      await first.client().call('CLUSTER', 'MEET', '127.0.0.1', String(n.port), String(n.spec.busPort));
    for (const g of this.nodeGroups) {
      const [a, b] = g.slots as [number, number];
      await g.primary.client().call('CLUSTER', 'ADDSLOTSRANGE', String(a), String(b));
    }
    // Replicas can only follow a primary they already know.
    await this.until(
      async () => {
        for (const n of all) {
          const known = String(await n.client().call('CLUSTER', 'NODES'))
            .trim()
            .split('\n').length;
          if (known < all.length) return false;
        }
        return true;
      },
      20_000,
      'the cluster nodes to meet',
    );
    for (const g of this.nodeGroups) {
      const pid = String(await g.primary.client().call('CLUSTER', 'MYID'));
      for (const r of g.nodes.slice(1)) await r.client().call('CLUSTER', 'REPLICATE', pid);
    }
    await this.until(
      async () => {
        for (const n of all) {
          if (!String(await n.client().call('CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
        }
        for (const g of this.nodeGroups)
          for (const r of g.nodes.slice(1)) if ((await r.replication()).master_link_status !== 'up') return false;
        return true;
      },
      30_000,
      'cluster_state:ok',
    );
    this.configurationEndpoint = new EndpointProxy(`${this.spec.id} configuration`);
    await this.configurationEndpoint.listen(0);
    this.configurationEndpoint.moveTo(first.port);
  }

  private async until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      try {
        if (await cond()) return;
      } catch {
        // Not ready yet.
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  private waitLinkUp(n: RedisNode, ms = 20_000): Promise<void> {
    return this.until(async () => (await n.replication()).master_link_status === 'up', ms, `${n.id} to sync`);
  }

  nodeGroup(id: string | undefined): NodeGroupLab {
    const g = this.nodeGroups.find((x) => x.id === id);
    if (!g)
      throw new ApiError(
        'NodeGroupNotFoundFault',
        `NodeGroup ${id ?? '(none)'} not found for replication group ${this.spec.id}.`,
        404,
      );
    return g;
  }

  /** TestFailover: answers at once with the group `modifying`; the failover runs in the background. */
  testFailover(nodeGroupId: string | undefined, noOp = false): void {
    const g = this.nodeGroup(nodeGroupId);
    if (this.status !== 'available' || this.failing) {
      throw new ApiError(
        'InvalidReplicationGroupState',
        `Replication group ${this.spec.id} is not in available state.`,
      );
    }
    const replica = g.nodes.find((n) => n !== g.primary && n.child);
    if (!replica)
      throw new ApiError('InvalidReplicationGroupState', `Node group ${g.id} has no replica to fail over to.`);
    this.status = 'modifying';
    g.status = 'modifying';
    this.events.add('replication-group', this.spec.id, `Test Failover API called for node group ${g.id}`);
    // A no-op failover (control-plane fault): `modifying` as usual, but the primary stays.
    const work = noOp ? hold(this.transitionMs) : this.runFailover(g, replica);
    this.failing = work.finally(() => {
      this.failing = undefined;
      this.status = 'available';
      g.status = 'available';
    });
  }

  private async runFailover(g: NodeGroupLab, replica: RedisNode): Promise<void> {
    const old = g.primary;
    await hold(this.transitionMs / 2);
    if (this.clusterMode) {
      // FORCE: the replica takes over without the primary's agreement; writes the old primary
      // acknowledges until it learns of the new epoch are lost, as in a real primary failure.
      await this.promoteInCluster(replica, 'FORCE');
      g.primary = replica;
    } else {
      await replica.client().call('REPLICAOF', 'NO', 'ONE');
      g.primary = replica;
      // Until the endpoint moves, clients still write to the old primary: acknowledged there,
      // never replicated, and discarded when it resyncs as a replica.
      await hold(this.transitionMs);
      this.pointEndpoints(g);
    }
    this.events.add(
      'replication-group',
      this.spec.id,
      `Failover from primary node ${old.id} to replica node ${replica.id} completed`,
    );
    this.events.add('cache-cluster', replica.id, `Failover to replica node ${replica.id} completed`);
    this.events.add('cache-cluster', old.id, `Recovering cache nodes 0001`);
    if (!this.clusterMode) await old.client().call('REPLICAOF', '127.0.0.1', String(replica.port));
    await this.until(async () => (await old.replication()).master_link_status === 'up', 30_000, `${old.id} to resync`);
    this.pointEndpoints(g);
    this.events.add('cache-cluster', old.id, `Finished recovery for cache nodes 0001`);
  }

  /**
   * CLUSTER FAILOVER on a replica. FORCE needs the other primaries' votes, and a primary votes for
   * one shard's replicas only once per twice the node timeout, so a second failover soon after the
   * first falls back to TAKEOVER (no election), as a lab must not hang where Redis stays silent.
   */
  private async promoteInCluster(replica: RedisNode, mode: 'FORCE' | 'TAKEOVER'): Promise<void> {
    const promoted = async () => (await replica.replication()).role === 'master';
    await replica.client().call('CLUSTER', 'FAILOVER', mode);
    try {
      await this.until(promoted, mode === 'FORCE' ? 8000 : 20_000, 'the promotion');
    } catch (e) {
      if (mode === 'TAKEOVER') throw e;
      await replica.client().call('CLUSTER', 'FAILOVER', 'TAKEOVER');
      await this.until(promoted, 20_000, 'the promotion');
    }
  }

  /** Resolves when no failover is running. */
  async settled(): Promise<void> {
    await this.failing;
  }

  /** Back to the initial roles: each node group's first node primary again (and its endpoints). */
  async reset(): Promise<void> {
    await this.settled();
    for (const g of this.nodeGroups) {
      const first = g.nodes[0] as RedisNode;
      if (g.primary === first) continue;
      if (this.clusterMode) {
        await this.promoteInCluster(first, 'TAKEOVER');
      } else {
        await first.client().call('REPLICAOF', 'NO', 'ONE');
        for (const n of g.nodes.slice(1)) await n.client().call('REPLICAOF', '127.0.0.1', String(first.port));
      }
      g.primary = first;
      for (const n of g.nodes.slice(1)) await this.waitLinkUp(n);
      this.pointEndpoints(g);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([
      ...this.nodeGroups.flatMap((g) => [g.primaryEndpoint?.close(), g.readerEndpoint?.close()]),
      this.configurationEndpoint?.close(),
    ]);
    await Promise.all(this.allNodes().map((n) => n.stop()));
  }
}
