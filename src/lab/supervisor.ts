import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlbProxy } from './alb/proxy.js';
import { TargetGroup } from './alb/target-group.js';
import { autoScalingService } from './api/autoscaling.js';
import { ec2Service } from './api/ec2.js';
import { elbv2Service } from './api/elbv2.js';
import { FaultInjector } from './api/faults.js';
import { fisHandler } from './api/fis.js';
import { rdsService } from './api/rds.js';
import { ApiServer } from './api/server.js';
import { stsService } from './api/sts.js';
import { DataServices } from './data-services.js';
import { Ec2Fleet, type InstanceSpec } from './ec2/fleet.js';
import { FisEngine } from './fis/engine.js';
import { LabIam } from './iam/lab-iam.js';
import { LabNetwork } from './network.js';
import { freePort, sleep } from './node-entry.js';
import { startLabParts } from './parts.js';
import { preparePgRuntime } from './pg/binaries.js';
import type { PgContext } from './pg/node.js';
import { makeLabTls } from './pg/tls.js';
import { ProcessRegistry } from './processes.js';
import { CLUSTER_ID, DB_ID, RdsLab } from './rds/lab-rds.js';
import { resetRds } from './rds/reset.js';
import { labPaths, writeJsonAtomic } from './state-dir.js';
import { INSTANCE_TAGS, instanceId, LAB_LB_ARN, LAB_TG_ARN, labAzs, subnetId } from './topology.js';
import { LAB_ACCOUNT_ID, LAB_REGION, type LabInfo, type LabOptions } from './types.js';

const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);

/**
 * The lab supervisor: one long-running process that owns every lab part (app processes, PostgreSQL
 * servers, ALB, DB endpoints, the AWS-compatible API, FIS). It writes lab.json when ready and tears
 * everything down on SIGTERM / SIGINT.
 */
