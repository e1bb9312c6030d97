import type { RdsLab } from '../rds/lab-rds.js';
import type { DbCluster, DbInstance, DbSnapshot } from '../rds/model.js';
import { LAB_VPC_ID } from './ec2.js';
import type { QueryParams } from './query.js';
import { list, type XmlObject } from './xml.js';

/** RDS list members are named after the shape (`<DBInstance>`, `<Tag>` ...); `<member>` parses as empty. */
export const tagList = (tags: Record<string, string>) =>
  list(
    'Tag',
    Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  );

export function tagsParam(p: QueryParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of p.list('Tags')) {
    const k = t.str('Key');
    if (k !== undefined) out[k] = t.str('Value') ?? '';
  }
  return out;
}

export function instanceXml(rds: RdsLab, i: DbInstance): XmlObject {
  const place = rds.placement(i);
  const ep = rds.endpointOf(i);
  return {
    DBInstanceIdentifier: i.id,
    DBInstanceClass: i.instanceClass,
    Engine: i.engine,
    DBInstanceStatus: i.status,
    MasterUsername: i.masterUsername,
    DBName: i.dbName,
    Endpoint: ep ? { Address: ep.address, Port: ep.port, HostedZoneId: 'Z2R2ITUGPM61AM' } : undefined,
    AllocatedStorage: 20,
    InstanceCreateTime: i.createTime,
    PreferredBackupWindow: '03:00-03:30',
    BackupRetentionPeriod: i.backupRetentionPeriod,
    DBSecurityGroups: list('DBSecurityGroup', []),
    VpcSecurityGroups: list('VpcSecurityGroupMembership', [
      { VpcSecurityGroupId: 'sg-0a1b0000000000001', Status: 'active' },
    ]),
    DBSubnetGroup: { DBSubnetGroupName: 'lab', VpcId: LAB_VPC_ID, SubnetGroupStatus: 'Complete' },
    AvailabilityZone: place.az,
    SecondaryAvailabilityZone: place.secondaryAz,
    MultiAZ: i.kind === 'multi-az',
    EngineVersion: i.engineVersion,
    AutoMinorVersionUpgrade: true,
    LatestRestorableTime: rds.latestRestorableTime(i),
    PubliclyAccessible: false,
    StorageType: 'gp3',
    DbInstancePort: 0,
    DBClusterIdentifier: i.clusterId,
    StorageEncrypted: false,
    DbiResourceId: i.resourceId,
    DBInstanceArn: i.arn,
    IAMDatabaseAuthenticationEnabled: false,
    DeletionProtection: i.deletionProtection,
    TagList: tagList(i.tags),
  };
}

export function clusterXml(rds: RdsLab, c: DbCluster): XmlObject {
  return {
    DBClusterIdentifier: c.id,
    DBClusterArn: c.arn,
    DbClusterResourceId: c.resourceId,
    Status: c.status,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    EngineMode: 'provisioned',
    // The reader endpoint listens on another port of the same address (see lab.json aurora.reader).
    Endpoint: '127.0.0.1',
    ReaderEndpoint: '127.0.0.1',
    Port: c.writer.port,
    MasterUsername: c.masterUsername,
    DatabaseName: c.dbName,
    MultiAZ: true,
    AvailabilityZones: list('AvailabilityZone', [...new Set(c.pair.members.map((m) => m.az))]),
    DBClusterMembers: list(
      'DBClusterMember',
      c.memberIds.map((id, idx) => ({
        DBInstanceIdentifier: id,
        IsClusterWriter: c.pair.primaryIdx === idx,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      })),
    ),
    ClusterCreateTime: c.createTime,
    BackupRetentionPeriod: 1,
    StorageEncrypted: false,
    DeletionProtection: false,
    TagList: tagList(c.tags),
    LatestRestorableTime: rds.instances.get(c.memberIds[0])?.createTime,
  };
}

export function snapshotXml(s: DbSnapshot): XmlObject {
  return {
    DBSnapshotIdentifier: s.id,
    DBInstanceIdentifier: s.instanceId,
    SnapshotCreateTime: s.status === 'available' ? s.createTime : undefined,
    Engine: 'postgres',
    AllocatedStorage: 20,
    Status: s.status,
    Port: s.port,
    AvailabilityZone: s.az,
    VpcId: LAB_VPC_ID,
    MasterUsername: s.masterUsername,
    EngineVersion: s.engineVersion,
    SnapshotType: s.type,
    PercentProgress: s.status === 'available' ? 100 : 0,
    StorageType: 'gp3',
    Encrypted: false,
    DBSnapshotArn: s.arn,
    OriginalSnapshotCreateTime: s.createTime,
    SnapshotDatabaseTime: s.backup?.endTime,
    TagList: tagList(s.tags),
  };
}
