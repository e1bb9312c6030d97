import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../_helpers/cli.js';
import { cleanupTempDirs, copyRun, tempDir } from '../_helpers/evidence.js';
import { KMS_KEY_ARN, mockKmsWithLocalKey } from '../_helpers/kms.js';

afterAll(cleanupTempDirs);

describe('drillproof keygen, report, sign, verify', () => {
  it('takes a run directory to a verified pack, and verify names a tampered file', async () => {
    const keys = await tempDir();
    const gen = await runCli(['keygen', '--out', keys, '--json']);
    expect(gen.code).toBe(0);
    const { privateKeyPath, publicKeyPath, fingerprint } = JSON.parse(gen.stdout);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await runCli(['keygen', '--out', keys])).stderr).toContain('SigningKeyExists');

    const dir = await copyRun('ec2-stop-passed');
    const rep = await runCli(['report', dir]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('passed: ec2-instance-stop');
    await access(join(dir, 'report.html'));

    const sign = await runCli(['sign', dir, '--key', privateKeyPath]);
    expect(sign.code).toBe(0);
    expect(sign.stdout).toContain(`key fingerprint: ${fingerprint}`);

    const ok = await runCli(['verify', dir, '--key', publicKeyPath]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('files match the signed digests');

    // Re-rendering an untouched pack gives the same bytes: the signature stays valid.
    const again = await runCli(['report', dir]);
    expect(again.stderr).not.toContain('no longer matches');
    expect((await runCli(['verify', dir])).code).toBe(0);

    const junit = join(dir, 'junit.xml');
    await writeFile(junit, (await readFile(junit, 'utf8')).replace('failures="0"', 'failures="0" '));
    const bad = await runCli(['verify', dir, '--key', publicKeyPath]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain('FAIL FileAltered junit.xml');
    const json = JSON.parse((await runCli(['verify', dir, '--json'])).stdout);
    expect(json.problems).toEqual([expect.objectContaining({ code: 'FileAltered', file: 'junit.xml' })]);
  });

  it('signs with an AWS KMS key given by ARN (region from the ARN)', async () => {
    const mock = mockKmsWithLocalKey(await tempDir());
    try {
      const dir = await copyRun('ec2-stop-passed');
      await runCli(['report', dir]);
      const r = await runCli(['sign', dir, '--kms-key', KMS_KEY_ARN], {
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      expect(mock.signInputs).toEqual([
        expect.objectContaining({ KeyId: KMS_KEY_ARN, MessageType: 'DIGEST', len: 32 }),
      ]);
      const keyDir = await tempDir();
      const pub = join(keyDir, 'kms.pub.pem');
      await writeFile(pub, mock.backing.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      expect((await runCli(['verify', dir, '--key', pub])).code).toBe(0);
    } finally {
      mock.restore();
    }
  });

  it('explains a missing signing key and a missing Chromium', async () => {
    const dir = await copyRun('ec2-stop-passed');
    await runCli(['report', dir]);
    const noKey = await runCli(['sign', dir]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('SigningKeyMissing');
    const noChrome = await runCli(['report', dir, '--pdf'], { DRILLPROOF_CHROMIUM: '/nonexistent/chromium' });
    expect(noChrome.code).toBe(2);
    expect(noChrome.stderr).toContain('no Chromium at /nonexistent/chromium');
    expect(noChrome.stderr).toContain('apt-get install chromium');
  });

  it('prints report.pdf with the local Chromium', async () => {
    const dir = await copyRun('ec2-stop-passed');
    const r = await runCli(['report', dir, '--pdf'], { DRILLPROOF_CHROMIUM: '/usr/bin/chromium' });
    expect(r.code).toBe(0);
    expect((await readFile(join(dir, 'report.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('drillproof compare', () => {
  it('exits 4 on an RTO regression and 0 for equivalent runs', async () => {
    const a = await copyRun('ec2-stop-passed');
    const b = await copyRun('ec2-stop-equivalent');
    const c = await copyRun('ec2-stop-slower');
    for (const d of [a, b, c]) expect((await runCli(['report', d])).code).toBe(0);
    const same = await runCli(['compare', a, b]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("no regression beyond both runs' resolution and the tolerance");
    const slower = await runCli(['compare', a, c]);
    expect(slower.code).toBe(4);
    expect(slower.stdout).toMatch(/RTO\s+11\.75s ±0\.1s\s+38\.35s ±0\.1s\s+\+26\.6s\s+REGRESSED/);
    const json = JSON.parse((await runCli(['compare', a, c, '--json'])).stdout);
    expect(json.regressed).toBe(true);
  });
});
