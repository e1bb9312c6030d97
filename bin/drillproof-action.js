#!/usr/bin/env node
// GitHub Actions entry of drillproof (action.yml): one drill, then the job summary, annotations
// and step outputs. Usage: drillproof-action --scenario <file> --run-dir <dir>
//   [--compare-with <earlier pack>] [--tolerance <spec>] [-- <extra drillproof run arguments>]
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { fileURLToPath } = await import('node:url');
const { runGithubAction } = await import('../dist/ci/github-action.js');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const runArgs = dash < 0 ? [] : argv.slice(dash + 1);
const flag = (name) => {
  const i = own.indexOf(name);
  return i >= 0 ? own[i + 1] : undefined;
};
const scenario = flag('--scenario');
const runDir = flag('--run-dir');
if (!scenario || !runDir) {
  process.stderr.write(
    'usage: drillproof-action --scenario <file> --run-dir <dir> [--compare-with <dir>] [-- <run args>]\n',
  );
  process.exit(2);
}
const r = await runGithubAction({
  scenario,
  runDir,
  runArgs,
  compareWith: flag('--compare-with') || undefined,
  tolerance: flag('--tolerance') || undefined,
  env: process.env,
  cli: fileURLToPath(new URL('./drillproof.js', import.meta.url)),
  stdout: process.stdout,
});
process.exitCode = r.exitCode;
