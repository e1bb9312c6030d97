import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createAwsApis, defaultLabDir, readLabFacts, recoverRun } from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { type AwsFlags, addAwsFlags, awsFlagValues } from '../flags.js';
import { ConsoleSink } from '../render.js';

interface RecoverFlags extends AwsFlags {
  json?: boolean;
  lab?: string;
}

export const registerRecover: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const cmd = program
    .command('recover')
    .description('finish an interrupted rollback from a run directory (after a crash, kill -9 or a skipped rollback)')
    .argument('<run-dir>', 'run directory holding journal.ndjson')
    .option('--json', 'JSON lines on stdout instead of text')
    .option('--lab <dir>', 'lab state directory, when the lab was restarted since the run');
  addAwsFlags(cmd, 'the rollback calls (default: what the drill used, from the journal)');
  cmd.action(async (dir: string, flags: RecoverFlags) => {
    const sink = new ConsoleSink(ctx.io, { json: flags.json === true });
    const labDir = flags.lab ?? (ctx.io.env.DRILLPROOF_LAB_DIR ? defaultLabDir(ctx.io.env) : undefined);
    const aws = awsFlagValues(flags);
    const endpoint = labDir ? readLabFacts(resolve(labDir)).awsEndpoint : aws.endpoint;
    const r = await recoverRun(resolve(dir), {
      createAws: (target, record) => createAwsApis(target, record),
      sink,
      env: ctx.io.env,
      ...(endpoint ? { endpointOverride: endpoint } : {}),
      ...(aws.profile ? { profileOverride: aws.profile } : {}),
      ...(aws.region ? { regionOverride: aws.region } : {}),
    });
    ctx.setExitCode(r.exitCode);
  });
};
