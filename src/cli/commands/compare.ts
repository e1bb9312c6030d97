import { writeFileSync } from 'node:fs';
import {
  compareRuns,
  ExitCode,
  parseTolerance,
  readComparedRun,
  renderCompareHtml,
  TOLERANCE_SYNTAX,
} from '../../index.js';
import type { RegisterCommand } from '../context.js';

export const registerCompare: RegisterCommand = (program, ctx) => {
  program
    .command('compare')
    .description(
      'compare two runs of the same drill (RTO, RPO, lost writes, per-phase availability and P50/P95/P99 with confidence intervals); exits 4 when the newer run regressed, 2 when the runs are of different drills',
    )
    .argument('<old-run>', 'the earlier run directory')
    .argument('<new-run>', 'the newer run directory')
    .option('--tolerance <spec>', `allowed slack beyond both runs' resolution: ${TOLERANCE_SYNTAX}`)
    .option('--force', 'compare runs of different drills anyway (the result says so)')
    .option('--json', 'print the comparison as JSON')
    .option('--html <file>', 'also write the comparison as a self-contained HTML page with side-by-side charts')
    .action(
      async (
        oldDir: string,
        newDir: string,
        opts: { tolerance?: string; json?: boolean; html?: string; force?: boolean },
      ) => {
        const tol = parseTolerance(opts.tolerance);
        const a = await readComparedRun(oldDir);
        const b = await readComparedRun(newDir);
        const r = compareRuns(a, b, tol, opts.force ?? false);
        ctx.setExitCode(r.regressed ? ExitCode.ObjectivesNotMet : ExitCode.Ok);
        if (opts.html) writeFileSync(opts.html, renderCompareHtml(r, a, b));
        if (opts.json) {
          ctx.io.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        const head = ['metric', 'old', 'new', 'change', 'verdict', 'why'];
        const rows = r.rows.map((x) => [x.metric, x.old, x.new, x.change, x.verdict.toUpperCase(), x.note]);
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
        const line = (cells: string[]) =>
          `${cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
            .join('  ')
            .trimEnd()}\n`;
        const out = ctx.io.stdout;
        out.write(
          `old: ${r.old.runId} (${r.old.finishedAt}, ${r.old.verdict})\nnew: ${r.new.runId} (${r.new.finishedAt}, ${r.new.verdict})\n${r.drill.detail}\n\n`,
        );
        out.write(line(head));
        for (const row of rows) out.write(line(row));
        const n = r.rows.filter((x) => x.regressed).length;
        out.write(
          n
            ? `\nregressed: ${n} metric(s) beyond both runs' resolution and the tolerance\n`
            : "\nno regression beyond both runs' resolution and the tolerance\n",
        );
        const limited = r.rows.filter((x) => x.loadLimited).length;
        if (limited)
          out.write(
            `not judged: ${limited} metric(s) worse only through samples the machine could not send on time (flagged late); rerun on a less loaded machine\n`,
          );
        if (opts.html) out.write(`comparison page written to ${opts.html}\n`);
      },
    );
};
