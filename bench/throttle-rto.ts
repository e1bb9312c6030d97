/**
 * Does a misbehaving AWS API move the RTO? Starts a private lab, runs each scenario `--reps` times
 * undisturbed, then `--reps` times with the lab throttling `--throttle` and failing `--errors` of
 * every call of every service and operation (preflight, fault, watchers, rollback). Prints each
 * run's exit code, verdict, RTO, SDK attempts and retries, the undisturbed median, |RTO − median|
 * against the RTO probe's interval, and the load average. Not part of `npm test` (minutes):
 *
 *   nice -n 10 node --import tsx bench/throttle-rto.ts [--reps 5] [--throttle 0.3] [--errors 0.2]
 *     [--hc-interval <ms>] [--unhealthy-threshold <n>]
 *
 * The bound of a disturbed run is its reported RTO resolution (docs/measurements.md §4): the probe
 * interval Δ, or the spacing of the failures when the probe reached the failed part on only some of
 * its requests (an ALB over four targets, one stopped: every fourth request, so 4Δ).
 *
 * The two arms alternate (undisturbed 1, disturbed 1, undisturbed 2, ...) so a change in the
 * machine's load falls on both. `--hc-interval` sets the lab ALB's health-check interval for both
 * arms (default: the lab's 500 ms). An ec2-stop's outage ends when the ALB has seen the stopped
 * target fail its checks, so where the stop lands in the free-running check timer moves the RTO by
 * up to one check interval from run to run, API faults or not; a short interval takes that spread
 * out of the comparison and leaves the API's effect. With a short interval, `--unhealthy-threshold`
 * keeps the outage long enough for the probe to see it (20 ms × 25 checks: about 0.5 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenarioFile } from '../src/experiments/compose/run-file.js';
import { loadScenarioFile } from '../src/experiments/load.js';
import { silentSink } from '../src/io/messages.js';
import { labDown, labReset, labUp, setLabFaults } from '../src/lab/lab.js';
import { readJournal } from '../src/run/journal.js';
import { probeIntervalMs } from '../src/scenario/helpers.js';

// As bin/drillproof.js: the pinned SDK line supports Node 20; its notice is not for this output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    throttle: { type: 'string', default: '0.3' },
    errors: { type: 'string', default: '0.2' },
    scenario: { type: 'string', multiple: true },
    'hc-interval': { type: 'string' },
    'unhealthy-threshold': { type: 'string' },
  },
});
const scenarios = (
  values.scenario ?? ['scenarios/lab/ec2-instance-stop.yaml', 'scenarios/lab/rds-multi-az-failover.yaml']
).map((s) => resolve(s));
const reps = Number(values.reps);
const faults = { throttleRate: Number(values.throttle), errorRate: Number(values.errors) };
const work = mkdtempSync(join(tmpdir(), 'dp-throttle-bench-'));
const labDir = join(work, 'lab');
const hcIntervalMs = values['hc-interval'] === undefined ? undefined : Number(values['hc-interval']);
const unhealthyThreshold =
  values['unhealthy-threshold'] === undefined ? undefined : Number(values['unhealthy-threshold']);
const labHealthChecks = {
  ...(hcIntervalMs === undefined
    ? {}
    : { healthCheckIntervalMs: hcIntervalMs, healthCheckTimeoutMs: Math.max(5, Math.floor(hcIntervalMs * 0.8)) }),
  ...(unhealthyThreshold === undefined ? {} : { unhealthyThreshold }),
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

interface Run {
  exit: number;
  verdict: string;
  rto: number | null;
  /** The headline RTO's resolution, s (docs/measurements.md §4). */
  resolution: number | null;
  calls: number;
  attempts: number;
  retriedCalls: number;
  failedCalls: number;
  acceptDelayMs: number | null;
  /** Each recovery probe's RTO and resolution, e.g. `web 0.121±0.05 hb 0.2±0.2`. */
  perProbe: string;
  reason: string;
}

