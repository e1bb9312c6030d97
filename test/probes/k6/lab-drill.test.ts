import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRunDir } from '../../../src/experiments/analysis/run-dir.js';
import type { SampleFileHeader } from '../../../src/run/samples.js';
import { FAKE_K6, fakeK6Env, K6_FIXTURES } from '../../_helpers/fake-k6.js';
import { useLab } from '../../_helpers/lab.js';
import { drill, variant } from '../../integration/_drill.js';
import { type RefSample, refPhase, refRto } from '../../measurements/_reference.js';

/**
 * The shipped ec2-stop lab drill with k6 load through the fake k6 executable: the engine starts
 * k6 next to its probes, stops it with the drill, and the k6 samples are measured by the same code
 * as every probe. The per-phase figures must equal an independent computation over the lines k6
 * wrote.
 */
const lab = useLab({ aurora: false });

/** RFC 3339 → epoch ms keeping sub-millisecond digits, written apart from src's parser. */
function epochMs(t: string): number {
  const frac = /\.(\d+)/.exec(t)?.[1];
  return Date.parse(t.replace(/\.\d+/, '')) + (frac ? Number(`0.${frac}`) * 1000 : 0);
}

describe('lab drill with k6 load (fake k6)', () => {
  it('ec2 stop: k6 per-phase P95 equals an independent computation over the k6 lines', async () => {
    const file = variant('ec2-instance-stop', (doc) => {
      doc.steps.baseline = '1s';
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a scenario variable, resolved by drillproof
      doc.load = { k6: { generate: { url: '${lab.appUrl}/', rate: '10/s', timeout: '2s' } } };
    });
    // k6 replays a 20 s run (outage 8–11 s after its first point), rebased to when it starts.
    const env = {
      K6_BIN: FAKE_K6,
      ...fakeK6Env({
        fixture: join(K6_FIXTURES, 'generated-run-20s.ndjson'),
        summary: join(K6_FIXTURES, 'handle-summary-generated-passed.json'),
        hold: true,
        rebase: true,
        batch: 200,
        lineMs: 1,
      }),
    };
    const { result, journal, runDir } = await drill(file, lab.dir(), { env });
    expect({ exit: result.exitCode, reason: result.record.reason }).toEqual({ exit: 0, reason: undefined });
    expect(result.record.k6).toMatchObject({ classification: 'stopped', exitCode: 103 });
    expect(journal.map((e) => e.kind)).toContain('rollback.succeeded');

    const header = JSON.parse(
      readFileSync(join(runDir, 'samples', 'k6.ndjson'), 'utf8').split('\n')[0] as string,
    ) as SampleFileHeader;
    const drift = header.clock?.driftMs ?? 0;
    const pts: RefSample[] = readFileSync(join(runDir, 'k6', 'k6-output.json'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'Point' && l.metric === 'drillproof_latency')
      .map((l, i) => ({
        seq: i,
        scheduled: epochMs(l.data.time) - drift - l.data.value,
        ok: l.data.tags.ok === 'true',
        latencyMs: l.data.value,
      }))
      .sort((a, b) => a.scheduled - b.scheduled);
    expect(pts).toHaveLength(200);
    const F = journal.find((e) => e.kind === 'fault.acknowledged')?.t as number;
    const end = (pts.at(-1) as RefSample).scheduled + 100;
    const W = Math.max(10 * 100, 5000);
    const rto = refRto(pts, F, W, end);
    const R = rto.R ?? end;
    const first = Math.min((pts[0] as RefSample).scheduled, header.t0);
    const m = (await analyzeRunDir(runDir)).measurements.probes.k6;
    for (const [phase, from, to] of [
      ['baseline', first, F],
      ['fault', F, R],
      ['recovery', R, end],
      ['all', first, end],
    ] as const) {
      const want = refPhase(pts, from, to, 2000);
      const got = m?.phases[phase];
      expect({
        phase,
        n: got?.scheduled,
        ok: got?.ok,
        p95: got?.p95Ms,
        p95All: got?.p95WithFailuresMs,
        p99: got?.p99Ms,
      }).toEqual({
        phase,
        n: want.scheduled,
        ok: want.ok,
        p95: want.p95,
        p95All: want.p95All,
        p99: want.p99,
      });
    }
    // the replayed outage lies after F: failures in the fault phase, and a recovery within the data
    expect(m?.phases.baseline.scheduled).toBeGreaterThan(0);
    expect(m?.phases.fault.failed).toBeGreaterThan(0);
    expect(m?.rto?.seconds).toBeCloseTo((R - F) / 1000, 6);
    // the evidence carries k6's thresholds
    const ev = JSON.parse(readFileSync(join(runDir, 'evidence.json'), 'utf8'));
    expect(JSON.stringify(ev)).toContain('drillproof_latency: p(95)<3000');
  });
});
