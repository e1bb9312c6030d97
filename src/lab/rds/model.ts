import type { BaseBackup } from '../pg/backup.js';
import type { PgNode } from '../pg/node.js';
import type { ReplicatedPair } from '../pg/pair.js';
import type { EndpointProxy } from '../pg/tcp-proxy.js';

export type DbKind = 'multi-az' | 'cluster-member' | 'single';

/** One DB instance as DescribeDBInstances shows it, plus what runs it. */
export interface DbInstance {
  id: string;
  arn: string;
  resourceId: string;
  kind: DbKind;
  engine: 'postgres' | 'aurora-postgresql' | 'aurora-mysql';
  engineVersion: string;
  instanceClass: string;
  status: string;
  createTime: Date;
  tags: Record<string, string>;
  masterUsername: string;
  dbName: string;
  deletionProtection: boolean;
  backupRetentionPeriod: number;
  clusterId?: string;
  /** multi-az */
  pair?: ReplicatedPair;
  /** cluster-member: which member of its cluster's pair runs this instance */
  memberIdx?: number;
  /** multi-az: the instance endpoint */
  endpoint?: EndpointProxy;
  /** single (restored) instances */
  node?: PgNode;
  nodeAz?: string;
  archiveDir?: string;
  restoredFrom?: string;
}

/** A server of a cluster member (PostgreSQL or MariaDB). */
export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  stop(mode?: 'fast' | 'immediate' | 'kill'): Promise<void>;
  start(): Promise<void>;
}

/** What the RDS API needs of a cluster's writer + replica pair (ReplicatedPair, MariaPair). */
export interface ClusterPair {
  readonly members: readonly [{ node: ClusterNode; az: string }, { node: ClusterNode; az: string }];
  readonly primary: { node: ClusterNode; az: string };
  readonly standby: { node: ClusterNode; az: string };
  primaryIdx: number;
  standbyInSync: boolean;
  failover(onPromoted?: () => void): Promise<{ rejoined: Promise<void> }>;
  rebootPrimary(): Promise<void>;
  rebuildStandby(): Promise<void>;
  stop(): Promise<void>;
}

export interface DbCluster {
  id: string;
  engine: 'aurora-postgresql' | 'aurora-mysql';
  arn: string;
  resourceId: string;
  status: string;
  createTime: Date;
  tags: Record<string, string>;
  pair: ClusterPair;
  writer: EndpointProxy;
  reader: EndpointProxy;
  memberIds: [string, string];
  masterUsername: string;
  dbName: string;
  engineVersion: string;
}

export interface DbSnapshot {
  id: string;
  arn: string;
  instanceId: string;
  type: 'manual' | 'automated';
  status: 'creating' | 'available' | 'deleting' | 'deleted';
  createTime: Date;
  az: string;
  port: number;
  engineVersion: string;
  masterUsername: string;
  tags: Record<string, string>;
  dir: string;
  archiveDir: string;
  backup?: BaseBackup;
}
