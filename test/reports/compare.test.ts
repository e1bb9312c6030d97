import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareEvidence, DEFAULT_TOLERANCE, parseTolerance } from '../../src/reports/compare.js';
import { buildEvidence } from '../../src/reports/evidence-model.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { FIXTURE_RUNS, type FixtureRun } from '../_helpers/evidence.js';

async function evidenceOf(name: FixtureRun) {
  const run = await loadRunDir(join(FIXTURE_RUNS, name));
  return buildEvidence(run.record, run.journal);
}

describe('compareEvidence', () => {
  it('passes two equivalent runs of the same drill', async () => {
    const r = compareEvidence(await evidenceOf('ec2-stop-passed'), await evidenceOf('ec2-stop-equivalent'));
    expect(r.rows.filter((x) => x.regressed)).toEqual([]);
    expect(r.regressed).toBe(false);
    const rto = r.rows.find((x) => x.metric === 'RTO');
    expect(rto).toMatchObject({ old: '11.75s', new: '12.05s', change: '+0.3s' });
  });

  it('flags an RTO regression, and the availability and objective that went with it', async () => {
    const r = compareEvidence(await evidenceOf('ec2-stop-passed'), await evidenceOf('ec2-stop-slower'));
    expect(r.regressed).toBe(true);
    const rto = r.rows.find((x) => x.metric === 'RTO');
    // 11.75 s × 1.1 + 0.05 s resolution = 12.975 s allowed; 38.35 s measured.
    expect(rto).toMatchObject({ old: '11.75s', new: '38.35s', regressed: true });
    expect(rto?.note).toContain('12.975s');
    expect(r.rows.find((x) => x.metric === 'availability web all')?.regressed).toBe(true);
    expect(r.rows.some((x) => x.metric === 'objective availability:web:all' && x.regressed)).toBe(true);
  });

  it('flags data loss that appeared', async () => {
    const r = compareEvidence(await evidenceOf('ec2-stop-passed'), await evidenceOf('az-impairment-failed'));
    expect(r.rows.find((x) => x.metric === 'RPO')).toMatchObject({
      regressed: true,
      note: expect.stringContaining('data loss appeared'),
    });
  });

  it("a wide tolerance accepts the slower run's RTO", async () => {
    const r = compareEvidence(
      await evidenceOf('ec2-stop-passed'),
      await evidenceOf('ec2-stop-slower'),
      parseTolerance('rto=300%'),
    );
    expect(r.rows.find((x) => x.metric === 'RTO')?.regressed).toBe(false);
  });
});

describe('parseTolerance', () => {
  it('reads a single percentage and per-metric values', () => {
    expect(parseTolerance('20%')).toEqual({ ...DEFAULT_TOLERANCE, rto: 0.2, p95: 0.2 });
    expect(parseTolerance('rto=300%').rto).toBe(3);
    expect(parseTolerance('rto=5%, p95=50%, availability=0.5%, rpo=2s')).toEqual({
      rto: 0.05,
      p95: 0.5,
      availability: 0.005,
      rpoSeconds: 2,
    });
    expect(() => parseTolerance('fast')).toThrow(/invalid --tolerance "fast"/);
    expect(() => parseTolerance('latency=5%')).toThrow(/invalid --tolerance/);
  });
});
