import { compareEvidence, ExitCode, parseTolerance, readEvidenceFile } from '../../index.js';
import type { RegisterCommand } from '../context.js';

export const registerCompare: RegisterCommand = (program, ctx) => {
  program
    .command('compare')
    .description(
      'compare two runs of a drill (RTO, RPO, P95 per phase, availability); exits 4 when the newer run regressed',
    )
    .argument('<old-run>', 'the earlier run directory')
    .argument('<new-run>', 'the newer run directory')
    .option('--tolerance <spec>', 'allowed slack: 10% or rto=10%,p95=25%,availability=0.1%,rpo=1s', undefined)
    .option('--json', 'print the comparison as JSON')
    .action(async (oldDir: string, newDir: string, opts: { tolerance?: string; json?: boolean }) => {
      const tol = parseTolerance(opts.tolerance);
      const r = compareEvidence(await readEvidenceFile(oldDir), await readEvidenceFile(newDir), tol);
      ctx.setExitCode(r.regressed ? ExitCode.ObjectivesNotMet : ExitCode.Ok);
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const head = ['metric', 'old', 'new', 'change', ''];
      const rows = r.rows.map((x) => [x.metric, x.old, x.new, x.change, x.regressed ? `REGRESSED (${x.note})` : '']);
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
      const line = (cells: string[]) =>
        `${cells
          .map((c, i) => c.padEnd(widths[i] as number))
          .join('  ')
          .trimEnd()}\n`;
      const out = ctx.io.stdout;
      out.write(
        `old: ${r.old.runId} (${r.old.finishedAt}, ${r.old.verdict})\nnew: ${r.new.runId} (${r.new.finishedAt}, ${r.new.verdict})\n\n`,
      );
      out.write(line(head));
      for (const row of rows) out.write(line(row));
      const n = r.rows.filter((x) => x.regressed).length;
      out.write(n ? `\nregressed: ${n} metric(s) beyond the tolerance\n` : '\nno regression beyond the tolerance\n');
    });
};
