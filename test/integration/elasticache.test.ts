import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { LEASE_TAG } from '../../src/experiments/faults/lease-kind.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { labEnv } from '../../src/lab/lab.js';
import { DEFAULT_REDIS_KEY_PREFIX } from '../../src/probes/kinds/redis.js';
import { readJournal } from '../../src/run/journal.js';
import { listSampleFiles, readProbeSamples } from '../../src/run/sample-reader.js';
import { useLab } from '../_helpers/lab.js';
import { drill, killedWhen, LAB_SCENARIOS, usePolicyRuns, variant } from './_drill.js';

/**
 * The lab ElastiCache failover drill end to end: real Redis servers (primary + replica in two lab
 * AZs, TLS and an AUTH token), TestFailover through the lab API, the redis-heartbeat probe writing
 * through the primary endpoint. What the drill says it lost is compared with an independent read
 * of the promoted node's keys.
 */
const lab = useLab({ aurora: false, redis: 'replication', redisTls: true });
/** Each drill below runs under exactly its scenario's generated IAM policy. */
const drillUnderPolicy = usePolicyRuns(import.meta.filename, () => lab.dir());

/** One call through a real ElastiCache client against the lab's API. */
async function withElastiCache<T>(call: (c: ElastiCacheClient) => Promise<T>): Promise<T> {
  const i = lab.info();
  const c = new ElastiCacheClient({
    region: i.region,
    endpoint: i.awsEndpoint,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
  try {
    return await call(c);
  } finally {
    c.destroy();
  }
}

async function group() {
  const id = lab.info().elasticache?.replicationGroupId;
  return (await withElastiCache((c) => c.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))))
    .ReplicationGroups?.[0];
}

/** The lease tags on the replication group, read with ListTagsForResource (DescribeReplicationGroups has no tags). */
async function groupLeaseTags(arn: string): Promise<string[]> {
  const res = await withElastiCache((c) => c.send(new ListTagsForResourceCommand({ ResourceName: arn })));
  return (res.TagList ?? []).filter((t) => t.Key === LEASE_TAG).map((t) => t.Value ?? '');
}

async function members() {
  return ((await group())?.NodeGroups?.[0]?.NodeGroupMembers ?? []).map((m) => ({
    id: m.CacheClusterId as string,
    role: m.CurrentRole,
    az: m.PreferredAvailabilityZone,
    port: m.ReadEndpoint?.Port as number,
  }));
}

