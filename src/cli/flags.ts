import { type Command, Option } from 'commander';
import { defaultLabDir } from '../index.js';

/**
 * Flags every command shares, spelled once: `--profile`, `--region`, `--endpoint-url` (the AWS
 * CLI's names) and `--lab <dir>`. Older spellings stay accepted, hidden from help, for scripts.
 */
export interface AwsFlags {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  /** Hidden older spelling of --endpoint-url. */
  endpoint?: string;
}

export function addAwsFlags(cmd: Command, what: string): Command {
  return cmd
    .option('--profile <name>', `AWS profile from ~/.aws/config for ${what}`)
    .option('--region <region>', `AWS region for ${what}`)
    .option('--endpoint-url <url>', `AWS endpoint override for ${what}`)
    .addOption(new Option('--endpoint <url>', 'older spelling of --endpoint-url').hideHelp());
}

/** The AWS flags as an AwsTarget-style partial (only what was given). */
export function awsFlagValues(f: AwsFlags): { profile?: string; region?: string; endpoint?: string } {
  const endpoint = f.endpointUrl ?? f.endpoint;
  return {
    ...(f.profile ? { profile: f.profile } : {}),
    ...(f.region ? { region: f.region } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

export interface LabFlags {
  lab?: string;
  /** Hidden older spelling (`lab up --dir`). */
  dir?: string;
}

export function addLabFlag(cmd: Command, what = 'lab state directory', o: { legacyDir?: boolean } = {}): Command {
  cmd.option('--lab <dir>', `${what} (default $DRILLPROOF_LAB_DIR or .lab)`);
  if (o.legacyDir) cmd.addOption(new Option('--dir <dir>', 'older spelling of --lab').hideHelp());
  return cmd;
}

export function labDirOf(f: LabFlags): string | undefined {
  return f.lab ?? f.dir;
}

/**
 * Older command lines that commander cannot express next to the new form: `sweep --lab` without a
 * directory meant the default lab, and is rewritten to `--lab <default dir>`.
 */
export function normalizeLegacyArgv(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const out = [...argv];
  if (out[0] !== 'sweep') return out;
  for (let i = 1; i < out.length; i++) {
    if (out[i] !== '--lab') continue;
    const next = out[i + 1];
    if (next === undefined || next.startsWith('-')) out.splice(i + 1, 0, defaultLabDir(env));
  }
  return out;
}
