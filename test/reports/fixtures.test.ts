import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRunDir } from '../../src/experiments/analysis/run-dir.js';
import type { Measurements } from '../../src/run/measurements.js';
import { FIXTURE_RUNS, type FixtureRun } from '../_helpers/evidence.js';

/**
 * The hand-made run directories were generated with their own implementation of the measurement
 * definitions (make-fixtures.mjs); the measurement core must compute the same numbers from the
 * same samples, so the evidence tests check rendering against values two implementations agree on.
 */
describe.each<FixtureRun>([
  'ec2-stop-passed',
  'ec2-stop-equivalent',
  'ec2-stop-slower',
  'az-impairment-failed',
  'fis-az-aws-passed',
])('fixture run %s', (name) => {
  it('has the measurements the measurement core computes from its samples and journal', async () => {
    const dir = join(FIXTURE_RUNS, name);
    const fixture = JSON.parse(await readFile(join(dir, 'measurements.json'), 'utf8')) as Measurements;
    const { measurements } = await analyzeRunDir(dir, { rtoProbes: ['web'] });
    expect(measurements.faultAtMs).toBe(fixture.faultAtMs);
    expect(measurements.rto).toEqual(fixture.rto);
    expect(measurements.rpo).toEqual(fixture.rpo);
    for (const p of ['web', 'heartbeat']) {
      expect(measurements.probes[p]?.phases, p).toEqual(fixture.probes[p]?.phases);
      expect(measurements.probes[p]?.split, p).toEqual(fixture.probes[p]?.split);
    }
  });
});
