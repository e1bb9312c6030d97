import { describe, expect, it } from 'vitest';
import { computeMeasurements } from '../../src/measurements/compute.js';
import { judgeObjectives } from '../../src/measurements/objectives.js';
import { failoverRpo, restoreRpo } from '../../src/measurements/rpo.js';
import { seriesFromSamples } from '../../src/measurements/series.js';
import type { HeartbeatReadback, Sample } from '../../src/run/samples.js';

// The worked examples of docs/measurements.md, checked by hand there.
const t0 = Date.parse('2026-11-22T10:00:00.000Z');
const s = (seq: number) => t0 + seq * 1000;

function exampleA() {
  const okLatency: Record<number, number> = {
    0: 10,
    1: 12,
    2: 11,
    3: 13,
    4: 50,
    8: 300,
    10: 20,
    11: 15,
    12: 25,
    13: 10,
  };
  const samples: Sample[] = [];
  for (let seq = 0; seq <= 13; seq++) {
    const lat = okLatency[seq];
    samples.push({
      probe: 'web',
      seq,
      scheduled: s(seq),
      ok: lat !== undefined,
      latencyMs: lat ?? 2000,
      serviceMs: null,
      status: lat !== undefined ? 200 : 503,
      error: lat !== undefined ? null : 'http_status',
    });
  }
  return seriesFromSamples(
    { probe: 'web', kind: 'http', intervalMs: 1000, timeoutMs: 2000, t0, recoveryWindowMs: 3000 },
    samples,
  );
}

describe('worked example A: RTO, phases, percentiles', () => {
  const m = computeMeasurements({ series: [exampleA()], faultMs: t0 + 4500 });
  const web = m.probes.web;

  it('RTO 5.5 s ± 1 s, detected after 0.5 s, outage 5 s, failed time 4 s, 2 failure runs', () => {
    expect(m.rto).toEqual({
      probe: 'web',
      seconds: 5.5,
      resolutionSeconds: 1,
      noOutage: false,
      detectedAt: '2026-11-22T10:00:05.000Z',
      detectedAtMs: s(5),
      recoveredAt: '2026-11-22T10:00:10.000Z',
      recoveredAtMs: s(10),
      timeToDetectSeconds: 0.5,
      outageDurationSeconds: 5,
      failedTimeSeconds: 4,
      flaps: 2,
      windowSeconds: 3,
    });
  });

  it('phases and both percentile flavours, and the exact split they came from', () => {
    expect(web?.split).toEqual({ startMs: s(0), faultMs: t0 + 4500, recoveredMs: s(10), endMs: s(14) });
    expect(web?.phases.baseline).toMatchObject({
      scheduled: 5,
      ok: 5,
      availability: 1,
      p50Ms: 12,
      p95Ms: 50,
      maxMs: 50,
    });
    expect(web?.phases.fault).toMatchObject({
      startMs: t0 + 4500,
      endMs: s(10),
      scheduled: 5,
      ok: 1,
      availability: 0.2,
      p50Ms: 300,
      p50WithFailuresMs: 2000,
      p95WithFailuresMs: 2000,
    });
    expect(web?.phases.recovery).toMatchObject({ scheduled: 4, ok: 4, p50Ms: 15, p95Ms: 25, p99Ms: 25 });
    expect(web?.phases.all).toMatchObject({
      scheduled: 14,
      ok: 10,
      availability: 10 / 14,
      p50Ms: 13,
      p95Ms: 300,
      p99Ms: 300,
      p50WithFailuresMs: 20,
      p95WithFailuresMs: 2000,
      maxWithFailuresMs: 2000,
    });
  });

  it('without W in the file the default max(10Δ, 5 s) = 10 s applies, and the data ends too soon: null', () => {
    const series = { ...exampleA() };
    delete series.recoveryWindowMs;
    const m2 = computeMeasurements({ series: [series], faultMs: t0 + 4500 });
    expect(m2.rto?.seconds).toBeNull();
    expect(m2.rto?.windowSeconds).toBe(10);
    expect(m2.probes.web?.phases.fault.endMs).toBe(s(14));
    expect(m2.probes.web?.phases.recovery.scheduled).toBe(0);
  });

  it('no failed sample after F: RTO 0 with noOutage', () => {
    const m3 = computeMeasurements({ series: [exampleA()], faultMs: s(10) });
    expect(m3.rto).toMatchObject({ seconds: 0, noOutage: true, flaps: 0, detectedAt: null });
    expect(m3.probes.web?.phases.fault.scheduled).toBe(0);
    expect(m3.probes.web?.phases.recovery.scheduled).toBe(4);
  });

  it('no sample at or after F (the probe ended first): RTO null, never 0', () => {
    const m4 = computeMeasurements({ series: [exampleA()], faultMs: s(20) });
    expect(m4.rto).toMatchObject({ seconds: null, noOutage: false, detectedAt: null });
    expect(m4.probes.web?.phases.baseline.scheduled).toBe(14);
  });

  it('objective verdicts: expected vs actual, unmeasured fails', () => {
    const v = judgeObjectives(
      {
        rtoMs: 60_000,
        rpoMs: 0,
        latency: [
          { probe: 'web', phase: 'recovery', percentile: 95, maxMs: 100 },
          { probe: 'web', phase: 'all', percentile: 95, maxMs: 500, flavour: 'okOnly' },
        ],
        availability: [{ probe: 'web', phase: 'all', min: 0.99 }],
        maxErrorRate: [{ probe: 'web', phase: 'fault', max: 0.5 }],
      },
      m,
    );
    expect(v.map((x) => [x.name, x.measured, x.ok])).toEqual([
      ['rto', 5.5, true],
      ['rpo', null, false],
      ['p95:web:recovery', 25, true],
      ['p95-ok:web:all', 300, true],
      ['availability:web:all', 10 / 14, false],
      ['errorRate:web:fault', 0.8, false],
    ]);
    expect(v[1]?.reason).toBe('no heartbeat probe ran');
    expect(v[0]?.target).toBe('<= 1m');
    const unrecovered = computeMeasurements({ series: [exampleA()], faultMs: t0 + 4500, allWindowMs: 10_000 });
    const [rto] = judgeObjectives({ rtoMs: 60_000 }, unrecovered);
    expect(rto).toMatchObject({ measured: null, ok: false, reason: 'not recovered before the end of observation' });
  });
});

