import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  InvalidDBClusterStateFault,
} from '@aws-sdk/client-rds';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { analyzeRunDir } from '../../src/experiments/analysis/run-dir.js';
import { createDbAccess } from '../../src/experiments/compose/db-access.js';
import { labDown, labReset } from '../../src/lab/lab.js';
import { isAlive, ProcessRegistry } from '../../src/lab/processes.js';
import { rdsEventIdForMessage } from '../../src/lab/rds/events.js';
import { labPaths } from '../../src/lab/state-dir.js';
import { startProbes } from '../../src/probes/engine.js';
import type { HeartbeatProbeConfig } from '../../src/probes/kinds/heartbeat/runner.js';
import type { Sample } from '../../src/run/samples.js';
import { eventually, labClients, useLab } from '../_helpers/lab.js';

const lab = useLab({ auroraMysql: true, aurora: false });
const CLUSTER = 'lab-aurora-mysql';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hbConfig(port: number, password: string): HeartbeatProbeConfig {
  return {
    kind: 'mysql-heartbeat',
    name: 'hb',
    intervalMs: 100,
    timeoutMs: 1000,
    maxInFlight: 40,
    schema: 'drillproof',
    table: 'heartbeat',
    connection: {
      host: '127.0.0.1',
      port,
      database: 'app',
      user: 'drillproof',
      password: { type: 'literal', value: password },
      ssl: 'disable',
    },
    connectTimeoutMs: 1000,
  };
}

/** Every row of the run, read through a fresh connection (not the probe's own read-back path). */
async function independentRead(port: number, password: string, runId: string): Promise<number[]> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'drillproof', password, database: 'app' });
  try {
    const [rows] = await c.query('SELECT seq FROM drillproof.heartbeat WHERE run_id = ? ORDER BY seq', [runId]);
    return (rows as { seq: number | string }[]).map((r) => Number(r.seq));
  } finally {
    await c.end();
  }
}

