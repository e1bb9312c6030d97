import { createClusterInstance, deleteRestoredCluster, restoredCluster } from '../rds/cluster-restore.js';
import { auroraState, type RestoredCluster } from '../rds/cluster-snapshots.js';
import type { RdsLab } from '../rds/lab-rds.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiRequest } from './protocol.js';
import type { QueryParams } from './query.js';
import { instanceXml, tagList, tagsParam } from './rds-xml.js';
import type { XmlObject } from './xml.js';
import { list } from './xml.js';

/** A restored cluster as DescribeDBClusters shows it: DBClusterMembers lists the instances created in it. */
export function restoredClusterXml(rds: RdsLab, c: RestoredCluster): XmlObject {
  const members = c.memberIds.filter((m) => rds.instances.has(m));
  return {
    DBClusterIdentifier: c.id,
    DBClusterArn: c.arn,
    DbClusterResourceId: c.resourceId,
    Status: c.status,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    EngineMode: 'provisioned',
    Endpoint: '127.0.0.1',
    ReaderEndpoint: '127.0.0.1',
    Port: c.endpoint.port,
    MasterUsername: c.masterUsername,
    DatabaseName: c.dbName,
    MultiAZ: false,
    AvailabilityZones: list('AvailabilityZone', c.azs),
    DBClusterMembers: list(
      'DBClusterMember',
      members.map((id, idx) => ({
        DBInstanceIdentifier: id,
        IsClusterWriter: idx === 0,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      })),
    ),
    ClusterCreateTime: c.createTime,
    BackupRetentionPeriod: 1,
    StorageEncrypted: false,
    DeletionProtection: false,
    TagList: tagList(c.tags),
  };
}

function required(p: QueryParams, name: string): string {
  const v = p.str(name);
  if (!v) throw new ApiError('MissingParameter', `The request must contain the parameter ${name}`);
  return v;
}

function denyWrites(req: ApiRequest, action: string): void {
  if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('rds', action);
}

const idOf = (v: string) => /^arn:aws:rds:[^:]*:[^:]*:(?:db|cluster):(.+)$/.exec(v)?.[1] ?? v;

/** Restored clusters beside the lab's own (DescribeDBClusters, tags by ARN). */
export function restoredClusters(rds: RdsLab): RestoredCluster[] {
  return [...auroraState(rds).restored.values()];
}

/** True when `id` is an instance of a restored cluster (DeleteDBInstance goes to deleteClusterInstance). */
export function inRestoredCluster(rds: RdsLab, id: string): boolean {
  const c = rds.instances.get(id)?.clusterId;
  return c !== undefined && auroraState(rds).restored.has(c);
}

/**
 * CreateDBInstance and DeleteDBCluster. The lab creates DB instances only in clusters restored
 * from a snapshot (AWS Backup's Aurora restores make the cluster, the drill adds its instance);
 * for Aurora, Engine and DBInstanceClass are required and the rest comes from the cluster.
 */
export function clusterRestoreActions(rds: RdsLab) {
  return {
    CreateDBInstance: (p: QueryParams, req: ApiRequest) => {
      const id = required(p, 'DBInstanceIdentifier');
      const cls = required(p, 'DBInstanceClass');
      const engine = required(p, 'Engine');
      const cluster = p.str('DBClusterIdentifier');
      if (!cluster) {
        throw new ApiError(
          'InvalidParameterValue',
          'The lab creates DB instances only in restored DB clusters: give DBClusterIdentifier.',
        );
      }
      restoredCluster(rds, idOf(cluster));
      for (const k of ['MasterUsername', 'MasterUserPassword', 'AllocatedStorage', 'DBName']) {
        if (p.str(k) !== undefined) {
          throw new ApiError(
            'InvalidParameterCombination',
            `${k} is managed by the DB cluster: it cannot be set on a DB instance of an Aurora DB cluster.`,
          );
        }
      }
      denyWrites(req, 'CreateDBInstance');
      const i = createClusterInstance(rds, {
        id,
        clusterId: idOf(cluster),
        instanceClass: cls,
        engine,
        tags: tagsParam(p),
      });
      return { DBInstance: instanceXml(rds, i) };
    },
    DeleteDBCluster: (p: QueryParams, req: ApiRequest) => {
      const id = idOf(required(p, 'DBClusterIdentifier'));
      if (rds.clusters.has(id)) {
        // The lab's own clusters always have their two instances.
        denyWrites(req, 'DeleteDBCluster');
        throw new ApiError(
          'InvalidDBClusterStateFault',
          'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
        );
      }
      restoredCluster(rds, id);
      denyWrites(req, 'DeleteDBCluster');
      const c = deleteRestoredCluster(
        rds,
        id,
        p.bool('SkipFinalSnapshot') === true,
        p.str('FinalDBSnapshotIdentifier'),
      );
      return { DBCluster: restoredClusterXml(rds, c) };
    },
  };
}