/** One drill from a freshly reset lab, with the control-plane faults on for its whole run when `disturbed`. */
async function runOnce(scenario: string, n: string, disturbed: boolean): Promise<Run> {
  await labReset({ dir: labDir });
  const out = join(work, 'runs', n);
  if (disturbed) await setLabFaults(faults, { dir: labDir });
  let r: Awaited<ReturnType<typeof runScenarioFile>>;
  try {
    r = await runScenarioFile(scenario, { yes: true, env: process.env, sink: silentSink, labDir, out });
  } finally {
    if (disturbed) await setLabFaults({}, { dir: labDir });
  }
  const journal = readJournal(join(out, 'journal.ndjson')).entries;
  const calls = journal.filter((e) => e.kind === 'aws.call').map((e) => e.data as { attempts?: number; ok?: boolean });
  const req = journal.find((e) => e.kind === 'fault.requested');
  const ack = journal.find((e) => e.kind === 'fault.acknowledged');
  return {
    exit: r.exitCode,
    verdict: r.record.verdict,
    rto: r.record.measurements.rto?.seconds ?? null,
    resolution: r.record.measurements.rto?.resolutionSeconds ?? null,
    calls: calls.length,
    attempts: calls.reduce((a, c) => a + (c.attempts ?? 1), 0),
    retriedCalls: calls.filter((c) => (c.attempts ?? 1) > 1).length,
    failedCalls: calls.filter((c) => c.ok === false).length,
    acceptDelayMs: req && ack ? Math.round(ack.t - req.t) : null,
    perProbe: Object.entries(r.record.measurements.probes)
      .flatMap(([name, p]) =>
        p.rto ? [`${name} ${p.rto.seconds === null ? '?' : p.rto.seconds.toFixed(3)}±${p.rto.resolutionSeconds}`] : [],
      )
      .join(' '),
    reason: r.exitCode === 0 ? '' : ` (${r.record.reason ?? ''})`,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mode = (xs: string[]) =>
  [...new Set(xs)].sort((a, b) => xs.filter((x) => x === b).length - xs.filter((x) => x === a).length)[0];
const line = (tag: string, i: number, r: Run, extra = '') =>
  `  ${tag} ${i + 1}: exit ${r.exit} ${r.verdict.padEnd(8)} RTO ${r.rto === null ? 'not measured' : `${r.rto.toFixed(3)} s`}  calls ${r.calls}, attempts ${r.attempts}, retried ${r.retriedCalls}, failed ${r.failedCalls}, fault accepted ${r.acceptDelayMs ?? '?'} ms after issued [${r.perProbe}]${extra}${r.reason}`;

console.log(
  `load average before: ${load()}; ALB health checks every ${hcIntervalMs ?? 'lab default (500)'} ms, unhealthy after ${unhealthyThreshold ?? 'lab default (2)'}`,
);
await labUp({ dir: labDir, ...labHealthChecks });
let allOk = true;
try {
  for (const scenario of scenarios) {
    const s = loadScenarioFile(scenario).scenario;
    const rtoProbes = s.probes.filter((p) => s.steps.observe.recovery.probes?.includes(p.name));
    console.log(
      `\n${s.metadata.name} (recovery probes ${rtoProbes.map((p) => `${p.name} every ${probeIntervalMs(p) / 1000} s`).join(', ')})`,
    );
    const calm: Run[] = [];
    const rough: Run[] = [];
    for (let i = 0; i < reps; i++) {
      calm.push(await runOnce(scenario, `${s.metadata.name}-calm-${i}`, false));
      rough.push(await runOnce(scenario, `${s.metadata.name}-rough-${i}`, true));
    }
    for (const [i, r] of calm.entries()) console.log(line('undisturbed', i, r));
    const rtos = calm.flatMap((r) => (r.rto === null ? [] : [r.rto]));
    const med = median(rtos);
    console.log(
      `  undisturbed median RTO ${med.toFixed(3)} s (range ${Math.min(...rtos).toFixed(3)}-${Math.max(...rtos).toFixed(3)} s)`,
    );
    let within = 0;
    rough.forEach((r, i) => {
      const d = r.rto === null ? null : Math.abs(r.rto - med);
      const bound = r.resolution ?? Number.NaN;
      const ok = d !== null && d <= bound + 1e-9;
      if (ok) within++;
      // Against the undisturbed runs' most common verdict (one odd undisturbed run does not set it).
      const sameVerdict = r.verdict === mode(calm.map((c) => c.verdict));
      if (!ok || !sameVerdict || r.exit !== 0) allOk = false;
      console.log(
        line(
          'disturbed  ',
          i,
          r,
          `  |RTO-median| ${d === null ? '?' : d.toFixed(3)} s ${ok ? '<=' : '>'} resolution ${bound} s; verdict ${sameVerdict ? 'unchanged' : 'CHANGED'}`,
        ),
      );
    });
    console.log(`  ${within} of ${reps} disturbed runs within their RTO resolution of the undisturbed median`);
    console.log(`  load average: ${load()}`);
  }
} finally {
  await labDown({ dir: labDir });
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `\n${allOk ? 'every disturbed run passed within its RTO resolution' : 'NOT every disturbed run met the bound'}; load average after: ${load()}`,
);
