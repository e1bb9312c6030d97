import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLE_FILE,
  DrillproofError,
  formatHeadline,
  headlineOf,
  type ImportK6Result,
  importK6Output,
  importLoadIntoRun,
  message,
  parseDurationMs,
} from '../../index.js';
import type { RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

interface ImportK6Flags {
  out?: string;
  run?: string;
  probe?: string;
  timeout?: string;
  interval?: string;
  source: string;
  json?: boolean;
}

function duration(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseDurationMs(v);
  if (ms === undefined || ms <= 0) {
    throw DrillproofError.user('UsageInvalid', `--${flag} ${JSON.stringify(v)} is not a duration`, {
      hint: 'write a duration like 2s or 500ms',
    });
  }
  return ms;
}

export const registerImportK6: RegisterCommand = (program, ctx) => {
  program
    .command('import-k6')
    .description(
      'convert k6 JSON output (k6 run --out json=<file>, plain or .gz; several files = several runners merged onto one timeline) into a sample store, or add it to a drill',
    )
    .argument('<k6-output...>', 'the k6 JSON output file(s) (.json, .ndjson or .gz), one per runner')
    .option('--out <dir>', 'output directory (samples/<probe>.ndjson is written there), for `analyze`')
    .option(
      '--run <run-dir>',
      'add the load to this drill (load.k6.external): re-analysed per phase, re-judged, reports re-rendered',
    )
    .option('--probe <name>', 'probe name of the samples (default k6, or load.k6.external.probe)')
    .option('--timeout <duration>', "the script's request timeout T; failures count at T (default 60s, k6's default)")
    .option('--interval <duration>', 'Δ, the request spacing (default: the mean spacing of request starts)')
    .option(
      '--source <which>',
      'points to convert: auto | http (http_req_duration) | wallclock (drillproof_latency)',
      'auto',
    )
    .option('--json', 'print JSON lines')
    .action(async (files: string[], flags: ImportK6Flags) => {
      if (!['auto', 'http', 'wallclock'].includes(flags.source)) {
        throw DrillproofError.user(
          'UsageInvalid',
          `--source ${JSON.stringify(flags.source)} is not auto, http or wallclock`,
          {
            hint: 'use --source auto unless the file mixes both kinds of points',
          },
        );
      }
      if ((flags.out === undefined) === (flags.run === undefined))
        throw DrillproofError.user('UsageInvalid', 'give exactly one of --out <dir> and --run <run-dir>', {
          hint: '--out writes a sample store for `analyze`; --run adds the load to a drill that ran with load.k6.external',
        });
      const sink = new ConsoleSink(ctx.io, { json: Boolean(flags.json) });
      const timeoutMs = duration('timeout', flags.timeout);
      const intervalMs = duration('interval', flags.interval);
      const common = {
        source: flags.source as 'auto' | 'http' | 'wallclock',
        ...(flags.probe ? { probe: flags.probe } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(intervalMs !== undefined ? { intervalMs } : {}),
      };
      let r: ImportK6Result;
      let drill: Awaited<ReturnType<typeof importLoadIntoRun>> | null = null;
      if (flags.run) {
        drill = await importLoadIntoRun(flags.run, files, { ...common, sink });
        r = drill.imported;
      } else r = await importK6Output({ ...common, inputs: files, outDir: flags.out as string });
      if (r.badLines > 0) {
        sink.emit(
          message(
            'warn',
            'DP_K6_W0004',
            `${r.badLines} line(s) of ${files.join(', ')} could not be read and were skipped`,
            {
              badLines: r.badLines,
            },
          ),
        );
      }
      const runners =
        r.runners.length > 1
          ? ` of ${r.runners.length} runners (${r.runners.map((x) => `${x.runner}: ${x.samples}`).join(', ')})`
          : '';
      sink.emit(
        message(
          'result',
          'DP_K6_I0003',
          `imported ${r.samples} samples${runners} (${r.failed} failed, ${r.dropped} dropped iterations) from ${r.source === 'wallclock' ? 'drillproof_latency' : 'http_req_duration'} points into ${r.samplesPath}`,
          r,
        ),
      );
      if (drill && flags.run) {
        const headline = headlineOf(drill.record, flags.run);
        sink.emit(message('result', 'DP_K6_I0202', formatHeadline(headline), headline));
        if (existsSync(join(flags.run, BUNDLE_FILE)))
          sink.emit(
            message(
              'warn',
              'DP_K6_W0203',
              `the pack changed after it was signed: sign it again with \`drillproof sign ${flags.run}\``,
            ),
          );
        ctx.setExitCode(drill.exitCode);
      }
    });
};
