import type { K6Prepared } from './prepare.js';

/**
 * `k6 run` arguments: JSON output to the file drillproof tails, the REST API on a loopback port,
 * the summary export for a user script (a generated one writes its own through handleSummary).
 * drillproof's own values go on the command line; the scenario's `env` (possibly secrets) goes in
 * k6's process environment, which `k6 run` exposes as __ENV, so it never shows in `ps`.
 */
export function k6RunArgs(o: {
  prepared: K6Prepared;
  rawOutputPath: string;
  summaryPath: string;
  port: number;
  runId: string;
}): string[] {
  const { prepared } = o;
  const args = ['run', '--quiet', '--no-color', '--log-format', 'json', '--out', `json=${o.rawOutputPath}`];
  args.push('--address', `127.0.0.1:${o.port}`);
  if (!prepared.generated) args.push('--summary-export', o.summaryPath);
  const scriptEnv: Record<string, string> = { DRILLPROOF_RUN_ID: o.runId };
  if (prepared.generated) scriptEnv.DRILLPROOF_SUMMARY_PATH = o.summaryPath;
  for (const [k, v] of Object.entries(scriptEnv)) args.push('-e', `${k}=${v}`);
  args.push(prepared.scriptPath);
  return args;
}
