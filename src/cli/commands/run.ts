import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { runScenarioFile } from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { type AwsFlags, addAwsFlags, addLabFlag, awsFlagValues } from '../flags.js';
import { type CliIo, ConsoleSink } from '../render.js';
import { addSigningFlags, type SigningFlags, signingFlagValues } from './signing-flags.js';

interface RunFlags extends AwsFlags, SigningFlags {
  out?: string;
  yes?: boolean;
  json?: boolean;
  lab?: string;
  k6?: string;
  pdf?: boolean;
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
  const cmd = program
    .command('run')
    .description('run a drill: preflight, baseline, inject, observe, rollback, verify, analysis, evidence')
    .argument('<scenario>', 'scenario YAML file')
    .option('--out <dir>', 'run directory (default <evidence.dir>/<run id>); must not exist yet')
    .option('--yes', 'confirm injection without asking (required without a terminal for provider aws)')
    .option('--json', 'JSON lines on stdout instead of text')
    .option('--k6 <binary>', 'k6 binary for scenarios with load.k6 (default K6_BIN or PATH)')
    .option('--pdf', 'also print report.pdf with a local Chromium (DRILLPROOF_CHROMIUM), covered by the signature');
  addLabFlag(cmd);
  addAwsFlags(cmd, 'the drill target (provider aws) and a KMS signing key');
  addSigningFlags(cmd);
  cmd.action(async (file: string, flags: RunFlags) => {
    const sink = new ConsoleSink(ctx.io, { json: flags.json === true });
    const ask = terminalAsk(ctx.io);
    const aws = awsFlagValues(flags);
    const result = await runScenarioFile(file, {
      yes: flags.yes === true,
      env: ctx.io.env,
      sink,
      aws,
      signing: { ...signingFlagValues(flags), ...aws },
      pdf: flags.pdf === true,
      ...(flags.out ? { out: flags.out } : {}),
      ...(flags.lab ? { labDir: flags.lab } : {}),
      ...(flags.k6 ? { k6: flags.k6 } : {}),
      ...(ask ? { ask } : {}),
    });
    // The drill said its verdict (the headline, DP_RUN_I1009) as it ended.
    ctx.setExitCode(result.exitCode);
  });
};
