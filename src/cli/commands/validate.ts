import {
  DrillproofError,
  ExitCode,
  expandScenarioArgs,
  formatProblem,
  loadScenarioFile,
  type Problem,
} from '../../index.js';
import type { RegisterCommand } from '../context.js';

interface FileResult {
  file: string;
  ok: boolean;
  problems: Problem[];
  warnings: Problem[];
}

export const registerValidate: RegisterCommand = (program, ctx) => {
  program
    .command('validate')
    .description('check scenario files (directories are searched recursively); nothing runs')
    .argument(
      '<files...>',
      'scenario files, directories (searched recursively) or quoted globs (also matched in sub-folders)',
    )
    .option('--json', 'print one JSON document with every problem')
    .option('--strict', 'treat warnings as errors')
    .action((args: string[], opts: { json?: boolean; strict?: boolean }) => {
      const { files, unmatched } = expandScenarioArgs(args);
      if (files.length === 0) {
        throw DrillproofError.user(
          'NoScenarioFiles',
          `no scenario files found in ${unmatched.join(', ') || 'the arguments'}`,
          {
            hint: 'give .yaml files, a directory holding them, or a glob such as "scenarios/**/*.yaml"',
          },
        );
      }
      const results: FileResult[] = [];
      for (const file of files) {
        try {
          const loaded = loadScenarioFile(file);
          const ok = !(opts.strict && loaded.warnings.length > 0);
          results.push({ file, ok, problems: [], warnings: loaded.warnings });
        } catch (err) {
          if (!DrillproofError.is(err) || err.source !== 'user') throw err;
          results.push({
            file,
            ok: false,
            problems: err.problems.length
              ? err.problems
              : [{ code: err.code, message: err.message, path: '', severity: 'error' }],
            warnings: [],
          });
        }
      }
      for (const u of unmatched) {
        results.push({
          file: u,
          ok: false,
          problems: [
            {
              code: 'NoScenarioFiles',
              message: 'no scenario files match',
              path: '',
              position: { file: u, line: 1, col: 1 },
              severity: 'error',
            },
          ],
          warnings: [],
        });
      }
      const failed = results.filter((r) => !r.ok).length;
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify({ ok: failed === 0, files: results }, null, 2)}\n`);
      } else {
        for (const r of results) {
          for (const p of [...r.problems, ...r.warnings]) ctx.io.stdout.write(`${formatProblem(p)}\n`);
          const w = r.warnings.length ? ` (${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'})` : '';
          ctx.io.stdout.write(
            r.ok
              ? `ok ${r.file}${w}\n`
              : `invalid ${r.file}: ${r.problems.length || r.warnings.length} problem${(r.problems.length || r.warnings.length) === 1 ? '' : 's'}\n`,
          );
        }
        ctx.io.stderr.write(`${results.length - failed} valid, ${failed} invalid\n`);
      }
      ctx.setExitCode(failed > 0 ? ExitCode.Invalid : ExitCode.Ok);
    });
};
