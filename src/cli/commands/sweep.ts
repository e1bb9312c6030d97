import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  createAwsApis,
  DrillproofError,
  defaultLabDir,
  ExitCode,
  loadScenarioFile,
  readLabFacts,
  sweep,
  systemClock,
} from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { type AwsFlags, addAwsFlags, awsFlagValues } from '../flags.js';
import { ConsoleSink } from '../render.js';

interface SweepFlags extends AwsFlags {
  lab?: string;
  runs: string[];
  dryRun?: boolean;
  json?: boolean;
}

export const registerSweep: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const cmd = program
    .command('sweep')
    .description(
      'find and clean up what drills left behind: running FIS experiments, restored databases, stopped lab instances',
    )
    .option('--lab <dir>', 'sweep the local lab in this state directory (`--lab` alone: .lab or DRILLPROOF_LAB_DIR)')
    .option(
      '--runs <dir|scenario>',
      "also list run directories with unfinished rollbacks in this directory, or in a scenario file's evidence.dir (repeatable; default ./runs)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--dry-run', 'only list what would be cleaned up')
    .option('--json', 'JSON lines on stdout instead of text');
  addAwsFlags(cmd, 'the account to sweep (real AWS)');
  cmd.action(async (flags: SweepFlags) => {
    const sink = new ConsoleSink(ctx.io, { json: flags.json === true });
    let target: Parameters<typeof createAwsApis>[0];
    let labInstanceIds: string[] | undefined;
    if (flags.lab !== undefined) {
      const facts = readLabFacts(resolve(flags.lab || defaultLabDir(ctx.io.env)));
      target = {
        region: facts.region,
        endpoint: facts.awsEndpoint,
        credentials: { accessKeyId: 'drillproof-lab', secretAccessKey: 'drillproof-lab' },
      };
      labInstanceIds = ((facts.instances as { id?: string }[] | undefined) ?? [])
        .map((i) => i.id)
        .filter((x): x is string => !!x);
    } else {
      const aws = awsFlagValues(flags);
      const region = aws.region ?? ctx.io.env.AWS_REGION ?? ctx.io.env.AWS_DEFAULT_REGION;
      if (!region) {
        throw DrillproofError.user('RegionMissing', 'sweep needs --region (or AWS_REGION), or --lab', {
          hint: 'e.g. drillproof sweep --region us-east-1 --dry-run',
        });
      }
      target = {
        region,
        ...(aws.profile ? { profile: aws.profile } : {}),
        ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
      };
    }
    const isLab = flags.lab !== undefined;
    const found = await sweep({
      aws: createAwsApis(target),
      sink,
      clock: systemClock,
      dryRun: flags.dryRun === true,
      ...(labInstanceIds ? { labInstanceIds } : {}),
      runsDir: runsDirs(flags.runs),
      pollMs: isLab ? 200 : 5000,
      waitTimeoutMs: isLab ? 120_000 : 30 * 60_000,
    });
    const failed = found.filter((f) => f.error);
    const unchecked = found.filter((f) => f.kind === 'unchecked');
    const left = found.length - unchecked.length;
    sink.emit({
      time: new Date().toISOString(),
      level: 'result',
      code: 'DP_SWEEP_I9003',
      message: `${
        left === 0
          ? 'nothing left behind'
          : `${left} leftover(s)${flags.dryRun ? ' (dry run: nothing changed)' : `, ${found.filter((f) => f.done).length} cleaned up, ${failed.length - unchecked.length} failed`}`
      }${unchecked.length ? `; not checked: ${unchecked.map((u) => u.id).join(', ')}` : ''}`,
      data: { leftovers: found },
    });
    ctx.setExitCode(failed.length ? ExitCode.RollbackFailed : ExitCode.Ok);
  });
};

/**
 * Where run directories are: each `--runs` directory, or the `evidence.dir` of each `--runs`
 * scenario file (relative to that file, as `run` puts them); `./runs` when none is given.
 */
function runsDirs(given: readonly string[]): string[] {
  if (given.length === 0) return [resolve('runs')];
  return given.map((g) => {
    if (!/\.ya?ml$/i.test(g)) return resolve(g);
    const { scenario } = loadScenarioFile(g);
    return resolve(dirname(resolve(g)), scenario.evidence?.dir ?? 'runs');
  });
}
