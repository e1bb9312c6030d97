import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import {
  AnchoredClock,
  analyzeRunDir,
  DrillproofError,
  formatMeasurements,
  httpProbe,
  isoMs,
  loadScenarioProbes,
  message,
  type ProbeConfig,
  parseDurationMs,
  parseRatePerSecond,
  startProbes,
  writeFaultFile,
} from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';
import { timeFlag } from './analyze.js';

interface ProbeFlags {
  scenario?: string;
  out: string;
  rate: string;
  timeout: string;
  duration?: string;
  faultAt?: string;
  name: string;
  expectStatus: string;
  connection: string;
  json?: boolean;
}

function duration(flag: string, text: string): number {
  const v = parseDurationMs(text);
  if (v === undefined || v <= 0) {
    throw DrillproofError.user('InvalidDuration', `${flag} "${text}" is not a duration`, {
      hint: 'write a duration with a unit, such as 2s, 500ms or 1m30s',
    });
  }
  return v;
}

function probesFromFlags(url: string, f: ProbeFlags): ProbeConfig[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw DrillproofError.user('InvalidUrl', `"${url}" is not a url`, {
      hint: 'write it like http://127.0.0.1:8080/health',
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw DrillproofError.user('InvalidUrl', `"${url}" is not an http(s) url`, { hint: 'use http:// or https://' });
  }
  const rate = parseRatePerSecond(f.rate);
  if (rate === undefined) {
    throw DrillproofError.user('InvalidRate', `--rate "${f.rate}" is not a rate`, {
      hint: 'write it like 50/s or 600/m',
    });
  }
  const status = f.expectStatus.split(',').map((s) => Number(s.trim()));
  if (status.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw DrillproofError.user(
      'InvalidStatus',
      `--expect-status "${f.expectStatus}" is not a list of http status codes`,
      {
        hint: 'write it like 200 or 200,204',
      },
    );
  }
  if (f.connection !== 'keep-alive' && f.connection !== 'fresh') {
    throw DrillproofError.user('InvalidConnection', `--connection "${f.connection}" is not keep-alive or fresh`);
  }
  return [
    httpProbe(u.toString(), {
      name: f.name,
      intervalMs: 1000 / rate,
      timeoutMs: duration('--timeout', f.timeout),
      expect: { status },
      connection: f.connection,
    }),
  ];
}

async function probe(url: string | undefined, flags: ProbeFlags, ctx: CommandContext): Promise<void> {
  const sink = new ConsoleSink(ctx.io, { json: Boolean(flags.json) });
  if (!url && !flags.scenario) {
    throw DrillproofError.user('ProbeTargetMissing', 'probe needs a url or --scenario <file>', {
      hint: 'drillproof probe http://127.0.0.1:8080/ --out runs/manual',
    });
  }
  if (url && flags.scenario) {
    throw DrillproofError.user('ProbeTargetAmbiguous', 'give either a url or --scenario, not both');
  }
  const probes = flags.scenario
    ? await loadScenarioProbes(flags.scenario, ctx.io.env)
    : probesFromFlags(url as string, flags);
  const durationMs = flags.duration === undefined ? undefined : duration('--duration', flags.duration);
  const faultFlag = flags.faultAt === undefined ? undefined : timeFlag('--fault-at', flags.faultAt);
  mkdirSync(flags.out, { recursive: true });

  const clock = new AnchoredClock();
  const stopCtl = new AbortController();
  const runId = `probe-${isoMs(clock.nowMs()).replace(/[:.]/g, '-')}`;
  if (faultFlag !== undefined) writeFaultFile(flags.out, faultFlag, 'flag');

  const handle = await startProbes({
    probes,
    outDir: flags.out,
    runId,
    clock,
    sink,
    signal: stopCtl.signal,
    credentials: { env: ctx.io.env },
    ...(durationMs === undefined ? {} : { durationMs }),
  });

  // Keys on a TTY: f records the fault time F, q / Ctrl-C stop.
  const stdin = ctx.io.stdin;
  const interactive = Boolean(stdin?.isTTY && stdin.setRawMode && !flags.json);
  const onKey = (chunk: Buffer | string) => {
    const key = chunk.toString();
    if (key === 'f' || key === 'F') {
      const f = writeFaultFile(flags.out, clock.nowMs(), 'key');
      sink.emit(message('info', 'DP_PROBE_I0004', `fault time recorded: ${f.faultAt}`, f));
    } else if (key === 'q' || key === '\u0003') {
      stopCtl.abort();
    }
  };
  if (interactive && stdin?.setRawMode) {
    stdin.setRawMode(true);
    stdin.on('data', onKey);
    (stdin as NodeJS.ReadStream).resume?.();
    sink.emit(message('info', 'DP_PROBE_I0005', 'press f to record the fault time, q to stop'));
  }
  const onSignal = () => stopCtl.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await Promise.race([handle.done, new Promise((r) => stopCtl.signal.addEventListener('abort', r, { once: true }))]);
    await handle.stop();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (interactive && stdin?.setRawMode) {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      (stdin as NodeJS.ReadStream).pause?.();
    }
  }
  const { measurements } = await analyzeRunDir(flags.out);
  if (flags.json) ctx.io.stdout.write(`${JSON.stringify(measurements)}\n`);
  else ctx.io.stdout.write(`${formatMeasurements(measurements)}\n`);
}

export const registerProbe: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('probe')
    .description('probe a url (or a scenario’s probes) open-loop and record samples; press f to mark the fault')
    .argument('[url]', 'http(s) url to probe')
    .option('--scenario <file>', "run this scenario's probes only")
    .requiredOption('--out <dir>', 'run directory for samples/ and fault.json')
    .option('--rate <rate>', 'samples per second', '50/s')
    .option('--timeout <duration>', 'per-sample deadline T', '2s')
    .option('--duration <duration>', 'stop after this long (default: until q / Ctrl-C)')
    .option('--fault-at <time>', 'fault time F (RFC 3339 or epoch ms), written to fault.json')
    .option('--name <name>', 'probe name (sample file name)', 'http')
    .option('--expect-status <codes>', 'comma-separated ok statuses', '200')
    .option('--connection <mode>', 'keep-alive or fresh (new connection per sample)', 'keep-alive')
    .option('--json', 'JSON lines on stdout')
    .action((url: string | undefined, flags: ProbeFlags) => probe(url, flags, ctx));
};
