import { Command, CommanderError } from 'commander';
import {
  DrillproofError,
  ExitCode,
  errorToExitCode,
  formatProblem,
  registerEnvSecrets,
  scrubSecrets,
  toolVersion,
} from '../index.js';
import { commands } from './commands/index.js';
import type { CommandContext } from './context.js';
import { normalizeLegacyArgv } from './flags.js';
import { type CliIo, processIo } from './render.js';

/**
 * The CLI entry: parses arguments, runs one command, maps the outcome to an exit code.
 * Only this function decides exit codes; `bin/drillproof.js` sets `process.exitCode` from it.
 */
export async function main(argv: string[], rawIo: CliIo = processIo()): Promise<number> {
  registerEnvSecrets(rawIo.env);
  const io = scrubbedIo(rawIo);
  let exitCode: number = ExitCode.Ok;
  const ctx: CommandContext = { io, setExitCode: (c) => (exitCode = c) };
  const program = new Command('drillproof')
    .description('Resilience drills on AWS or a local lab, with measured RTO / RPO and signed evidence')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of commands) register(program, ctx);
  for (const sub of program.commands) sub.exitOverride();

  try {
    await program.parseAsync(normalizeLegacyArgv(argv, io.env), { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse problem is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return ExitCode.Ok;
      }
      return ExitCode.Invalid;
    }
    reportError(err, io, argv.includes('--json'));
    return errorToExitCode(err);
  }
}

/** Every byte the CLI prints passes the secret registry: no known secret reaches the console. */
function scrubbedIo(io: CliIo): CliIo {
  const wrap = <T extends NodeJS.WritableStream>(s: T): T =>
    new Proxy(s, {
      get(target, key) {
        if (key === 'write') {
          return (chunk: unknown, ...rest: unknown[]) =>
            (target.write as (...a: unknown[]) => boolean)(
              typeof chunk === 'string' ? scrubSecrets(chunk) : chunk,
              ...rest,
            );
        }
        const v = Reflect.get(target, key, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return { ...io, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}

/** User errors are printed without a stack; tool errors keep theirs for a bug report. */
export function reportError(err: unknown, io: CliIo, json: boolean): void {
  if (json) {
    const e = DrillproofError.is(err)
      ? { code: err.code, source: err.source, message: err.message, hint: err.hint, problems: err.problems }
      : { code: 'InternalError', source: 'tool', message: String((err as Error)?.message ?? err) };
    io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', error: e })}\n`);
    return;
  }
  if (DrillproofError.is(err)) {
    for (const p of err.problems) io.stderr.write(`${formatProblem(p)}\n`);
    io.stderr.write(`error [${err.code}]: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  hint: ${err.hint}\n`);
    if (err.source === 'tool' && err.stack && io.env.DRILLPROOF_DEBUG) io.stderr.write(`${err.stack}\n`);
    return;
  }
  const e = err as Error;
  io.stderr.write(`error [InternalError]: unexpected failure in drillproof: ${e?.message ?? String(err)}\n`);
  io.stderr.write(`${e?.stack ?? ''}\n  this is a bug in drillproof; please report it with the output above\n`);
}
