// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario variables are literal text in these tests
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsFlagValues, normalizeLegacyArgv } from '../../src/cli/flags.js';
import { runScenarioFile } from '../../src/experiments/compose/run-file.js';
import { RecordingSink } from '../../src/io/messages.js';
import { runCli } from '../_helpers/cli.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'dp-flags-'));

function awsScenario(accounts: string): string {
  const file = join(scratch(), 'stop.yaml');
  writeFileSync(
    file,
    `version: 1
metadata: { name: env-account }
target:
  provider: aws
  region: eu-west-1
  allowedAccounts: [${accounts}]
resources:
  web: { type: ec2-instance, ids: [i-0123456789abcdef0] }
probes:
  - { name: web, type: http, url: "https://shop.example.test/", interval: 1s, timeout: 2s }
steps:
  baseline: 5s
  faults: [{ id: stop, type: ec2-stop, resource: web }]
  observe: { timeout: 60s }
objectives: { rto: 60s }
`,
  );
  return file;
}

describe('flags every command shares', () => {
  it('--lab <dir> on the lab commands; the older --dir still works and is hidden from help', async () => {
    const dir = scratch();
    const a = JSON.parse((await runCli(['lab', 'status', '--lab', dir, '--json'])).stdout);
    const b = JSON.parse((await runCli(['lab', 'status', '--dir', dir, '--json'])).stdout);
    expect(a).toMatchObject({ running: false, stateDir: dir });
    expect(b).toEqual(a);
    const help = (await runCli(['lab', 'up', '--help'])).stdout;
    expect(help).toContain('--lab <dir>');
    expect(help).not.toContain('--dir');
  });

  it('--endpoint-url with --endpoint as a hidden older spelling; --profile and --region on run, recover, sweep, sign, verify', async () => {
    expect(awsFlagValues({ endpoint: 'http://127.0.0.1:4566' })).toEqual({ endpoint: 'http://127.0.0.1:4566' });
    expect(awsFlagValues({ endpoint: 'http://a', endpointUrl: 'http://b', profile: 'p', region: 'r' })).toEqual({
      endpoint: 'http://b',
      profile: 'p',
      region: 'r',
    });
    for (const cmd of ['run', 'recover', 'sweep', 'sign', 'verify']) {
      const help = (await runCli([cmd, '--help'])).stdout;
      expect(help, cmd).toContain('--profile <name>');
      expect(help, cmd).toContain('--region <region>');
      expect(help, cmd).toContain('--endpoint-url <url>');
      expect(help, cmd).not.toMatch(/--endpoint </);
    }
    expect((await runCli(['run', '--help'])).stdout).toContain('--lab <dir>');
  });

  it('`sweep --lab` without a directory still means the default lab', () => {
    const env = { DRILLPROOF_LAB_DIR: '/srv/lab' };
    expect(normalizeLegacyArgv(['sweep', '--lab'], env)).toEqual(['sweep', '--lab', '/srv/lab']);
    expect(normalizeLegacyArgv(['sweep', '--lab', '--dry-run'], env)).toEqual([
      'sweep',
      '--lab',
      '/srv/lab',
      '--dry-run',
    ]);
    expect(normalizeLegacyArgv(['sweep', '--lab', 'x'], env)).toEqual(['sweep', '--lab', 'x']);
    expect(normalizeLegacyArgv(['run', 'a.yaml', '--lab'], env)).toEqual(['run', 'a.yaml', '--lab']);
  });
});

describe('allowedAccounts from ${env.X}', () => {
  it('validates a whole variable and still rejects a literal that is not 12 digits', async () => {
    expect((await runCli(['validate', awsScenario('"${env.DRILL_ACCOUNT}"')])).code).toBe(0);
    const bad = await runCli(['validate', awsScenario('"12345"')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toContain('invalid account id "12345"');
    expect((await runCli(['validate', awsScenario('"acct-${env.X}"')])).code).toBe(2);
  });

  it('resolves the variable at run time and refuses a value that is not an account id, before any AWS call', async () => {
    const file = awsScenario('"${env.DRILL_ACCOUNT}"');
    const sink = new RecordingSink();
    await expect(
      runScenarioFile(file, { yes: true, env: { DRILL_ACCOUNT: '1234-5678' }, sink, out: join(scratch(), 'run') }),
    ).rejects.toMatchObject({ code: 'AllowedAccountInvalid', source: 'user' });
    const r = await runCli(['run', file, '--yes', '--out', join(scratch(), 'run')], { DRILL_ACCOUNT: 'prod' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('target.allowedAccounts[0]: ${env.DRILL_ACCOUNT} resolved to "prod"');
  });
});
