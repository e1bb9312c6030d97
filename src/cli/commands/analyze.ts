import type { Command } from 'commander';
import {
  type AnalyzeOptions,
  analyzeRunDir,
  DrillproofError,
  formatMeasurements,
  message,
  parseDurationMs,
  parseTimeArg,
  writeMeasurementsFile,
} from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

interface AnalyzeFlags {
  faultAt?: string;
  end?: string;
  window?: string;
  rtoProbes?: string;
  json?: boolean;
}

export function timeFlag(flag: string, text: string): number {
  const t = parseTimeArg(text);
  if (t === undefined) {
    throw DrillproofError.user('InvalidTime', `${flag} "${text}" is not a time`, {
      hint: 'write an RFC 3339 time with a zone (2026-11-22T07:30:00.250Z) or epoch milliseconds',
    });
  }
  return t;
}

async function analyze(dir: string, flags: AnalyzeFlags, ctx: CommandContext): Promise<void> {
  // Warnings go to stderr even with --json: stdout then holds exactly the measurements document.
  const sink = new ConsoleSink(ctx.io, { json: false });
  const opts: AnalyzeOptions = {};
  if (flags.faultAt !== undefined) opts.faultAtMs = timeFlag('--fault-at', flags.faultAt);
  if (flags.end !== undefined) opts.endMs = timeFlag('--end', flags.end);
  if (flags.rtoProbes !== undefined) opts.rtoProbes = flags.rtoProbes.split(',').map((s) => s.trim());
  if (flags.window !== undefined) {
    const w = parseDurationMs(flags.window);
    if (w === undefined || w <= 0) {
      throw DrillproofError.user('InvalidDuration', `--window "${flags.window}" is not a duration`, {
        hint: 'write a duration such as 5s or 500ms',
      });
    }
    opts.allWindowMs = w;
  }
  const { measurements: m, faultSource, run } = await analyzeRunDir(dir, opts);
  for (const f of run.files) {
    if (f.badLines > 0 || f.truncated) {
      sink.emit(
        message(
          'warn',
          'DP_MEASURE_W0002',
          `${f.path}: ${f.badLines} unreadable line(s)${f.truncated ? ', file cut short' : ''}; analysed what was readable`,
          {
            file: f.path,
            badLines: f.badLines,
          },
        ),
      );
    }
  }
  for (const s of run.series) {
    if (s.late > 0) {
      sink.emit(
        message(
          'warn',
          'DP_MEASURE_W0003',
          `${s.name}: ${s.late} sample(s) flagged late: the engine could not keep the schedule (machine overloaded?)`,
          { probe: s.name, late: s.late },
        ),
      );
    }
  }
  if (faultSource === 'none') {
    sink.emit(
      message(
        'warn',
        'DP_MEASURE_W0001',
        'no fault time: pass --fault-at, or record one (journal fault.requested, fault.json); RTO not computed',
      ),
    );
  }
  if (flags.json) {
    writeMeasurementsFile(dir, m);
    ctx.io.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
    return;
  }
  ctx.io.stdout.write(`${formatMeasurements(m)}\n`);
  if (faultSource !== 'none') ctx.io.stdout.write(`(fault time from ${faultSource})\n`);
}

export const registerAnalyze: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('analyze')
    .description('recompute RTO, RPO, availability and per-phase percentiles from a run directory')
    .argument('<dir>', 'run directory (holds samples/*.ndjson[.gz])')
    .option('--fault-at <time>', 'fault time F (RFC 3339 or epoch ms); default: journal, then fault.json')
    .option('--end <time>', 'end of observation (RFC 3339 or epoch ms); default: after the last sample')
    .option('--window <duration>', 'recovery window W for every probe (default max(10 intervals, 5s))')
    .option('--rto-probes <names>', 'comma-separated probes for the headline RTO (default: http probes)')
    .option('--json', 'print measurements as JSON and write <dir>/measurements.json')
    .action((dir: string, flags: AnalyzeFlags) => analyze(dir, flags, ctx));
};
