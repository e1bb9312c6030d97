import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { runScenarioFile } from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { type CliIo, ConsoleSink } from '../render.js';

interface RunFlags {
  out?: string;
  yes?: boolean;
  json?: boolean;
  lab?: string;
  k6?: string;
}

/** Asks a yes/no question on the terminal (only when stdin is a TTY). */
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

export const registerRun: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('run')
    .description('run a drill: preflight, baseline, inject, observe, rollback, verify, analysis, evidence')
    .argument('<scenario>', 'scenario YAML file')
    .option('--out <dir>', 'run directory (default <evidence.dir>/<run id>)')
    .option('--yes', 'confirm injection without asking (required without a terminal for provider aws)')
    .option('--json', 'JSON lines on stdout instead of text')
    .option('--lab <state dir>', 'lab state directory (default .lab or DRILLPROOF_LAB_DIR)')
    .option('--k6 <binary>', 'k6 binary for scenarios with load.k6 (default K6_BIN or PATH)')
    .action(async (file: string, flags: RunFlags) => {
      const sink = new ConsoleSink(ctx.io, { json: flags.json === true });
      const ask = terminalAsk(ctx.io);
      const result = await runScenarioFile(file, {
        yes: flags.yes === true,
        env: ctx.io.env,
        sink,
        ...(flags.out ? { out: flags.out } : {}),
        ...(flags.lab ? { labDir: flags.lab } : {}),
        ...(flags.k6 ? { k6: flags.k6 } : {}),
        ...(ask ? { ask } : {}),
      });
      sink.emit({
        time: new Date().toISOString(),
        level: 'result',
        code: 'DP_RUN_I1011',
        message: `results in ${result.runDir}`,
        data: { runDir: result.runDir, files: result.files, verdict: result.record.verdict },
      });
      ctx.setExitCode(result.exitCode);
    });
};