describe('worked example D: a sparse outage (one of four ALB targets stopped)', () => {
  const ms = (seq: number) => t0 + seq * 50;
  const samples: Sample[] = [];
  for (let seq = 0; seq < 140; seq++) {
    const failed = seq >= 12 && seq <= 24 && seq % 4 === 0;
    samples.push({
      probe: 'web',
      seq,
      scheduled: ms(seq),
      ok: !failed,
      latencyMs: failed ? 3 : 12,
      serviceMs: null,
      status: failed ? 502 : 200,
      error: failed ? 'http_status' : null,
    });
  }
  const series = seriesFromSamples({ probe: 'web', kind: 'http', intervalMs: 50, timeoutMs: 2000, t0 }, samples);

  it("RTO 0.73 s with resolution 0.2 s (the failures' spacing, not Δ), detected after 0.08 s, 4 flaps", () => {
    const m = computeMeasurements({ series: [series], faultMs: t0 + 520 });
    expect(m.rto).toMatchObject({
      seconds: 0.73,
      resolutionSeconds: 0.2,
      detectedAtMs: ms(12),
      recoveredAtMs: ms(25),
      timeToDetectSeconds: 0.08,
      outageDurationSeconds: 0.65,
      failedTimeSeconds: 0.2,
      flaps: 4,
      windowSeconds: 5,
    });
  });

  it('an outage that fails every sample keeps Δ; a single failed sample gives Δ', () => {
    const solid = samples.map((x) => ({ ...x, ok: !(x.seq >= 12 && x.seq <= 24) }));
    const one = samples.map((x) => ({ ...x, ok: x.seq !== 12 }));
    for (const xs of [solid, one]) {
      const m = computeMeasurements({
        series: [seriesFromSamples({ probe: 'web', kind: 'http', intervalMs: 50, timeoutMs: 2000, t0 }, xs)],
        faultMs: t0 + 520,
      });
      expect(m.rto?.resolutionSeconds).toBe(0.05);
    }
  });
});

