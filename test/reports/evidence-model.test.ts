import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvidence, serializeEvidence } from '../../src/reports/evidence-model.js';
import { evidenceSchema } from '../../src/reports/evidence-schema.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { FIXTURE_RUNS } from '../_helpers/evidence.js';

const expected = JSON.parse(readFileSync(join(FIXTURE_RUNS, 'expected.json'), 'utf8')) as Record<
  string,
  { rto: number; rpo: number; ok: boolean }
>;

/** Nearest-rank percentile, written independently of the fixture generator. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.ceil((p / 100) * s.length) - 1] as number;
}

describe('buildEvidence', () => {
  it('builds schema-valid evidence whose headline matches the fixture run', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'ec2-stop-passed'));
    const ev = buildEvidence(run.record, run.journal);
    expect(evidenceSchema.safeParse(ev).success).toBe(true);
    expect(ev.run.verdict).toBe('passed');
    expect(ev.headline.rto?.seconds).toBe(expected['ec2-stop-passed']?.rto);
    expect(ev.headline.rto?.text).toBe('11.75s');
    expect(ev.headline.objectivesMet).toBe(4);
    expect(ev.objectives.map((o) => [o.name, o.expected, o.actual])).toEqual([
      ['rto', '<= 60s', '11.75s'],
      ['rpo', '<= 0s', '0s'],
      ['p95:web:recovery', '<= 800ms', expect.stringMatching(/ms$/)],
      ['availability:web:all', '>= 90%', expect.stringMatching(/%$/)],
    ]);
  });

  it('reports per-phase percentiles that match the raw samples (failures counted at the timeout)', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'az-impairment-failed'));
    const ev = buildEvidence(run.record, run.journal);
    const web = run.samples.find((s) => s.header.probe === 'web');
    const pm = ev.measurements.probes.web;
    expect(web && pm).toBeTruthy();
    const F = ev.measurements.faultAtMs as number;
    const R = Date.parse(pm?.rto?.recoveredAt as string);
    const fault = web?.samples.filter((s) => s.scheduled >= F && s.scheduled < R) ?? [];
    const withFailures = fault.map((s) => (s.ok ? s.latencyMs : (web?.header.timeoutMs as number)));
    expect(pm?.phases.fault.scheduled).toBe(fault.length);
    expect(pm?.phases.fault.p95WithFailuresMs).toBe(percentile(withFailures, 95));
    expect(pm?.phases.fault.availability).toBeCloseTo(fault.filter((s) => s.ok).length / fault.length, 12);
  });

  it('lays out the AWS timeline with RDS events by id, target health reasons and request ids', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'az-impairment-failed'));
    const ev = buildEvidence(run.record, run.journal);
    const failoverStart = ev.timeline.find((t) => t.eventId === 'RDS-EVENT-0013');
    expect(failoverStart?.what).toBe('RDS-EVENT-0013: Multi-AZ failover started');
    expect(failoverStart?.offsetSeconds).toBe(9.1);
    expect(ev.timeline.some((t) => t.source === 'elbv2' && t.what === 'unhealthy (Target.Timeout)')).toBe(true);
    expect(ev.timeline.find((t) => t.kind === 'fault.acknowledged')?.requestIds).toHaveLength(1);
    expect(ev.awsCalls.map((c) => `${c.service}:${c.operation}`)).toEqual([
      'sts:GetCallerIdentity',
      'fis:StartExperiment',
      'ec2:StartInstances',
    ]);
  });

  it('is a pure function: the same input gives the same bytes', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'az-impairment-failed'));
    expect(serializeEvidence(buildEvidence(run.record, run.journal))).toBe(
      serializeEvidence(buildEvidence(structuredClone(run.record), structuredClone(run.journal))),
    );
  });
});

describe('buildTimeline', () => {
  it('reads recovery.detected as the engine writes it (every recovery probe, hold window)', async () => {
    const { buildTimeline } = await import('../../src/reports/timeline.js');
    const t = buildTimeline(
      [
        {
          seq: 0,
          time: '2026-11-22T08:02:39.089Z',
          t: 1000,
          kind: 'recovery.detected',
          data: { probes: ['web', 'hb'], at: 1000, holdMs: 5000 },
        },
        {
          seq: 1,
          time: '2026-11-22T08:02:40.089Z',
          t: 2000,
          kind: 'recovery.detected',
          data: { probe: 'web', at: 2000 },
        },
      ],
      500,
    );
    expect(t.map((x) => [x.resource, x.what, x.offsetSeconds])).toEqual([
      ['web, hb', 'recovery confirmed by probes web, hb (held ok for 5s)', 0.5],
      ['web', 'recovery confirmed by probe web', 1.5],
    ]);
  });
});
