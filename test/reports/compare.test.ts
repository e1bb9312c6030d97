import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeDrill } from '../../src/experiments/analysis/drill.js';
import { parseScenarioText } from '../../src/experiments/load.js';
import { DEFAULT_TOLERANCE } from '../../src/reports/compare/tolerance.js';
import { compareEvidence, compareRuns, parseTolerance, readComparedRun } from '../../src/reports/compare.js';
import { buildEvidence } from '../../src/reports/evidence-model.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import type { RunRecord } from '../../src/run/record.js';
import { runCli } from '../_helpers/cli.js';
import { cleanupTempDirs, copyRun, FIXTURE_RUNS, type FixtureRun, tempDir } from '../_helpers/evidence.js';

afterAll(cleanupTempDirs);

async function evidenceOf(name: FixtureRun) {
  const run = await loadRunDir(join(FIXTURE_RUNS, name));
  return buildEvidence(run.record, run.journal);
}

const fixture = (name: FixtureRun) => readComparedRun(join(FIXTURE_RUNS, name));

type WebSample = { scheduled: number; seq: number; ok: boolean; [k: string]: unknown };

/** A copy of a fixture run with its web samples changed by `change` (given R), analysed again from its files. */
async function changedRun(name: FixtureRun, change: (s: WebSample, R: number) => WebSample): Promise<string> {
  const dir = await copyRun(name);
  const record = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunRecord;
  const R = record.measurements.probes.web?.rto?.recoveredAtMs as number;
  const path = join(dir, 'samples', 'web.ndjson');
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const changed = lines.map((l) => {
    const s = JSON.parse(l);
    return s.type === 'header' ? l : JSON.stringify(change(s, R));
  });
  await writeFile(path, `${changed.join('\n')}\n`);
  const run = await loadRunDir(dir);
  const { scenario } = parseScenarioText(record.scenario.text, join(dir, 'scenario.yaml'));
  const { measurements, objectives } = await analyzeDrill({ runDir: dir, scenario, journal: run.journal });
  const ok = objectives.every((o) => o.ok);
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify({ ...record, measurements, objectives, verdict: ok ? 'passed' : 'failed', exitCode: ok ? 0 : 4 }),
  );
  return dir;
}

const timeout = (s: WebSample): WebSample => ({
  ...s,
  ok: false,
  latencyMs: 2000,
  serviceMs: null,
  status: null,
  error: 'timeout',
});

/** The web probe recovers `delayMs` later: from its recovery on, samples time out for `delayMs` more. */
const slowerRecovery = (name: FixtureRun, delayMs: number) =>
  changedRun(name, (s, R) => (s.scheduled >= R && s.scheduled < R + delayMs ? timeout(s) : s));

