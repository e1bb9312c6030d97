import { DrillproofError, importK6Output, message, parseDurationMs } from '../../index.js';
import type { RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

interface ImportK6Flags {
  out: string;
  probe: string;
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
      'convert a k6 JSON output file (k6 run --out json=<file>, plain or .gz) into a sample store for analyze',
    )
    .argument('<k6-output>', 'the k6 JSON output file (.json, .ndjson or .gz)')
    .requiredOption('--out <dir>', 'output directory (samples/<probe>.ndjson is written there)')
    .option('--probe <name>', 'probe name of the samples', 'k6')
    .option('--timeout <duration>', "the script's request timeout T; failures count at T (default 60s, k6's default)")
    .option('--interval <duration>', 'Δ, the request spacing (default: the mean spacing of request starts)')
    .option(
      '--source <which>',
      'points to convert: auto | http (http_req_duration) | wallclock (drillproof_latency)',
      'auto',
    )
    .option('--json', 'print JSON lines')
    .action(async (file: string, flags: ImportK6Flags) => {
      if (!['auto', 'http', 'wallclock'].includes(flags.source)) {
        throw DrillproofError.user(
          'UsageInvalid',
          `--source ${JSON.stringify(flags.source)} is not auto, http or wallclock`,
          {
            hint: 'use --source auto unless the file mixes both kinds of points',
          },
        );
      }
      const sink = new ConsoleSink(ctx.io, { json: Boolean(flags.json) });
      const timeoutMs = duration('timeout', flags.timeout);
      const intervalMs = duration('interval', flags.interval);
      const r = await importK6Output({
        input: file,
        outDir: flags.out,
        probe: flags.probe,
        source: flags.source as 'auto' | 'http' | 'wallclock',
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(intervalMs !== undefined ? { intervalMs } : {}),
      });
      if (r.badLines > 0) {
        sink.emit(
          message('warn', 'DP_K6_W0004', `${r.badLines} line(s) of ${file} could not be read and were skipped`, {
            badLines: r.badLines,
          }),
        );
      }
      sink.emit(
        message(
          'result',
          'DP_K6_I0003',
          `imported ${r.samples} samples (${r.failed} failed, ${r.dropped} dropped iterations) from ${r.source === 'wallclock' ? 'drillproof_latency' : 'http_req_duration'} points into ${r.samplesPath}`,
          r,
        ),
      );
    });
};
