import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createAwsApis } from '../../aws/clients.js';
import { loadScenarioFile } from '../../experiments/load.js';
import { defaultDrillPorts } from '../../experiments/phases/default-ports.js';
import { awsTargetOf, defaultLabDir, type LabFacts, newRunId, readLabFacts } from '../../experiments/phases/target.js';
import { runDrill } from '../../experiments/runner.js';
import { resolveScenarioVars } from '../../experiments/vars.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { type CliIo, ConsoleSink } from '../render.js';

interface RunFlags {
  out?: string;
  yes?: boolean;
  json?: boolean;
  lab?: string;
}

/** Asks a yes/no question on the terminal (only used when stdin is a TTY). */
export function terminalAsk(io: CliIo): ((q: string) => Promise<boolean>) | undefined {
  if (!io.stdin?.isTTY) return undefined;
  return async (q) => {
    const rl = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: io.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(q)).trim());
    } finally {
      rl.close();
    }
  };
}

export async function runCommand(file: string, flags: RunFlags, ctx: CommandContext): Promise<void> {
  const loaded = loadScenarioFile(file);
  const sink = new ConsoleSink(ctx.io, { json: flags.json === true });
  for (const w of loaded.warnings)
    sink.emit({ time: new Date().toISOString(), level: 'warn', code: 'DP_RUN_W1010', message: w.message, data: w });
  let lab: LabFacts | null = null;
  if (loaded.scenario.target.provider === 'lab') lab = readLabFacts(resolve(flags.lab ?? defaultLabDir(ctx.io.env)));
  const scenario = resolveScenarioVars(loaded.scenario, { env: ctx.io.env, ...(lab ? { lab } : {}) });
  const runId = newRunId(scenario.metadata.name);
  const runDir = resolve(flags.out ?? join(scenario.evidence?.dir ?? 'runs', runId));
  const target = awsTargetOf(scenario, lab);
  const isLab = scenario.target.provider === 'lab';
  const pollMs = isLab ? 200 : 5000;
  const ask = terminalAsk(ctx.io);
  const result = await runDrill(
    {
      scenario,
      scenarioPath: file,
      scenarioText: loaded.text,
      scenarioSha256: loaded.sha256,
      runDir,
      runId,
      yes: flags.yes === true,
      interactive: ask !== undefined,
      fisTemplates: loaded.fisTemplates,
    },
    {
      createAws: (record) => createAwsApis(target, record),
      provider: scenario.target.provider,
      ports: defaultDrillPorts({ env: ctx.io.env, sink, pollMs }),
      sink,
      pollMs,
      waitTimeoutMs: isLab ? 120_000 : 30 * 60_000,
      env: ctx.io.env,
      ...(ask ? { ask } : {}),
    },
  );
  sink.emit({
    time: new Date().toISOString(),
    level: 'result',
    code: 'DP_RUN_I1011',
    message: `results: ${result.runDir} (${['journal.ndjson', 'measurements.json', ...result.files.map((f) => f.replace(`${result.runDir}/`, ''))].filter((v, i, a) => a.indexOf(v) === i).join(', ')})`,
    data: { runDir: result.runDir, files: result.files },
  });
  ctx.setExitCode(result.exitCode);
}

export const registerRun: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('run')
    .description('run a drill: preflight, baseline, inject, observe, rollback, verify, analysis, evidence')
    .argument('<scenario>', 'scenario YAML file')
    .option('--out <dir>', 'run directory (default <evidence.dir>/<run id>)')
    .option('--yes', 'confirm injection without asking (required without a terminal for provider aws)')
    .option('--json', 'JSON lines on stdout instead of text')
    .option('--lab <state dir>', 'lab state directory (default .lab or DRILLPROOF_LAB_DIR)')
    .action((file: string, flags: RunFlags) => runCommand(file, flags, ctx));
};