describe('compare: only differences beyond resolution, tolerance and confidence count', () => {
  it('two equivalent runs of the same drill: no regression, percentiles inside their intervals', async () => {
    const r = compareRuns(await fixture('ec2-stop-passed'), await fixture('ec2-stop-equivalent'), DEFAULT_TOLERANCE);
    expect(r.drill).toMatchObject({ same: true, basis: 'file' });
    expect(r.rows.filter((x) => x.regressed)).toEqual([]);
    expect(r.regressed).toBe(false);
    const rto = r.rows.find((x) => x.metric === 'RTO');
    // 0.3 s slower is within 0.1 s + 0.1 s resolution (failures every other sample) + max(1 s, 10 % of 11.75 s).
    expect(rto).toMatchObject({
      old: '11.75s \u00b10.1s',
      new: '12.05s \u00b10.1s',
      change: '+0.3s',
      verdict: 'same',
    });
    expect(rto?.note).toBe('margin 1.375s (resolutions 0.2s + tolerance 1.175s)');
    const p95 = r.rows.find((x) => x.metric === 'P95 web recovery');
    expect(p95?.note).toMatch(/^95% intervals from \d+ and \d+ samples \(\d+ and \d+ independent\); margin/);
    expect(p95?.old).toMatch(/^[\d.]+ms \[[\d.]+ms–[\d.]+ms\]$/);
  });

  it('a run whose recovery took 5 s longer (samples shifted) regresses, and says by how much', async () => {
    const slower = await slowerRecovery('ec2-stop-passed', 5000);
    const r = compareRuns(await fixture('ec2-stop-passed'), await readComparedRun(slower), DEFAULT_TOLERANCE);
    const rto = r.rows.find((x) => x.metric === 'RTO');
    expect(rto).toMatchObject({
      old: '11.75s \u00b10.1s',
      new: '16.75s \u00b10.05s',
      change: '+5s',
      verdict: 'regressed',
    });
    expect(r.regressed).toBe(true);
    // The CLI exits 4 and names it.
    const cli = await runCli(['compare', join(FIXTURE_RUNS, 'ec2-stop-passed'), slower]);
    expect(cli.code).toBe(4);
    expect(cli.stdout).toMatch(/^RTO\s+11\.75s ±0\.1s\s+16\.75s ±0\.05s\s+\+5s\s+REGRESSED/m);
  });

  it('1 s slower is within the default tolerance, and a tighter one catches it', async () => {
    const slower = await slowerRecovery('ec2-stop-passed', 1000);
    const a = await fixture('ec2-stop-passed');
    const b = await readComparedRun(slower);
    expect(compareRuns(a, b, DEFAULT_TOLERANCE).rows.find((x) => x.metric === 'RTO')?.verdict).toBe('same');
    const tight = compareRuns(a, b, parseTolerance('rto=0s,rto=0%'));
    expect(tight.rows.find((x) => x.metric === 'RTO')?.verdict).toBe('regressed');
  });

  it('flags the much slower fixture run by its RTO and the objective that went with it', async () => {
    const r = compareRuns(await fixture('ec2-stop-passed'), await fixture('ec2-stop-slower'), DEFAULT_TOLERANCE);
    expect(r.rows.find((x) => x.metric === 'RTO')).toMatchObject({ new: '38.35s \u00b10.1s', verdict: 'regressed' });
    // The outage is the RTO's to judge; availability is judged where failures are not the outage.
    expect(r.rows.find((x) => x.metric === 'availability web all')).toMatchObject({
      change: '\u221213.3 pp',
      verdict: 'not judged',
    });
    expect(r.rows.find((x) => x.metric === 'availability web fault')?.verdict).toBe('not judged');
    expect(r.rows.find((x) => x.metric === 'availability web recovery')?.note).toMatch(
      /^95% intervals from 1165 and 633 samples/,
    );
    expect(r.rows.some((x) => x.metric === 'objective availability:web:all' && x.regressed)).toBe(true);
  });

  it('scattered failures after recovery regress the recovery phase availability', async () => {
    const flaky = await changedRun('ec2-stop-passed', (s, R) =>
      s.scheduled >= R + 10_000 && s.seq % 12 === 5 ? timeout(s) : s,
    );
    const r = compareRuns(await fixture('ec2-stop-passed'), await readComparedRun(flaky), DEFAULT_TOLERANCE);
    const av = r.rows.find((x) => x.metric === 'availability web recovery');
    expect(av?.verdict).toBe('regressed');
    expect(av?.note).toMatch(/new high bound [\d.]+% is below old low bound [\d.]+%/);
    expect(r.rows.find((x) => x.metric === 'RTO')?.verdict).toBe('same');
  });

  it('does not call a recovery slower when only late samples (an overloaded machine) make it so', async () => {
    // Two samples the engine could not send on time, 3 s after recovery: counted as failed, they
    // break the clean window and push R 3.1 s later.
    const loaded = await changedRun('ec2-stop-passed', (s, R) =>
      s.scheduled >= R + 3000 && s.scheduled < R + 3100 ? { ...timeout(s), error: 'late', late: true } : s,
    );
    const r = compareRuns(await fixture('ec2-stop-passed'), await readComparedRun(loaded), DEFAULT_TOLERANCE);
    const rto = r.rows.find((x) => x.metric === 'RTO');
    expect(rto).toMatchObject({ new: '14.85s \u00b10.1s', verdict: 'not judged', loadLimited: true });
    expect(rto?.note).toContain('0 and 2 samples of web flagged late after F');
    expect(rto?.note).toContain('with them set aside the RTOs are 11.75s and 11.75s');
    expect(r.regressed).toBe(false);
    const cli = await runCli(['compare', join(FIXTURE_RUNS, 'ec2-stop-passed'), loaded]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(
      'not judged: 1 metric(s) worse only through samples the machine could not send on time',
    );
    // A real outage that is longer still regresses, late samples or not.
    const slower = await changedRun('ec2-stop-passed', (s, R) =>
      s.scheduled >= R && s.scheduled < R + 5000
        ? timeout(s)
        : s.scheduled >= R + 9000 && s.scheduled < R + 9100
          ? { ...timeout(s), error: 'late', late: true }
          : s,
    );
    const r2 = compareRuns(await fixture('ec2-stop-passed'), await readComparedRun(slower), DEFAULT_TOLERANCE);
    expect(r2.rows.find((x) => x.metric === 'RTO')).toMatchObject({ verdict: 'regressed' });
  });

  it('percentiles without raw samples are compared by their reported values, and say so', async () => {
    const r = compareEvidence(await evidenceOf('ec2-stop-passed'), await evidenceOf('ec2-stop-equivalent'));
    expect(r.rows.find((x) => x.metric === 'P95 web baseline')?.note).toContain('no raw samples to bound it');
  });
});

describe('compare: the same drill only', () => {
  it('refuses runs of different drills (exit 2) and says why, unless --force', async () => {
    const a = join(FIXTURE_RUNS, 'ec2-stop-passed');
    const b = join(FIXTURE_RUNS, 'az-impairment-failed');
    const cli = await runCli(['compare', a, b]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('CompareDifferentDrills');
    expect(cli.stderr).toContain('different drills: "ec2-instance-stop" and "az-impairment-us-east-1a"');
    expect(cli.stderr).toContain('--force');
    const forced = await runCli(['compare', a, b, '--force', '--json']);
    expect(forced.code).toBe(4);
    const j = JSON.parse(forced.stdout);
    expect(j.drill).toMatchObject({ same: false, basis: 'forced' });
    expect(j.rows.find((x: { metric: string }) => x.metric === 'lost acknowledged writes')).toMatchObject({
      old: '0',
      new: '3',
      verdict: 'regressed',
      note: 'data loss appeared: 3 acknowledged write(s) lost',
    });
  });

  it('accepts a scenario whose comments, description or objectives changed, and names a changed probe or fault', async () => {
    const a = await evidenceOf('ec2-stop-passed');
    const b = await evidenceOf('ec2-stop-equivalent');
    const cosmetic = {
      ...b,
      scenario: {
        ...b.scenario,
        sha256: 'f'.repeat(64),
        text: `# reviewed 2026-11-22\n${b.scenario.text.replace('users should see a short blip only', 'a blip').replace('rto: 60s', 'rto: 45s')}`,
      },
    };
    expect(compareEvidence(a, cosmetic).drill).toMatchObject({ same: true, basis: 'structure' });
    const changed = {
      ...cosmetic,
      scenario: {
        ...cosmetic.scenario,
        text: cosmetic.scenario.text.replace('rate: 20/s', 'rate: 50/s').replace('baseline: 30s', 'baseline: 10s'),
      },
    };
    expect(() => compareEvidence(a, changed)).toThrow(
      /drill "ec2-instance-stop" changed between the runs: its probes, steps differ/,
    );
  });
});

describe('compare --html', () => {
  it('writes one self-contained page with both runs side by side per probe', async () => {
    const out = join(await tempDir(), 'compare.html');
    const slower = await slowerRecovery('ec2-stop-passed', 5000);
    const r = await runCli(['compare', join(FIXTURE_RUNS, 'ec2-stop-passed'), slower, '--html', out]);
    expect(r.code).toBe(4);
    const html = await readFile(out, 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    for (const p of ['web', 'heartbeat']) {
      const pair = new RegExp(`<div class="pair" data-probe="${p}">(.*?)</div></div>`, 's').exec(html)?.[1] ?? '';
      expect(pair.match(/<svg data-chart="latency"/g), p).toHaveLength(2);
    }
    expect(html).toContain('data-regressed="true"');
    expect(html).toMatch(/<tr class="regressed" data-metric="RTO">/);
  });
});

describe('parseTolerance', () => {
  it('reads a single percentage and per-metric relative and absolute parts', () => {
    const all = parseTolerance('20%');
    expect([all.rto.relative, all.p50.relative, all.p95.relative, all.p99.relative]).toEqual([0.2, 0.2, 0.2, 0.2]);
    expect(all.rto.absolute).toBe(DEFAULT_TOLERANCE.rto.absolute);
    const t = parseTolerance('rto=5%, rto=2s, p95=15ms, p99=50%, availability=0.5%, rpo=2s, lost=1, confidence=99%');
    expect(t.rto).toEqual({ relative: 0.05, absolute: 2 });
    expect(t.p95).toEqual({ relative: DEFAULT_TOLERANCE.p95.relative, absolute: 15 });
    expect(t.p99.relative).toBe(0.5);
    expect(t.availability).toBe(0.005);
    expect(t.rpo.absolute).toBe(2);
    expect(t.lostWrites).toBe(1);
    expect(t.confidence).toBe(0.99);
    expect(() => parseTolerance('fast')).toThrow(/invalid --tolerance "fast"/);
    expect(() => parseTolerance('latency=5%')).toThrow(/unknown metric "latency"/);
    expect(() => parseTolerance('confidence=40%')).toThrow(/confidence takes a percentage above 50%/);
  });
});
