import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { type Evidence, evidenceSchema } from '../reports/evidence-schema.js';
import { formatHeadline, type Headline } from '../reports/headline.js';

/**
 * The GitHub Actions entry (bin/drillproof-action.js, run by action.yml): runs one drill with the
 * CLI of this package, then turns its evidence into what GitHub shows: the job summary
 * ($GITHUB_STEP_SUMMARY: the headline and the objectives table of report.md), one `::error`
 * annotation per failed objective, step outputs ($GITHUB_OUTPUT), and the drill's exit code as
 * the step's result. Optionally compares with the pack of an earlier run (`compare`, exit 4 on a
 * regression).
 */
export interface ActionInput {
  scenario: string;
  runDir: string;
  /** Extra `drillproof run` arguments (signing, --lab, --profile …). */
  runArgs: string[];
  /** The pack of the last successful run, to fail on regressions. */
  compareWith?: string;
  tolerance?: string;
  env: NodeJS.ProcessEnv;
  /** The CLI to run (bin/drillproof.js of this package). */
  cli: string;
  stdout: NodeJS.WritableStream;
}

export interface ActionOutcome {
  exitCode: number;
  evidence: Evidence | null;
  failedObjectives: string[];
}

function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => out.write(c));
    child.stderr.on('data', (c: Buffer) => out.write(c));
    // GitHub cancels a job with SIGINT then SIGTERM: pass them on so the drill rolls back.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      done(code ?? (signal ? 1 : 0));
    });
  });
}

/** Workflow-command escaping (the `::error` message and its properties). */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The `## Objectives` section of report.md (heading to the next heading), as GitHub renders it. */
export function objectivesSection(reportMd: string): string {
  const m = /^## Objectives\n[\s\S]*?(?=^## )/m.exec(reportMd);
  return (m ? m[0] : '').trim();
}

function readEvidence(runDir: string): Evidence | null {
  try {
    return evidenceSchema.parse(JSON.parse(readFileSync(join(runDir, 'evidence.json'), 'utf8')));
  } catch {
    return null;
  }
}

function headlineFromEvidence(ev: Evidence, runDir: string): Headline {
  const html = join(runDir, 'report.html');
  return {
    verdict: ev.run.verdict,
    scenario: ev.scenario.name,
    exitCode: ev.run.exitCode,
    rtoSeconds: ev.measurements.rto?.seconds ?? null,
    rtoResolutionSeconds: ev.measurements.rto?.resolutionSeconds ?? null,
    rpoSeconds: ev.measurements.rpo?.seconds ?? null,
    rpoMeasured: ev.measurements.rpo !== null,
    objectivesMet: ev.headline.objectivesMet,
    objectivesTotal: ev.headline.objectivesTotal,
    runDir,
    report: existsSync(html) ? html : runDir,
    reason: ev.run.reason,
  };
}

function event(env: NodeJS.ProcessEnv): { trigger: string | null } {
  try {
    const e = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH as string, 'utf8')) as { schedule?: string };
    if (e.schedule) return { trigger: `schedule \`${e.schedule}\`` };
  } catch {
    // no event file: nothing to add
  }
  return { trigger: env.GITHUB_EVENT_NAME ?? null };
}

/** Multi-line-safe `name=value` lines for $GITHUB_OUTPUT. */
function outputLines(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => {
      if (!v.includes('\n')) return `${k}=${v}\n`;
      const d = `ghadelimiter_${Math.random().toString(36).slice(2)}`;
      return `${k}<<${d}\n${v}\n${d}\n`;
    })
    .join('');
}

export async function runGithubAction(i: ActionInput): Promise<ActionOutcome> {
  const runDir = resolve(i.runDir);
  const args = ['run', i.scenario, '--out', runDir, '--yes', ...i.runArgs];
  i.stdout.write(`::group::drillproof ${args.join(' ')}\n`);
  let exitCode = await runCli(i.cli, args, i.env, i.stdout);
  i.stdout.write('::endgroup::\n');

  const ev = readEvidence(runDir);
  const failed = (ev?.objectives ?? []).filter((o) => !o.ok);
  const scenarioFile = i.scenario;
  for (const o of failed)
    i.stdout.write(
      `::error file=${escapeProperty(scenarioFile)},title=${escapeProperty(`objective ${o.name} not met`)}::${escapeData(
        `${o.description}: expected ${o.expected}, actual ${o.actual}${o.reason ? ` (${o.reason})` : ''}`,
      )}\n`,
    );
  if (!ev)
    i.stdout.write(
      `::error title=no evidence::${escapeData(`the drill wrote no evidence.json in ${runDir} (exit ${exitCode})`)}\n`,
    );

  if (ev?.run.verdict === 'inconclusive')
    i.stdout.write(`::error title=inconclusive::${escapeData(`not a pass: ${ev.run.reason ?? 'inconclusive'}`)}\n`);

  let compareText = '';
  if (i.compareWith && ev) {
    if (existsSync(join(i.compareWith, 'evidence.json'))) {
      const chunks: string[] = [];
      const sink = new PassThrough();
      sink.on('data', (c: Buffer) => chunks.push(c.toString()));
      const code = await runCli(
        i.cli,
        ['compare', i.compareWith, runDir, ...(i.tolerance ? ['--tolerance', i.tolerance] : [])],
        i.env,
        sink,
      );
      const text = chunks.join('');
      i.stdout.write(text);
      compareText = `\n### Compared with the last successful run\n\n\`\`\`\n${text.trim()}\n\`\`\`\n`;
      if (code === 4) {
        i.stdout.write(`::error title=regression::${escapeData(`slower or lossier than ${i.compareWith}`)}\n`);
        if (exitCode === 0) exitCode = 4;
      }
    } else compareText = `\nNo earlier pack at \`${i.compareWith}\`: nothing to compare with.\n`;
  }

  const summaryPath = i.env.GITHUB_STEP_SUMMARY;
  if (summaryPath) {
    const lines: string[] = [];
    if (ev) {
      const h = headlineFromEvidence(ev, i.runDir);
      lines.push(`## drillproof: ${formatHeadline({ ...h, exitCode })}`, '');
      const trig = event(i.env).trigger;
      if (trig) lines.push(`Triggered by ${trig}.`, '');
      const md = existsSync(join(runDir, 'report.md')) ? readFileSync(join(runDir, 'report.md'), 'utf8') : '';
      const objectives = objectivesSection(md);
      if (objectives) lines.push(objectives, '');
      if (ev.signing) lines.push(`**Signature**: ${ev.signing.summary}.`, '');
    } else lines.push(`## drillproof: no evidence (exit ${exitCode})`, '');
    appendFileSync(summaryPath, `${lines.join('\n')}${compareText}\n`);
  }
  const outputPath = i.env.GITHUB_OUTPUT;
  if (outputPath) {
    const n = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    appendFileSync(
      outputPath,
      outputLines({
        'exit-code': String(exitCode),
        verdict: ev?.run.verdict ?? 'error',
        'rto-seconds': n(ev?.measurements.rto?.seconds),
        'rpo-seconds': n(ev?.measurements.rpo?.seconds),
        'objectives-met': n(ev?.headline.objectivesMet),
        'objectives-total': n(ev?.headline.objectivesTotal),
        'failed-objectives': failed.map((o) => o.name).join(','),
        'run-dir': runDir,
        report: join(runDir, 'report.html'),
      }),
    );
  }
  return { exitCode, evidence: ev, failedObjectives: failed.map((o) => o.name) };
}