describe('lab Aurora MySQL (MariaDB writer + semi-synchronous replica)', () => {
  it('describes the cluster and its instances as aurora-mysql, in two AZs', async () => {
    const { rds } = labClients(lab.info());
    const info = lab.info().auroraMysql;
    expect(info?.clusterId).toBe(CLUSTER);
    const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters?.[0];
    expect(c?.Engine).toBe('aurora-mysql');
    expect(c?.Status).toBe('available');
    expect(c?.Port).toBe(info?.writer.port);
    expect(c?.AvailabilityZones?.sort()).toEqual(['lab-1a', 'lab-1b']);
    expect(c?.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter])).toEqual([
      [`${CLUSTER}-1`, true],
      [`${CLUSTER}-2`, false],
    ]);
    const inst = await rds.send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [CLUSTER] }] }),
    );
    expect(inst.DBInstances?.map((i) => [i.DBInstanceIdentifier, i.Engine, i.AvailabilityZone])).toEqual([
      [`${CLUSTER}-1`, 'aurora-mysql', 'lab-1a'],
      [`${CLUSTER}-2`, 'aurora-mysql', 'lab-1b'],
    ]);
  });

  it('the reader endpoint is a read-only replica; the writer endpoint takes writes', async () => {
    const info = lab.info().auroraMysql;
    if (!info) throw new Error('no aurora-mysql in lab.json');
    const w = await mysql.createConnection({
      host: '127.0.0.1',
      port: info.writer.port,
      user: info.user,
      password: info.password,
      database: info.database,
    });
    const r = await mysql.createConnection({
      host: '127.0.0.1',
      port: info.reader.port,
      user: info.user,
      password: info.password,
      database: info.database,
    });
    try {
      await w.query('CREATE TABLE IF NOT EXISTS probe_t (id int primary key)');
      await w.query('INSERT INTO probe_t VALUES (1)');
      // Semi-sync: acknowledged means on the replica's relay log; applied a moment later.
      await eventually(
        async () => ((await r.query('SELECT count(*) AS n FROM probe_t'))[0] as { n: number }[])[0]?.n === 1,
        5000,
      );
      await expect(r.query('INSERT INTO probe_t VALUES (2)')).rejects.toMatchObject({
        code: 'ER_OPTION_PREVENTS_STATEMENT',
      });
    } finally {
      await w.end();
      await r.end();
    }
  });

  it('fails over with no acknowledged heartbeat lost (independent read) and measures the outage', async () => {
    const info = lab.info().auroraMysql;
    if (!info) throw new Error('no aurora-mysql in lab.json');
    const { rds } = labClients(lab.info());
    const dir = mkdtempSync(join(tmpdir(), 'dp-mysql-failover-'));
    const runId = `run-${Date.now()}`;
    const h = await startProbes({ probes: [hbConfig(info.writer.port, info.password)], outDir: dir, runId });
    const samples: Sample[] = [];
    h.subscribe((s) => samples.push(s));
    await eventually(() => samples.filter((s) => s.ok).length >= 10, 10_000);
    const F = h.clock.nowMs();
    const started = new Date();
    await rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: CLUSTER }));
    await expect(rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: CLUSTER }))).rejects.toBeInstanceOf(
      InvalidDBClusterStateFault,
    );
    await eventually(async () => {
      const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters?.[0];
      return (
        c?.Status === 'available' &&
        c.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier === `${CLUSTER}-2`
      );
    }, 60_000);
    await sleep(1500);
    const result = await h.stop({ readback: true });
    const acked = samples.filter((s) => s.write?.outcome === 'acknowledged').map((s) => s.seq);
    const read = await independentRead(info.writer.port, info.password, runId);
    // Every acknowledged write is on the new writer; nothing is there that was never attempted.
    expect(acked.filter((s) => !read.includes(s))).toEqual([]);
    const attempted = new Set(samples.filter((s) => s.write).map((s) => s.seq));
    expect(read.filter((s) => !attempted.has(s))).toEqual([]);
    expect(result.readbacks[0]?.seqs).toEqual(read);
    const { measurements: m } = await analyzeRunDir(dir, { faultAtMs: F, allWindowMs: 500 });
    expect(m.rpo).toMatchObject({ lostWrites: 0 });
    expect(m.rto?.seconds).not.toBeNull();
    expect(m.rto?.seconds ?? 99).toBeLessThan(10);

    const ev = await rds.send(
      new DescribeEventsCommand({ SourceIdentifier: CLUSTER, SourceType: 'db-cluster', StartTime: started }),
    );
    const ids = (ev.Events ?? []).map((e) => rdsEventIdForMessage(e.Message ?? ''));
    expect(ids).toEqual(['RDS-EVENT-0073', 'RDS-EVENT-0071']);
    expect(ev.Events?.[1]?.Message).toBe(`Completed failover to DB instance: ${CLUSTER}-2`);
    const inst = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: `${CLUSTER}-2` }));
    expect(inst.DBInstances?.[0]?.AvailabilityZone).toBe('lab-1b');
  });

  it('restore verification queries run against it (db-access, mysql flavour)', async () => {
    const info = lab.info().auroraMysql;
    if (!info) throw new Error('no aurora-mysql in lab.json');
    const scenario = {
      target: { provider: 'lab', region: 'us-east-1' },
      probes: [
        {
          name: 'hb',
          type: 'mysql-heartbeat',
          interval: '100ms',
          connection: {
            host: '127.0.0.1',
            port: info.writer.port,
            database: 'app',
            user: info.user,
            password: { env: 'DRILLPROOF_LAB_DB_PASSWORD' },
            ssl: 'disable',
          },
        },
      ],
    } as unknown as Parameters<typeof createDbAccess>[0];
    const access = createDbAccess(scenario, 'no-such-run', { DRILLPROOF_LAB_DB_PASSWORD: info.password });
    if (!access) throw new Error('no db access');
    const rows = await access.query('hb', { host: '127.0.0.1', port: info.reader.port }, 'SELECT 1 + 1, @@read_only');
    expect(rows).toEqual([[2, 1]]);
    const rb = await access.readBack('hb', { host: '127.0.0.1', port: info.writer.port });
    expect(rb.seqs).toEqual([]);
  });

  it('lab reset puts the writer back on the first instance', async () => {
    const { rds } = labClients(lab.info());
    await labReset({ dir: lab.dir() });
    const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters?.[0];
    expect(c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe(`${CLUSTER}-1`);
    expect(c?.Status).toBe('available');
  });

  it('lab down after a crashed supervisor leaves no MariaDB server running', async () => {
    const paths = labPaths(lab.dir());
    const servers = ProcessRegistry.read(paths.pidsJson).filter((r) => r.name.startsWith('mariadbd'));
    expect(servers.length).toBe(2);
    process.kill(lab.info().supervisorPid, 'SIGKILL');
    await eventually(() => !isAlive(lab.info().supervisorPid), 5000);
    expect(servers.every((r) => isAlive(r.pid))).toBe(true);
    const r = await labDown({ dir: lab.dir() });
    expect(r.leftovers).toBeGreaterThanOrEqual(2);
    expect(servers.filter((x) => isAlive(x.pid))).toEqual([]);
  });
});
