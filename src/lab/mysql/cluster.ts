import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EndpointProxy } from '../pg/tcp-proxy.js';
import type { ProcessRegistry } from '../processes.js';
import { clusterArn, resourceId } from '../rds/arns.js';
import type { RdsLab } from '../rds/lab-rds.js';
import type { DbCluster, DbInstance } from '../rds/model.js';
import { prepareMariaRuntime } from './binaries.js';
import { MariaPair } from './pair.js';

export const MYSQL_CLUSTER_ID = 'lab-aurora-mysql';
/** The engine version Aurora MySQL 3 reports; the servers are MariaDB (MySQL wire protocol). */
export const AURORA_MYSQL_VERSION = '8.0.mysql_aurora.3.08.0';

export interface AuroraMysqlOptions {
  /** Where the data directories and sockets go (inside the lab's runtime dir). */
  dir: string;
  azs: string[];
  user: string;
  password: string;
  database: string;
  registry: ProcessRegistry;
  logsDir: string;
  cwd: string;
  freePort: () => Promise<number>;
}

/**
 * Starts `lab-aurora-mysql` (writer `-1` in the first lab AZ, replica `-2` in the second) and
 * registers it with the lab's RDS, so DescribeDBClusters / DescribeDBInstances, FailoverDBCluster,
 * RebootDBInstance, the cluster events and FIS `aws:rds:failover-db-cluster` work on it as on any
 * cluster.
 */
export async function startAuroraMysql(rds: RdsLab, o: AuroraMysqlOptions): Promise<DbCluster> {
  const rt = await prepareMariaRuntime();
  const sockDir = join(o.dir, 'sock');
  mkdirSync(sockDir, { recursive: true, mode: 0o755 });
  if (rt.uid !== undefined) chownSync(sockDir, rt.uid, rt.gid ?? rt.uid);
  const writer = new EndpointProxy(`${MYSQL_CLUSTER_ID}-writer`);
  const reader = new EndpointProxy(`${MYSQL_CLUSTER_ID}-reader`);
  await writer.listen(await o.freePort());
  await reader.listen(await o.freePort());
  const [a, b] = o.azs;
  const ids: [string, string] = [`${MYSQL_CLUSTER_ID}-1`, `${MYSQL_CLUSTER_ID}-2`];
  const pair = new MariaPair(
    { rt, registry: o.registry, sockDir, logsDir: o.logsDir, cwd: o.cwd },
    {
      name: MYSQL_CLUSTER_ID,
      dir: o.dir,
      members: [
        { name: ids[0], az: a as string, port: await o.freePort() },
        { name: ids[1], az: b as string, port: await o.freePort() },
      ],
      user: o.user,
      password: o.password,
      database: o.database,
      writer,
      reader,
    },
  );
  const cluster: DbCluster = {
    id: MYSQL_CLUSTER_ID,
    engine: 'aurora-mysql',
    arn: clusterArn(MYSQL_CLUSTER_ID),
    resourceId: resourceId('cluster', MYSQL_CLUSTER_ID),
    status: 'creating',
    createTime: new Date(),
    tags: { drillproof: 'allowed', 'FIS-Ready': 'True', app: 'web' },
    pair,
    writer,
    reader,
    memberIds: ids,
    masterUsername: o.user,
    dbName: o.database,
    engineVersion: AURORA_MYSQL_VERSION,
  };
  rds.clusters.set(MYSQL_CLUSTER_ID, cluster);
  ids.forEach((id, i) => {
    const inst: DbInstance = {
      ...rds.baseInstance(id, 'cluster-member', 'aurora-mysql', 'db.r6g.large'),
      engineVersion: AURORA_MYSQL_VERSION,
      memberIdx: i,
      clusterId: MYSQL_CLUSTER_ID,
    };
    rds.instances.set(id, inst);
  });
  await pair.create();
  cluster.status = 'available';
  for (const id of ids) (rds.instances.get(id) as DbInstance).status = 'available';
  rds.events.add('RDS-EVENT-0170', 'db-cluster', MYSQL_CLUSTER_ID, cluster.arn);
  return cluster;
}
