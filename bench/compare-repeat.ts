/**
 * How often does `compare` call two consecutive lab runs of the same drill a regression? Starts a
 * private lab, then `--reps` times runs the drill twice in a row (the lab reset before each run)
 * and compares the two runs with the default tolerance. Prints every pair's verdict, RTOs and the
 * rows that regressed, the load average before and after, and writes the figures as JSON.
 * Not part of `npm test` (about a minute per pair):
 *
 *   node --import tsx bench/compare-repeat.ts [--scenario scenarios/lab/az-impairment.yaml] [--reps 10]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenarioFile } from '../src/experiments/compose/run-file.js';
import { silentSink } from '../src/io/messages.js';
import { labDown, labReset, labUp } from '../src/lab/lab.js';
import { compareRuns, DEFAULT_TOLERANCE, readComparedRun } from '../src/reports/compare.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'scenarios/lab/az-impairment.yaml' },
    reps: { type: 'string', default: '10' },
    out: { type: 'string' },
  },
});
const scenario = resolve(values.scenario as string);
const reps = Number(values.reps);
const work = mkdtempSync(join(tmpdir(), 'dp-compare-bench-'));
const labDir = join(work, 'lab');
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

interface Pair {
  rep: number;
  old: string;
  new: string;
  oldRto: number | null;
  newRto: number | null;
  oldVerdict: string;
  newVerdict: string;
  regressed: boolean;
  regressions: string[];
  loadAfter: number[];
}

async function runOnce(n: string): Promise<string> {
  await labReset({ dir: labDir });
  const r = await runScenarioFile(scenario, {
    yes: true,
    env: process.env,
    sink: silentSink,
    labDir,
    out: join(work, 'runs', n),
  });
  return r.runDir;
}

const started = Date.now();
const loadBefore = load();
const pairs: Pair[] = [];
await labUp({ dir: labDir });
try {
  for (let i = 1; i <= reps; i++) {
    const a = await readComparedRun(await runOnce(`${i}a`));
    const b = await readComparedRun(await runOnce(`${i}b`));
    const r = compareRuns(a, b, DEFAULT_TOLERANCE);
    const p: Pair = {
      rep: i,
      old: a.dir,
      new: b.dir,
      oldRto: a.evidence.measurements.rto?.seconds ?? null,
      newRto: b.evidence.measurements.rto?.seconds ?? null,
      oldVerdict: a.evidence.run.verdict,
      newVerdict: b.evidence.run.verdict,
      regressed: r.regressed,
      regressions: r.rows.filter((x) => x.regressed).map((x) => `${x.metric}: ${x.old} -> ${x.new} (${x.note})`),
      loadAfter: load(),
    };
    pairs.push(p);
    console.log(
      `pair ${i}: ${p.regressed ? 'REGRESSED' : 'no regression'}; RTO ${p.oldRto}s -> ${p.newRto}s; verdicts ${p.oldVerdict}/${p.newVerdict}; load ${p.loadAfter.join(' ')}`,
    );
    for (const x of p.regressions) console.log(`  ${x}`);
  }
} finally {
  await labDown({ dir: labDir });
}
const clean = pairs.filter((p) => !p.regressed).length;
const summary = {
  scenario: values.scenario,
  reps,
  noRegression: clean,
  loadBefore,
  loadAfter: load(),
  minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
  pairs,
};
console.log(
  `\n${clean} of ${pairs.length} pairs compare as "no regression" (${summary.minutes} min; load average before ${loadBefore.join(' ')}, after ${summary.loadAfter.join(' ')})`,
);
const out = values.out ?? join(work, 'compare-repeat.json');
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`figures: ${out}`);
if (!values.out) {
  // Keep only the figures: the run directories are large.
  rmSync(join(work, 'runs'), { recursive: true, force: true });
}