describe('worked example B and C: RPO', () => {
  const acked = new Set([0, 1, 2, 3, 4, 5, 7, 8]);
  const samples: Sample[] = Array.from({ length: 10 }, (_, seq) => ({
    probe: 'hb',
    seq,
    scheduled: t0 + seq * 200,
    ok: acked.has(seq),
    latencyMs: acked.has(seq) ? 3 : 1000,
    serviceMs: null,
    status: null,
    error: acked.has(seq) ? null : 'timeout',
    write: { outcome: acked.has(seq) ? 'acknowledged' : 'indeterminate', sentAt: t0 + seq * 200 },
  }));
  const hb = seriesFromSamples(
    { probe: 'hb', kind: 'postgres-heartbeat', intervalMs: 200, timeoutMs: 1000, t0 },
    samples,
  );
  const rb = (seqs: number[], kind: 'failover' | 'restore' = 'failover'): HeartbeatReadback => ({
    probe: 'hb',
    runId: 'r',
    readAt: t0 + 60_000,
    source: 'db:5432/app',
    kind,
    seqs,
    sentAt: seqs.map((q) => t0 + q * 200),
  });

  it('failover: lost = acknowledged − read back; RPO = sent_at(last lost) − sent_at(last surviving ack before it)', () => {
    expect(failoverRpo(hb, rb([0, 1, 2, 3, 6]))).toEqual({
      probe: 'hb',
      kind: 'failover',
      seconds: 1,
      lostWrites: 4,
      acknowledgedWrites: 8,
      indeterminateWrites: 2,
      attemptedWrites: 10,
      readBackWrites: 5,
      resolutionSeconds: 0.2,
      lostSeqs: [4, 5, 7, 8],
    });
    expect(failoverRpo(hb, rb([0, 1, 2, 3, 4, 5, 7, 8]))).toMatchObject({ seconds: 0, lostWrites: 0 });
    expect(failoverRpo(hb, null)).toMatchObject({ seconds: null, readBackWrites: 0 });
  });

  it('restore: RPO = F − H (newest restored heartbeat)', () => {
    const F = t0 + 20_000;
    const r = restoreRpo(hb, rb([0, 1, 2, 3, 4], 'restore'), F);
    expect(r.seconds).toBe(19.2);
    expect(r.lostWrites).toBe(3);
    expect(r.lostSeqs).toEqual([5, 7, 8]);
    const m = computeMeasurements({ series: [hb], readbacks: [rb([0, 1, 2, 3, 4], 'restore')], faultMs: F });
    expect(m.rpo?.kind).toBe('restore');
  });
});

describe('RPO of a snapshot restore: the heartbeat rows, else the snapshot creation time', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const samples: Sample[] = [0, 1, 2, 3].map((seq) => ({
    probe: 'hb',
    seq,
    scheduled: t0 + seq * 500,
    ok: true,
    latencyMs: 3,
    serviceMs: null,
    status: null,
    error: null,
    write: { outcome: 'acknowledged', sentAt: t0 + seq * 500 },
  }));
  const hb = seriesFromSamples(
    { probe: 'hb', kind: 'postgres-heartbeat', intervalMs: 500, timeoutMs: 1000, t0 },
    samples,
  );
  const F = t0 + 10_000;
  const snapshotArn = 'arn:aws:rds:us-east-1:000000000000:snapshot:lab-db-dp-20260101t000000z-3f9a-restore';
  const restore = {
    restoredInstance: 'lab-db-dp-20260101t000000z-3f9a-restore',
    faultAt: new Date(F).toISOString(),
    faultAtMs: F,
    verifiedAt: new Date(F + 4000).toISOString(),
    verifiedAtMs: F + 4000,
    resolutionMs: 200,
    verification: { ok: true, checks: [] },
    recoveryPointArn: snapshotArn,
    recoveryPointCreatedAtMs: t0 + 1200,
  };
  const readback = (seqs: number[]): HeartbeatReadback => ({
    probe: 'hb',
    runId: 'r',
    readAt: F + 3000,
    source: 'restored:5432/app',
    kind: 'restore',
    seqs,
    sentAt: seqs.map((q) => t0 + q * 500),
  });

  it('rows in the copy: RPO = F − H, the heartbeat is the basis', () => {
    const m = computeMeasurements({ series: [hb], readbacks: [readback([0, 1, 2])], faultMs: F, restore });
    expect(m.rpo).toMatchObject({ probe: 'hb', kind: 'restore', seconds: (F - (t0 + 1000)) / 1000 });
  });

  it('no heartbeat table in the snapshot: RPO = F − SnapshotCreateTime, the snapshot named as the basis', () => {
    const m = computeMeasurements({ series: [hb], readbacks: [readback([])], faultMs: F, restore });
    expect(m.rpo).toMatchObject({ probe: `recovery-point:${snapshotArn}`, kind: 'restore', seconds: 8.8 });
  });

  it('no creation time known and no rows: unmeasured, never 0', () => {
    const m = computeMeasurements({
      series: [hb],
      readbacks: [readback([])],
      faultMs: F,
      restore: { ...restore, recoveryPointCreatedAtMs: null },
    });
    expect(m.rpo?.seconds).toBeNull();
  });
});
