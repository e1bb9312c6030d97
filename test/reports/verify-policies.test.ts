import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKmsApi } from '../../src/aws/clients.js';
import { ExitCode } from '../../src/exit-codes.js';
import { generateSigningKey, publicKeyPem } from '../../src/reports/signing/keys.js';
import { kmsSigner } from '../../src/reports/signing/kms-signer.js';
import { signPack } from '../../src/reports/signing/sign-pack.js';
import { runCli } from '../_helpers/cli.js';
import { cleanupTempDirs, signedPack, tempDir } from '../_helpers/evidence.js';
import { KMS_KEY_ARN, mockKmsWithLocalKey } from '../_helpers/kms.js';

afterAll(cleanupTempDirs);

async function writePub(dir: string, name: string, pem: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, pem);
  return p;
}

describe('drillproof verify: policies and exit codes', () => {
  it('without a policy says integrity only; --key with the signing key is trusted; another key exits 10', async () => {
    const { dir, keys } = await signedPack('ec2-stop-passed');
    const work = await tempDir();
    const plain = await runCli(['verify', dir]);
    expect(plain.code).toBe(ExitCode.Ok);
    expect(plain.stdout).toContain('integrity only: signed by the key shipped in the pack');

    const good = await runCli(['verify', dir, '--key', await writePub(work, 'good.pem', publicKeyPem(keys.publicKey))]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('trusted: signed by the key given');
    expect(good.stdout).not.toContain('integrity only');

    const other = generateSigningKey('ecdsa-p256');
    const wrong = await runCli([
      'verify',
      dir,
      '--key',
      await writePub(work, 'wrong.pem', publicKeyPem(other.publicKey)),
    ]);
    expect(wrong.code).toBe(ExitCode.SignerNotTrusted);
    expect(wrong.code).toBe(10);
    expect(wrong.stdout).toContain('FAIL SignerNotTrusted');
    const json = JSON.parse((await runCli(['verify', dir, '--json', '--key', join(work, 'wrong.pem')])).stdout) as {
      outcome: string;
      exitCode: number;
      ok: boolean;
    };
    expect(json).toMatchObject({ outcome: 'signer-untrusted', exitCode: 10, ok: false });
  });

  it('exits 8 for a broken signature and 9 for an altered, removed or added file', async () => {
    const { dir } = await signedPack('ec2-stop-passed');
    const bundlePath = join(dir, 'evidence.sigstore.json');
    const original = await readFile(bundlePath, 'utf8');
    const bundle = JSON.parse(original);
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    sig[12] = (sig[12] as number) ^ 0x40;
    bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    await writeFile(bundlePath, JSON.stringify(bundle));
    expect((await runCli(['verify', dir])).code).toBe(8);
    await writeFile(bundlePath, original);

    await writeFile(join(dir, 'report.md'), `${await readFile(join(dir, 'report.md'), 'utf8')} `);
    const altered = await runCli(['verify', dir]);
    expect(altered.code).toBe(9);
    expect(altered.stdout).toContain('FAIL FileAltered report.md');
    // Altered file and wrong signature at once: the signature (8) wins.
    await writeFile(bundlePath, JSON.stringify(bundle));
    expect((await runCli(['verify', dir])).code).toBe(8);
  });

  it('fails (exit 9) on anything that is not a regular file, with and without --key', async () => {
    const { dir, keys } = await signedPack('ec2-stop-passed');
    const pub = await writePub(await tempDir(), 'k.pem', publicKeyPem(keys.publicKey));
    expect((await runCli(['verify', dir, '--key', pub])).code).toBe(0);

    // A link added next to the report, pointing outside the pack.
    await symlink('/etc/hostname', join(dir, 'report-final.html'));
    for (const args of [[], ['--key', pub]]) {
      const r = await runCli(['verify', dir, ...args]);
      expect(r.code).toBe(9);
      expect(r.stdout).toContain('FAIL FileNotRegular report-final.html');
      expect(r.stdout).toContain('symlink');
    }
    await rename(join(dir, 'report-final.html'), join(await tempDir(), 'moved-link'));
    expect((await runCli(['verify', dir, '--key', pub])).code).toBe(0);

    // A signed file replaced by a link to an identical copy: same bytes, still a failure.
    const copy = join(await tempDir(), 'junit.xml');
    await writeFile(copy, await readFile(join(dir, 'junit.xml')));
    await rename(join(dir, 'junit.xml'), join(await tempDir(), 'junit-original.xml'));
    await symlink(copy, join(dir, 'junit.xml'));
    const linked = await runCli(['verify', dir, '--key', pub]);
    expect(linked.code).toBe(9);
    expect(linked.stdout).toContain('junit.xml was signed as a file but is now a symlink');

    // A fifo, and a directory where a signed file was.
    const { dir: d2 } = await signedPack('ec2-stop-passed');
    execFileSync('mkfifo', [join(d2, 'pipe')]);
    await rename(join(d2, 'report.md'), join(await tempDir(), 'report.md'));
    await mkdir(join(d2, 'report.md'));
    const special = await runCli(['verify', d2, '--json']);
    expect(special.code).toBe(9);
    const problems = (JSON.parse(special.stdout) as { problems: { code: string; file: string; message: string }[] })
      .problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'FileNotRegular', file: 'pipe' }),
        expect.objectContaining({
          code: 'FileNotRegular',
          file: 'report.md',
          message: expect.stringContaining('directory'),
        }),
      ]),
    );

    // The signature bundle itself as a link.
    const { dir: d3 } = await signedPack('ec2-stop-passed');
    const elsewhere = join(await tempDir(), 'bundle.json');
    await rename(join(d3, 'evidence.sigstore.json'), elsewhere);
    await symlink(elsewhere, join(d3, 'evidence.sigstore.json'));
    const b = await runCli(['verify', d3]);
    expect(b.code).toBe(9);
    expect(b.stdout).toContain('FAIL FileNotRegular evidence.sigstore.json');
  });

  it('refuses to sign a pack holding a symlink', async () => {
    const { dir, keys } = await signedPack('ec2-stop-passed');
    await symlink('/etc/hostname', join(dir, 'extra-link'));
    await expect(
      signPack({ dir, signer: (await import('../../src/reports/signing/signer.js')).localSigner(keys.privateKey) }),
    ).rejects.toMatchObject({ code: 'PackFileNotRegular' });
  });

  it('--kms-key fetches the public key with kms:GetPublicKey: the KMS-signed pack is trusted, another signer exits 10', async () => {
    const work = await tempDir();
    const mock = mockKmsWithLocalKey(work);
    try {
      const { dir } = await signedPack('ec2-stop-passed');
      const client = createKmsApi({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
      await signPack({ dir, signer: await kmsSigner(client, KMS_KEY_ARN) });
      const env = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
      const ok = await runCli(['verify', dir, '--kms-key', KMS_KEY_ARN], env);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('trusted: signed by the KMS key given');
      const calls = mock.kms.commandCalls((await import('@aws-sdk/client-kms')).GetPublicKeyCommand);
      expect(calls.length).toBeGreaterThanOrEqual(2);

      const { dir: other } = await signedPack('ec2-stop-passed');
      const r = await runCli(['verify', other, '--kms-key', KMS_KEY_ARN], env);
      expect(r.code).toBe(10);
      expect(r.stdout).toContain(`not with the KMS key ${KMS_KEY_ARN}`);
    } finally {
      mock.restore();
    }
  });

  it('rejects mixed policies and a lone identity flag as usage errors (exit 2)', async () => {
    const { dir, keys } = await signedPack('ec2-stop-passed');
    const pub = await writePub(await tempDir(), 'k.pem', publicKeyPem(keys.publicKey));
    expect((await runCli(['verify', dir, '--key', pub, '--kms-key', KMS_KEY_ARN])).code).toBe(2);
    const lone = await runCli(['verify', dir, '--certificate-identity', 'https://example.test/x']);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('--certificate-oidc-issuer');
    expect((await runCli(['verify', join(dir, 'nope')])).code).toBe(2);
  });
});