export async function runSupervisor(o: LabOptions): Promise<void> {
  const started = Date.now();
  const paths = labPaths(o.dir);
  mkdirSync(paths.logsDir, { recursive: true });
  const registry = new ProcessRegistry(paths.pidsJson);
  registry.add(process.pid, 'supervisor');

  // Fresh runtime dir contents each time (the directory itself is the supervisor's cwd).
  mkdirSync(paths.runtimeDir, { recursive: true, mode: 0o755 });
  for (const e of readdirSync(paths.runtimeDir)) rmSync(join(paths.runtimeDir, e), { recursive: true, force: true });
  const rt = await preparePgRuntime();
  const pgDir = join(paths.runtimeDir, 'pg');
  const sockDir = join(pgDir, 'sock');
  for (const d of [pgDir, sockDir, join(pgDir, 'snapshots')]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    if (rt.uid !== undefined) chownSync(d, rt.uid, rt.gid ?? rt.uid);
  }
  // A CA made for this lab: every PostgreSQL endpoint serves TLS with a certificate it signed.
  const tls = makeLabTls(join(paths.runtimeDir, 'tls'), rt);
  if (!tls) log('openssl not found: the lab databases serve plain TCP only (no TLS, no db.caFile)');
  const ctx: PgContext = {
    rt,
    registry,
    sockDir,
    logsDir: paths.logsDir,
    cwd: paths.runtimeDir,
    ...(tls ? { tls: { certFile: tls.certFile, keyFile: tls.keyFile } } : {}),
  };

  const azs = labAzs(o.azCount);
  const password = randomBytes(18).toString('base64url');
  const user = 'drillproof';
  const database = 'app';
  const network = new LabNetwork();
  const faults = new FaultInjector({ ...o.faults });
  const rds = new RdsLab(ctx, {
    pgDir,
    azs,
    user,
    password,
    database,
    transitionMs: o.transitionMs,
    logShipIntervalMs: o.logShipIntervalMs,
    automatedSnapshotIntervalMs: o.automatedSnapshotIntervalMs,
    backupRetentionMs: o.backupRetentionMs,
    aurora: o.aurora,
    freePort,
    onError: (what, e) => log(`error: ${what}: ${(e as Error)?.stack ?? String(e)}`),
  });
  rds.failoverFault = () => faults.config.failover;
  await rds.dbEndpoint.listen(await freePort());
  if (o.aurora) await rds.auroraWriter.listen(await freePort());

  const fleet = new Ec2Fleet({
    registry,
    logsDir: paths.logsDir,
    cwd: paths.runtimeDir,
    transitionMs: o.transitionMs,
    appEnv: {
      PATH: process.env.PATH,
      LAB_DB_HOST: '127.0.0.1',
      LAB_DB_PORT: String(rds.dbEndpoint.port),
      LAB_DB_USER: user,
      LAB_DB_PASSWORD: password,
      LAB_DB_NAME: database,
      // The app's /aurora path goes through lab-aurora's writer endpoint (same user and database).
      ...(o.aurora ? { LAB_AURORA_HOST: '127.0.0.1', LAB_AURORA_PORT: String(rds.auroraWriter.port) } : {}),
    },
  });
  const specs: InstanceSpec[] = [];
  for (const az of azs) {
    for (let n = 1; n <= o.instancesPerAz; n++) {
      specs.push({
        id: instanceId(az, n),
        az,
        subnetId: subnetId(az),
        port: await freePort(),
        tags: { Name: `web-${az}-${n}`, ...INSTANCE_TAGS },
      });
    }
  }
  const subnets = azs.map((az) => ({ id: subnetId(az), az }));

  log(`starting ${specs.length} instances and the databases`);
  const onError = (what: string, e: unknown) => log(`error: ${what}: ${(e as Error)?.stack ?? String(e)}`);
  const data = new DataServices(o, { rds, ...paths, registry, azs, user, password, database, freePort, onError });
  await Promise.all([rds.start(), fleet.launch(specs), data.start()]);
  await data.startBackup();
  log(`instances and databases up after ${Date.now() - started} ms`);

  const group = new TargetGroup(
    LAB_TG_ARN,
    'lab-web',
    80,
    {
      intervalMs: o.healthCheckIntervalMs,
      timeoutMs: o.healthCheckTimeoutMs,
      healthyThreshold: o.healthyThreshold,
      unhealthyThreshold: o.unhealthyThreshold,
      path: '/health',
      deregistrationDelayMs: o.deregistrationDelayMs,
    },
    (id) => {
      const i = fleet.instances.get(id);
      return i ? { running: i.state === 'running', port: i.port, az: i.az } : undefined;
    },
    network.reachable,
  );
  fleet.onChange((i) => group.onInstance(i.id, i.state));
  group.register(specs.map((s) => ({ id: s.id })));
  group.start();
  const alb = new AlbProxy(group, network.reachable);
  const albPort = await alb.listen(0);

  // An AZ cut off from the network takes a database primary there down with it: RDS fails over.
  network.onChange((az, disrupted) => {
    if (!disrupted) return;
    // Failover made a no-op: the database stays in the cut-off AZ ('declined' only concerns requested failovers).
    if (faults.config.failover === 'no-op') {
      log(`no automatic failover for ${az}: control-plane fault failover=no-op`);
      return;
    }
    try {
      const db = rds.instances.get(DB_ID);
      if (db?.pair && db.status === 'available' && db.pair.primary.az === az) rds.reboot(DB_ID, true);
      for (const cl of rds.clusters.values()) {
        if (cl.status === 'available' && cl.pair.primary.az === az) rds.failoverCluster(cl.id);
      }
    } catch (e) {
      // No standby in sync: the database stays where it is (and unreachable AZs stay unreachable).
      log(`no automatic failover for ${az}: ${(e as Error).message}`);
    }
  });

  const parts = await startLabParts({
    registry,
    logsDir: paths.logsDir,
    cwd: paths.runtimeDir,
    runtimeDir: paths.runtimeDir,
    db: { port: rds.dbEndpoint.port, user, password, database },
    azs,
    subnets,
    network,
    options: o,
    fleet,
    webTargetGroup: group,
    controlPlane: () => faults.config,
    freePort,
    log,
  });
  const fis = new FisEngine({
    fleet,
    rds,
    subnets,
    network,
    timeScale: o.fisTimeScale,
    transitionMs: o.transitionMs,
    extra: parts,
    noEffect: () => faults.config.fisActions === 'no-effect',
  });
  const iam = new LabIam({
    instanceTags: (id) => fleet.instances.get(id)?.tags,
    dbTags: (idOrArn) => {
      const id = idOrArn.replace(/^arn:aws:rds:[^:]*:[^:]*:(?:db|cluster):/, '');
      return rds.instances.get(id)?.tags ?? rds.clusters.get(id)?.tags;
    },
  });
  if (o.iamPolicy) await iam.attach('lab', o.iamPolicy as Parameters<LabIam['attach']>[1]);
  const lb = {
    arn: LAB_LB_ARN,
    name: 'lab-alb',
    dnsName: `127.0.0.1:${albPort}`,
    createdTime: new Date(),
    subnets,
    group,
    extraGroups: parts.targetGroups,
  };
  const status = () => ({
    instances: [...fleet.instances.values()].map((i) => ({ id: i.id, az: i.az, state: i.state })),
    targets: [...group.targets.values()].map((t) => group.describe(t)),
    db: [...rds.instances.values()].map((d) => ({ id: d.id, status: d.status, ...rds.placement(d) })),
    clusters: [...rds.clusters.values()].map((c) => ({ id: c.id, status: c.status, writerAz: c.pair.primary.az })),
    disruptedAzs: network.list(),
    faults: faults.config,
    experiments: [...fis.experiments.values()].map((e) => ({ id: e.id, status: e.state.status })),
    ...data.status(),
    ...parts.status(),
  });
  const api = new ApiServer(
    {
      ec2: ec2Service(fleet),
      rds: rdsService(rds),
      elasticloadbalancing: elbv2Service(lb),
      sts: stsService(),
      // An account without groups answers Auto Scaling with empty lists; `--asg` replaces this.
      autoscaling: autoScalingService([], []),
      ...parts.query,
      iam: iam.service(),
    },
    fisHandler(fis),
    {
      status,
      reset: async () => {
        await fis.stopAll();
        network.reset();
        faults.config = { ...o.faults };
        await parts.beforeReset();
        await fleet.reset();
        group.reset(specs.map((s) => ({ id: s.id, port: s.port })));
        await resetRds(rds);
        await data.reset();
        await parts.reset();
        await waitHealthy(group, 30_000);
        return status();
      },
      shipLogs: async () => {
        await rds.shipNow();
        return { latestRestorableTime: rds.instances.get(DB_ID)?.pair?.latestRestorableTime?.toISOString() };
      },
    },
    faults,
    // The data services answer raw requests (their handlers speak their protocol themselves).
    { json: parts.json, rest: { ...parts.rest, ...data.handlers() } },
    iam,
  );
  const apiPort = await api.listen(o.apiPort);
  await waitHealthy(group, 30_000);

  const cluster = rds.clusters.get(CLUSTER_ID);
  const { dir: _dir, ...options } = o;
  const info: LabInfo = {
    version: 1,
    stateDir: o.dir,
    runtimeDir: paths.runtimeDir,
    supervisorPid: process.pid,
    startedAt: new Date(started).toISOString(),
    awsEndpoint: `http://127.0.0.1:${apiPort}`,
    region: LAB_REGION,
    accountId: LAB_ACCOUNT_ID,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    adminUrl: `http://127.0.0.1:${apiPort}/_lab`,
    appUrl: `http://127.0.0.1:${albPort}`,
    loadBalancerArn: LAB_LB_ARN,
    targetGroupArn: LAB_TG_ARN,
    azs,
    subnets,
    instances: specs.map((s) => ({ id: s.id, az: s.az, port: s.port, privateIpAddress: '127.0.0.1' })),
    db: {
      host: '127.0.0.1',
      port: rds.dbEndpoint.port,
      user,
      password,
      database,
      instanceId: DB_ID,
      engine: 'postgres',
      arn: rds.instance(DB_ID).arn,
      ...(tls ? { caFile: tls.caFile } : {}),
    },
    ...(cluster
      ? {
          aurora: {
            clusterId: cluster.id,
            arn: cluster.arn,
            writer: { host: '127.0.0.1', port: cluster.writer.port },
            reader: { host: '127.0.0.1', port: cluster.reader.port },
            user,
            password,
            database,
            instanceIds: [...cluster.memberIds],
            ...(tls ? { caFile: tls.caFile } : {}),
          },
        }
      : {}),
    ...data.info(`http://127.0.0.1:${apiPort}`),
    ...parts.info,
    options,
  };
  writeJsonAtomic(paths.labJson, info);
  log(`lab ready after ${Date.now() - started} ms: api ${info.awsEndpoint}, app ${info.appUrl}`);

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping the lab`);
    const hard = setTimeout(() => process.exit(1), 30_000);
    try {
      const t0 = Date.now();
      await fis.stopAll();
      group.stop();
      await Promise.all([
        alb.close(),
        api.close(),
        fleet.shutdown().then(() => log(`apps stopped after ${Date.now() - t0} ms`)),
        rds.stop().then(() => log(`databases stopped after ${Date.now() - t0} ms`)),
        data.stop(),
        parts.shutdown().then(() => log(`lab services stopped after ${Date.now() - t0} ms`)),
      ]);
    } catch (e) {
      log(`error during shutdown: ${(e as Error).stack}`);
    }
    rmSync(paths.labJson, { force: true });
    for (const e of readdirSync(paths.runtimeDir)) rmSync(join(paths.runtimeDir, e), { recursive: true, force: true });
    clearTimeout(hard);
    log('lab stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function waitHealthy(group: TargetGroup, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!group.allHealthy()) {
    if (Date.now() > end) throw new Error('targets did not become healthy');
    await sleep(50);
  }
}
