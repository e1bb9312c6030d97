import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyPem, writeKeyPair } from '../../src/reports/signing/keys.js';
import { runCli } from '../_helpers/cli.js';
import { KMS_KEY_ARN, mockKmsWithLocalKey } from '../_helpers/kms.js';
import { useLab } from '../_helpers/lab.js';
import {
  fakeOidcToken,
  type MockSigstore,
  startFakeActionsTokenEndpoint,
  startMockSigstore,
} from '../_helpers/sigstore.js';
import { variant } from './_drill.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const lab = useLab();
const IDENTITY = 'https://github.com/acme/shop/.github/workflows/quarterly-drill.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

let sig: MockSigstore;
beforeAll(async () => {
  sig = await startMockSigstore();
});
afterAll(async () => {
  await sig?.close();
});

const scratch = () => mkdtempSync(join(tmpdir(), 'dp-signed-run-'));

/** The stop drill with two objectives that cannot hold (P50 and max under a microsecond). */
const failingDrill = () =>
  variant('ec2-instance-stop', (d) => {
    d.objectives.latency = [
      { probe: 'web', phase: 'all', p50: '0.001ms' },
      { probe: 'web', phase: 'all', max: '0.001ms' },
    ];
  });

/**
 * `drillproof run` of the shipped stop drill on the test's lab, into `out`, with the signing flags.
 * Without its latency objective: these tests check the signature, and a loaded machine's P95 is
 * not theirs to judge.
 */
const withoutLatency = () =>
  variant('ec2-instance-stop', (d) => {
    d.objectives.latency = [];
  });
const runStopDrill = (out: string, signing: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['run', withoutLatency(), '--lab', lab.dir(), '--out', out, '--yes', ...signing], {
    ...process.env,
    ...env,
  });

describe('signing on run (lab drills)', () => {
  it('run --key signs with the given key: verify --key passes, another key exits 10, and run ends with the headline', async () => {
    const keys = await writeKeyPair(scratch(), 'ecdsa-p256');
    const out = join(scratch(), 'run');
    const r = await runStopDrill(out, ['--key', keys.privateKeyPath]);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    // The headline: verdict, RTO, objectives met, where the report is.
    expect(r.stdout).toMatch(/^PASSED lab-ec2-instance-stop: RTO .*objectives 2\/2 met · exit 0 → .*report\.html$/m);
    const ev = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8'));
    expect(ev.signing).toMatchObject({ method: 'key', trust: 'published-key', keyFingerprint: keys.fingerprint });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(keys.fingerprint);
    expect((await runCli(['verify', out, '--key', keys.publicKeyPath])).code).toBe(0);
    const other = await writeKeyPair(scratch(), 'ecdsa-p256');
    expect((await runCli(['verify', out, '--key', other.publicKeyPath])).code).toBe(10);
  });

  it('run --kms-key signs through KMS (MessageType DIGEST) and verify --kms-key trusts it', async () => {
    const work = scratch();
    const mock = mockKmsWithLocalKey(work);
    try {
      const out = join(work, 'run');
      const env = { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
      const r = await runStopDrill(out, ['--kms-key', KMS_KEY_ARN], env);
      expect(r.code).toBe(0);
      expect(mock.signInputs).toEqual([
        { KeyId: KMS_KEY_ARN, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256', len: 32 },
      ]);
      const ev = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8'));
      expect(ev.signing).toMatchObject({ method: 'kms', trust: 'kms', kmsKeyArn: KMS_KEY_ARN });
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(KMS_KEY_ARN);
      expect((await runCli(['verify', out, '--kms-key', KMS_KEY_ARN], env)).code).toBe(0);
      const pem = join(work, 'kms.pub.pem');
      writeFileSync(pem, publicKeyPem(mock.backing.publicKey));
      expect((await runCli(['verify', out, '--key', pem])).code).toBe(0);
    } finally {
      mock.restore();
    }
  });
});

describe('the GitHub Actions entry script on a lab drill', () => {
  it('writes the summary, one annotation per failed objective, the outputs, signs keyless with the workflow identity, and exits with the drill code', async () => {
    const gh = scratch();
    const summary = join(gh, 'step-summary.md');
    const output = join(gh, 'output.txt');
    const eventPath = join(gh, 'event.json');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    writeFileSync(eventPath, JSON.stringify({ schedule: '0 6 1 1,4,7,10 *' }));
    const token = await startFakeActionsTokenEndpoint(fakeOidcToken({ iss: ISSUER, sub: IDENTITY }), 'gha-runtime');
    const runDir = join(gh, 'runs', '4242-1');
    const env = {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      ACTIONS_ID_TOKEN_REQUEST_URL: token.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gha-runtime',
    };
    const scenario = failingDrill();
    let stdout = '';
    const code = await new Promise<number>((done) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'bin/drillproof-action.js'),
          '--scenario',
          scenario,
          '--run-dir',
          runDir,
          '--',
          '--keyless',
          '--fulcio-url',
          sig.fulcioUrl,
          '--rekor-url',
          sig.rekorUrl,
          '--lab',
          lab.dir(),
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('close', (c) => done(c ?? -1));
    });
    await token.close();
    expect(code, stdout).toBe(4);

    const ev = JSON.parse(readFileSync(join(runDir, 'evidence.json'), 'utf8'));
    const failed = ev.objectives.filter((o: { ok: boolean }) => !o.ok);
    expect(failed.map((o: { name: string }) => o.name).sort()).toEqual(['max:web:all', 'p50:web:all']);
    // One ::error per failed objective, naming it and what was expected.
    const annotations = stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations).toHaveLength(2);
    for (const o of failed) {
      // Workflow-command properties escape ':' and ',' (GitHub shows `objective p50:web:all not met`).
      const a = annotations.find((l) => l.includes(`title=objective ${o.name.replaceAll(':', '%3A')} not met::`));
      expect(a).toBeDefined();
      expect(a).toContain(`expected ${o.expected}, actual ${o.actual}`);
      expect(a).toContain(`file=${scenario}`);
    }

    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## drillproof: FAILED lab-ec2-instance-stop: RTO .*objectives 2\/4 met · exit 4/m);
    expect(md).toContain('Triggered by schedule `0 6 1 1,4,7,10 *`.');
    expect(md).toContain('## Objectives');
    expect(md).toContain('| objective | what | expected | actual | result |');
    for (const o of ev.objectives) expect(md).toContain(`| \`${o.name}\` |`);
    expect(md.match(/\*\*FAIL\*\*/g)).toHaveLength(2);
    expect(md).toContain(`signed by ${IDENTITY}`);

    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(outputs).toMatchObject({
      'exit-code': '4',
      verdict: 'failed',
      'objectives-met': '2',
      'objectives-total': '4',
      'failed-objectives': 'p50:web:all,max:web:all',
      'run-dir': runDir,
      report: join(runDir, 'report.html'),
    });
    expect(Number(outputs['rto-seconds'])).toBe(ev.measurements.rto.seconds);

    // Keyless with the workflow identity: verified by identity and issuer.
    const root = join(gh, 'trusted_root.json');
    writeFileSync(root, JSON.stringify(sig.trustedRoot));
    const policy = ['--certificate-oidc-issuer', ISSUER, '--trusted-root', root];
    expect((await runCli(['verify', runDir, '--certificate-identity', IDENTITY, ...policy])).code).toBe(0);
    expect(
      (await runCli(['verify', runDir, '--certificate-identity', IDENTITY.replace('main', 'dev'), ...policy])).code,
    ).toBe(10);
  });
});
