import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  type AnalyzeOptions,
  analyzeRunDir,
  BUNDLE_FILE,
  DrillproofError,
  formatMeasurements,
  message,
  parseDurationMs,
  parseTimeArg,
  SUMS_FILE,
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
  out?: string;
}

/** A signed evidence pack: any change to its files breaks `drillproof verify`. */
function isSignedPack(dir: string): boolean {
  return existsSync(resolve(dir, BUNDLE_FILE)) || existsSync(resolve(dir, SUMS_FILE));
}

function inside(dir: string, file: string): boolean {
  const rel = relative(resolve(dir), resolve(file));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
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
  const signed = isSignedPack(dir);
  if (flags.out !== undefined && signed && inside(dir, flags.out)) {
    throw DrillproofError.user('SignedPackReadOnly', `--out ${flags.out} is inside the signed evidence pack ${dir}`, {
      hint: 'write the measurements outside the pack (e.g. --out ./measurements.json): any new or changed file there breaks drillproof verify',
    });
  }
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
  const doc = `${JSON.stringify(m, null, 2)}\n`;
  if (flags.out !== undefined) writeFileSync(flags.out, doc);
  if (flags.json) {
    // A signed pack keeps the measurements it was signed with; new ones go elsewhere (--out).
    if (signed && flags.out === undefined) {
      sink.emit(
        message(
          'warn',
          'DP_MEASURE_W0601',
          `${dir} is a signed evidence pack: its measurements.json was left as signed (changing it would break verify); the new measurements are on stdout only: pass --out <file> outside the pack to keep them`,
          { dir },
        ),
      );
    } else if (flags.out === undefined) writeMeasurementsFile(dir, m);
    ctx.io.stdout.write(doc);
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
    .option('--json', 'print measurements as JSON (and write <dir>/measurements.json, except in a signed pack)')
    .option('--out <file>', 'write the measurements JSON to this file (never inside a signed pack)')
    .action((dir: string, flags: AnalyzeFlags) => analyze(dir, flags, ctx));
};
