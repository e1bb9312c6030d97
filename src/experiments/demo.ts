import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type MessageSink, message } from '../io/messages.js';
import { formatHeadline, type Headline, headlineOf } from '../reports/headline.js';
import type { Verdict } from '../run/record.js';
import { runScenarioFile } from './compose/run-file.js';

export interface DemoLab {
  up(dir: string): Promise<void>;
  down(dir: string): Promise<void>;
}

export interface DemoResult {
  runs: ({
    scenario: string;
    runDir: string;
    verdict: Verdict;
    exitCode: number;
    rtoSeconds: number | null;
    rpoSeconds: number | null;
  } & { headline: Headline })[];
  exitCode: number;
}

/** The demo's drills, in order; `series` runs the three classic ones instead of the AZ drill. */
export const DEMO_SCENARIOS = {
  az: ['az-impairment.yaml'],
  series: ['ec2-instance-stop.yaml', 'rds-multi-az-failover.yaml', 'rds-pitr-restore.yaml'],
} as const;

/**
 * `npm run demo`: starts the lab, runs the drill(s) against it with the same engine as against AWS,
 * prints verdicts and where the evidence is, and always stops the lab again.
 */
export async function runDemo(o: {
  lab: DemoLab;
  labDir: string;
  scenariosDir: string;
  outDir: string;
  mode: keyof typeof DEMO_SCENARIOS;
  env: NodeJS.ProcessEnv;
  sink: MessageSink;
}): Promise<DemoResult> {
  const files = DEMO_SCENARIOS[o.mode].map((f) => join(o.scenariosDir, f)).filter((f) => existsSync(f));
  const fallback = join(o.scenariosDir, 'ec2-instance-stop.yaml');
  if (files.length === 0 && existsSync(fallback)) files.push(fallback);
  const runs: DemoResult['runs'] = [];
  await o.lab.up(o.labDir);
  try {
    for (const file of files) {
      o.sink.emit(message('info', 'DP_DEMO_I9102', `drill ${file}`));
      const name =
        file
          .split('/')
          .pop()
          ?.replace(/\.ya?ml$/, '') ?? 'drill';
      const r = await runScenarioFile(file, {
        yes: true,
        env: o.env,
        sink: o.sink,
        labDir: o.labDir,
        out: join(
          o.outDir,
          `${new Date()
            .toISOString()
            .replace(/[-:]/g, '')
            .replace(/\.\d+Z$/, 'Z')}-${name}`,
        ),
      });
      runs.push({
        scenario: file,
        runDir: r.runDir,
        verdict: r.record.verdict,
        exitCode: r.exitCode,
        rtoSeconds: r.record.measurements.rto?.seconds ?? null,
        rpoSeconds: r.record.measurements.rpo?.seconds ?? null,
        headline: headlineOf(r.record, r.runDir),
      });
    }
  } finally {
    o.sink.emit(message('info', 'DP_DEMO_I9103', 'stopping the lab'));
    await o.lab.down(o.labDir);
  }
  for (const r of runs) o.sink.emit(message('result', 'DP_DEMO_I9104', formatHeadline(r.headline), r));
  // A drill that ran and judged (passed, or objectives not met) is a working demo; anything else
  // (preflight, abort, rollback failure, tool error) is not.
  const worst = Math.max(0, ...runs.map((r) => (r.exitCode === 4 ? 0 : r.exitCode)));
  const exitCode = runs.length === 0 ? 1 : worst;
  return { runs, exitCode };
}
