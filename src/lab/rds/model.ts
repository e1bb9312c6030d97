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
  engine: 'postgres' | 'aurora-postgresql';
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
  /** multi-az and cluster-member */
  pair?: ReplicatedPair;
  /** cluster-member: which pair member runs this instance */
  memberIdx?: number;
  /** multi-az: the instance endpoint */
  endpoint?: EndpointProxy;
  /** single (restored) instances */
  node?: PgNode;
  nodeAz?: string;
  archiveDir?: string;
  restoredFrom?: string;
}

export interface DbCluster {
  id: string;
  arn: string;
  resourceId: string;
  status: string;
  createTime: Date;
  tags: Record<string, string>;
  pair: ReplicatedPair;
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
  status: 'creating' | 'available' | 'deleting';
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
