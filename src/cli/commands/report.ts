import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUNDLE_FILE,
  completeInterruptedRun,
  HTML_FILE,
  message,
  PDF_FILE,
  printPdf,
  rerenderRunDir,
  verifyPack,
} from '../../index.js';
import type { RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

export const registerReport: RegisterCommand = (program, ctx) => {
  program
    .command('report')
    .description('re-render evidence.json, report.html, report.md and junit.xml of a run directory from its files')
    .argument('<run-dir>', 'the run directory')
    .option('--pdf', 'also print report.html to report.pdf with a local Chromium')
    .option('--out <dir>', 'write the documents to another directory (the run directory is left untouched)')
    .option('--json', 'print messages as JSON lines')
    .action(async (runDir: string, opts: { pdf?: boolean; out?: string; json?: boolean }) => {
      const sink = new ConsoleSink(ctx.io, { json: Boolean(opts.json) });
      await completeInterruptedRun(runDir, sink);
      const r = await rerenderRunDir(runDir, opts.out ? { outDir: opts.out } : {});
      const out = opts.out ?? runDir;
      if (opts.pdf) {
        const chromium = ctx.io.env.DRILLPROOF_CHROMIUM;
        await printPdf(join(out, HTML_FILE), join(out, PDF_FILE), chromium ? { executablePath: chromium } : {});
      }
      sink.emit(
        message(
          'result',
          'DP_EVID_I0005',
          `${r.evidence.run.verdict}: ${r.evidence.scenario.name}, report written to ${out}`,
          {
            verdict: r.evidence.run.verdict,
            written: r.written,
            changed: r.changed,
          },
        ),
      );
      let signed = false;
      try {
        await access(join(runDir, BUNDLE_FILE));
        signed = true;
      } catch {
        signed = false;
      }
      if (signed && !opts.out) {
        const v = await verifyPack({ dir: runDir });
        if (!v.ok)
          sink.emit(
            message(
              'warn',
              'DP_EVID_W0002',
              `the re-rendered pack no longer matches its signature (${v.problems.map((p) => p.file ?? p.code).join(', ')}): run \`drillproof sign ${runDir}\` to sign it again`,
              { problems: v.problems },
            ),
          );
      }
    });
};
