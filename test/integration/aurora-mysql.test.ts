import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { listSampleFiles, readProbeSamples } from '../../src/run/sample-reader.js';
import { useLab } from '../_helpers/lab.js';
import { LAB_SCENARIOS, usePolicyRuns } from './_drill.js';

/**
 * The lab Aurora MySQL drill (MariaDB writer + semi-synchronous replica): the heartbeat writes
 * through the cluster's writer endpoint, which the failover moves to the promoted replica.
 */
const lab = useLab({ auroraMysql: true, aurora: false });
/** Each drill below runs under exactly its scenario's generated IAM policy. */
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

describe('lab Aurora MySQL failover', { timeout: 150_000 }, () => {
  it('loses no acknowledged write (an independent read of the new writer) and measures RTO', async () => {
    const { result, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'aurora-mysql-failover.yaml'));
    expect([0, 4], result.record.reason).toContain(result.exitCode);
    const m = result.record.measurements;
    expect(m.rto?.seconds, JSON.stringify(m.rto)).not.toBeNull();
    expect(m.rto?.seconds as number).toBeGreaterThan(0);
    expect(m.probes.hb?.phases.fault.failed).toBeGreaterThan(0);
    // Independently: the acknowledged writes from the samples, the rows from the writer endpoint now.
    const file = listSampleFiles(runDir).find((f) => f.probe === 'hb');
    if (!file) throw new Error('no hb sample file');
    const { samples } = await readProbeSamples(file.path);
    const acked = samples.filter((s) => s.write?.outcome === 'acknowledged').map((s) => s.seq);
    expect(acked.length).toBeGreaterThan(10);
    const c = lab.info().auroraMysql;
    if (!c) throw new Error('the lab has no Aurora MySQL cluster');
    const conn = await mysql.createConnection({
      host: c.writer.host,
      port: c.writer.port,
      user: c.user,
      password: c.password,
      database: c.database,
    });
    try {
      const [rows] = await conn.query('SELECT seq FROM drillproof.heartbeat WHERE run_id = ?', [result.record.runId]);
      const stored = new Set((rows as { seq: number | string }[]).map((r) => Number(r.seq)));
      expect(acked.filter((s) => !stored.has(s))).toEqual([]);
      // The read went to the promoted writer: it accepts writes.
      const [ro] = await conn.query('SELECT @@global.read_only AS ro');
      expect(Number((ro as { ro: number }[])[0]?.ro)).toBe(0);
    } finally {
      await conn.end();
    }
    expect(m.rpo?.lostWrites).toBe(0);
    expect(m.rpo?.seconds).toBe(0);
    expect(result.record.faults[0]).toMatchObject({ type: 'aurora-failover' });
  });
});