describe('lab ElastiCache failover', { timeout: 150_000 }, () => {
  it('reports the acknowledged writes it really lost (an independent read of the promoted node) and RTO', async () => {
    const info = lab.info();
    const ec = info.elasticache;
    if (!ec?.caFile || !ec.authToken) throw new Error('the lab has no TLS Redis replication group');
    // Warm the TLS client path once (module load, first handshake) so the baseline measures Redis,
    // not this process starting up on a loaded machine.
    const warm = new Redis({
      host: '127.0.0.1',
      port: ec.primaryEndpoint.port,
      password: ec.authToken,
      tls: { ca: readFileSync(ec.caFile) },
      lazyConnect: true,
    });
    await warm.connect();
    expect(await warm.ping()).toBe('PONG');
    warm.disconnect();
    const before = await members();
    const oldPrimary = before.find((m) => m.role === 'primary');
    expect(oldPrimary).toBeDefined();

    const { result, runDir } = await drillUnderPolicy(join(LAB_SCENARIOS, 'elasticache-failover.yaml'), {
      env: labEnv(info),
    });
    const rec = result.record;
    expect(rec.verdict, rec.reason).not.toBe('inconclusive');
    expect([0, 4], rec.reason).toContain(result.exitCode);
    const fault = rec.faults[0];
    expect(fault).toMatchObject({ type: 'elasticache-failover', rollback: 'succeeded' }); // the inverse waits until the group is available
    expect(fault?.confirmation?.status, fault?.confirmation?.detail).toBe('confirmed');

    // ElastiCache itself: the other node is primary now, in another AZ.
    const after = await members();
    const newPrimary = after.find((m) => m.role === 'primary');
    expect(newPrimary?.id).not.toBe(oldPrimary?.id);
    expect(newPrimary?.az).not.toBe(oldPrimary?.az);

    // The acknowledged writes, from the samples.
    const file = listSampleFiles(runDir).find((f) => f.probe === 'cache');
    if (!file) throw new Error('no cache sample file');
    const { samples } = await readProbeSamples(file.path);
    const acked = samples.filter((s) => s.write?.outcome === 'acknowledged').map((s) => s.seq);
    expect(acked.length).toBeGreaterThan(50);

    // Independently: the keys on the promoted node, read straight from it (not the endpoint).
    const r = new Redis({
      host: '127.0.0.1',
      port: newPrimary?.port as number,
      password: ec.authToken,
      tls: { ca: readFileSync(ec.caFile) },
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    await r.connect();
    let stored: Set<number>;
    try {
      expect(await r.info('replication')).toContain('role:master');
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await r.scan(
          cursor,
          'MATCH',
          `${DEFAULT_REDIS_KEY_PREFIX}:{${rec.runId}}:*`,
          'COUNT',
          1000,
        );
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      stored = new Set(keys.map((k) => Number(k.split(':').pop())));
    } finally {
      r.disconnect();
    }
    const lost = acked.filter((s) => !stored.has(s));
    const rpo = rec.measurements.rpo;
    expect(rpo?.probe).toBe('cache');
    expect(rpo?.acknowledgedWrites).toBe(acked.length);
    expect(rpo?.lostWrites).toBe(lost.length);
    expect(rpo?.lostSeqs).toEqual(lost.slice(0, 1000));
    expect(rpo?.seconds, JSON.stringify(rpo)).not.toBeNull();
    if (lost.length === 0) expect(rpo?.seconds).toBe(0);
    else expect(rpo?.seconds as number).toBeGreaterThan(0);

    const rto = rec.measurements.rto;
    expect(rto?.seconds, JSON.stringify(rto)).not.toBeNull();
    if (!rto?.noOutage) expect(rto?.seconds as number).toBeGreaterThan(0);
    console.log(
      `elasticache-failover: ${oldPrimary?.id}@${oldPrimary?.az} -> ${newPrimary?.id}@${newPrimary?.az}; ${acked.length} acknowledged, ${lost.length} lost (record ${rpo?.lostWrites}), RPO ${rpo?.seconds}s; RTO ${rto?.seconds}s via ${rto?.probe} (noOutage ${rto?.noOutage}); cache failed in fault ${rec.measurements.probes.cache?.phases.fault.failed}`,
    );
  });

  it('killed with -9 after TestFailover: recover waits until the group is available with one primary', async () => {
    const before = await members();
    const oldPrimary = before.find((m) => m.role === 'primary');
    // Only the cache probe: the run is killed long before any measurement. A 3 s baseline (60
    // samples) so that one slow TLS write on a loaded machine does not fail the steady state.
    const file = variant('elasticache-failover', (d) => {
      d.steps.baseline = '3s';
      d.probes = d.probes.filter((p: { name: string }) => p.name === 'cache');
      d.steps.observe.recovery.probes = ['cache'];
    });
    const out = await killedWhen(file, lab.dir(), '"kind":"fault.acknowledged"', labEnv(lab.info()));
    const journalFile = join(out, 'journal.ndjson');
    const killed = readJournal(journalFile).entries;
    expect(killed.some((e) => e.kind === 'run.finished')).toBe(false);
    // The lease's release was journaled first (after preflight), then the failover's own inverse.
    const inverses = killed
      .filter((e) => e.kind === 'inverse.recorded')
      .map((e) => e.data as { stepId: string; inverse: { action: string } });
    expect(inverses.map((i) => [i.stepId, i.inverse.action])).toEqual([
      ['lease.elasticache', 'elasticache.release-lease'],
      ['failover', 'elasticache.await-available'],
    ]);

    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await recoverRun(out, {
      createAws: (t, rec) => createAwsApis(t, rec),
      sink,
      pollMs: 200,
      env: labEnv(lab.info()),
    });
    const recoverS = (Date.now() - t0) / 1000;
    expect(r.exitCode).toBe(0);
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['failover', 'succeeded'],
      ['lease.elasticache', 'succeeded'],
    ]);
    expect(sink.messages.map((m) => m.code)).toEqual([
      'DP_RECOVER_I8002',
      'DP_ROLLBACK_I4001',
      'DP_ROLLBACK_I4001',
      'DP_RECOVER_I8004',
    ]);
    // As found, as AWS leaves a failover (and as recover leaves rds-failover): the group available,
    // exactly one primary, the promoted node (nothing is failed back), the other a replica.
    const g = await group();
    expect(g?.Status).toBe('available');
    const after = await members();
    expect(after.filter((m) => m.role === 'primary')).toHaveLength(1);
    expect(after.find((m) => m.role === 'primary')?.id).not.toBe(oldPrimary?.id);
    expect(after.map((m) => m.id).sort()).toEqual(before.map((m) => m.id).sort());
    // The primary endpoint answers writes through the promoted node.
    const ec = lab.info().elasticache;
    const client = new Redis({
      host: '127.0.0.1',
      port: ec?.primaryEndpoint.port as number,
      password: ec?.authToken as string,
      tls: { ca: readFileSync(ec?.caFile as string) },
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    await client.connect();
    try {
      expect(await client.set(`dp-test:${Date.now()}`, '1', 'EX', 60)).toBe('OK');
    } finally {
      client.disconnect();
    }
    const tail = readJournal(journalFile).entries.slice(killed.length);
    expect(tail.map((e) => e.kind)).toEqual(expect.arrayContaining(['rollback.started', 'rollback.succeeded']));
    expect(tail.find((e) => e.kind === 'run.finished')?.data).toMatchObject({ verdict: 'aborted' });
    console.log(
      `elasticache-failover kill -9: recover waited ${recoverS}s until ${g?.ReplicationGroupId} was available`,
    );
  });

  it('two elasticache-failover drills started together: the second exits 3 naming the first, no lease is left', async () => {
    const arn = (await group())?.ARN as string;
    expect(arn).toMatch(/^arn:aws:elasticache:[^:]+:\d{12}:replicationgroup:/);
    // Two drills probe at once: each at half the shipped rates, so together they load the lab app
    // and Redis no more than one shipped drill does.
    const file = variant('elasticache-failover', (d) => {
      for (const p of d.probes) {
        if (p.rate) p.rate = '5/s';
        if (p.interval) p.interval = '100ms';
      }
    });
    const env = labEnv(lab.info());
    const [a, b] = await Promise.all([drill(file, lab.dir(), { env }), drill(file, lab.dir(), { env })]);
    const runs = [a, b].map((d) => d.result);
    console.info(runs.map((r) => `${r.record.runId}: exit ${r.exitCode} ${r.record.reason ?? ''}`).join('\n'));
    expect(runs.map((r) => r.exitCode).sort(), runs.map((r) => r.record.reason).join(' | ')).toEqual([0, 3]);
    const winner = runs.find((r) => r.exitCode === 0);
    const loser = runs.find((r) => r.exitCode === 3);
    expect(loser?.record.reason).toContain(`${arn} is held by drill ${winner?.record.runId}`);
    expect(loser?.record.faults).toEqual([]);
    expect(winner?.record.faults.map((f) => [f.type, f.rollback])).toEqual([['elasticache-failover', 'succeeded']]);
    // The lease went through ElastiCache's tag calls, and both drills left none behind.
    const ops = a.journal
      .concat(b.journal)
      .filter((e) => e.kind === 'aws.call' && e.data.service === 'elasticache')
      .map((e) => e.data.operation);
    expect(ops).toEqual(expect.arrayContaining(['AddTagsToResource', 'ListTagsForResource', 'RemoveTagsFromResource']));
    expect(await groupLeaseTags(arn)).toEqual([]);
    // As one failover leaves it: available, exactly one primary (the second drill failed nothing over).
    expect((await group())?.Status).toBe('available');
    expect((await members()).filter((m) => m.role === 'primary')).toHaveLength(1);
  });
});
