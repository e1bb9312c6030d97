import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { PolicyError, toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRunDir } from '../../src/reports/pack.js';
import { keylessSigner } from '../../src/reports/signing/keyless.js';
import { oidcToken } from '../../src/reports/signing/oidc.js';
import { runCli } from '../_helpers/cli.js';
import { cleanupTempDirs, copyRun, tempDir } from '../_helpers/evidence.js';
import {
  fakeOidcToken,
  type MockSigstore,
  startFakeActionsTokenEndpoint,
  startMockSigstore,
} from '../_helpers/sigstore.js';

const IDENTITY = 'https://github.com/acme/shop/.github/workflows/quarterly-drill.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

let sig: MockSigstore;
let rootFile: string;
let otherRootFile: string;
let other: MockSigstore;

beforeAll(async () => {
  sig = await startMockSigstore();
  other = await startMockSigstore();
  const d = await tempDir();
  rootFile = join(d, 'trusted_root.json');
  otherRootFile = join(d, 'other_root.json');
  await writeFile(rootFile, JSON.stringify(sig.trustedRoot));
  await writeFile(otherRootFile, JSON.stringify(other.trustedRoot));
});
afterAll(async () => {
  await sig?.close();
  await other?.close();
  await cleanupTempDirs();
});

async function keylessPack(env: NodeJS.ProcessEnv) {
  const dir = await copyRun('ec2-stop-passed');
  const signer = keylessSigner({
    urls: { fulcioUrl: sig.fulcioUrl, rekorUrl: sig.rekorUrl, tsaUrl: sig.tsaUrl },
    token: { env },
  });
  const r = await signRunDir(dir, { signer });
  return { dir, r, signer };
}

const policy = (id = IDENTITY, iss = ISSUER, root = rootFile) => [
  '--certificate-identity',
  id,
  '--certificate-oidc-issuer',
  iss,
  '--trusted-root',
  root,
];

describe('keyless signing against Sigstore services on loopback', () => {
  it('gets a Fulcio certificate for the OIDC identity, logs in Rekor, timestamps, and names the signer in the pack', async () => {
    const before = sig.requests.length;
    const { dir } = await keylessPack({ SIGSTORE_ID_TOKEN: fakeOidcToken({ iss: ISSUER, sub: IDENTITY }) });
    expect(sig.requests.slice(before).map((q) => `${q.service} ${q.path}`)).toEqual([
      'fulcio /api/v2/signingCert',
      'rekor /api/v1/log/entries',
      'tsa /api/v1/timestamp',
    ]);
    const bundle = JSON.parse(await readFile(join(dir, 'evidence.sigstore.json'), 'utf8'));
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.certificate.rawBytes).toEqual(expect.any(String));
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    expect(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
    // The signer is in the signed documents themselves.
    const ev = JSON.parse(await readFile(join(dir, 'evidence.json'), 'utf8'));
    expect(ev.signing).toMatchObject({ method: 'keyless', trust: 'keyless', identity: IDENTITY, issuer: ISSUER });
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain(`Identity: \`${IDENTITY}\``);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('data-trust="keyless"');
    expect(html).toContain(IDENTITY);
    const predicate = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')).predicate;
    expect(predicate.signer).toMatchObject({ method: 'keyless', identity: IDENTITY, issuer: ISSUER });
    // No long-lived key ships with a keyless pack; VERIFY.md says how cosign checks it.
    await expect(readFile(join(dir, 'signing-key.pub.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
    const verifyMd = await readFile(join(dir, 'VERIFY.md'), 'utf8');
    expect(verifyMd).toContain(`--certificate-identity '${IDENTITY}'`);
    expect(verifyMd).toContain('cosign verify-blob-attestation');
  });

  it('verifies with the identity policy, fails with another identity or issuer (10), another root (8), a changed file (9)', async () => {
    const { dir } = await keylessPack({ SIGSTORE_ID_TOKEN: fakeOidcToken({ iss: ISSUER, sub: IDENTITY }) });
    const ok = await runCli(['verify', dir, ...policy()]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`trusted: signed by ${IDENTITY} (issuer ${ISSUER})`);

    const regexp = await runCli([
      'verify',
      dir,
      '--certificate-identity-regexp',
      'https://github\\.com/acme/shop/\\.github/workflows/.*@refs/heads/main',
      '--certificate-oidc-issuer',
      ISSUER,
      '--trusted-root',
      rootFile,
    ]);
    expect(regexp.code).toBe(0);

    const wrongId = await runCli(['verify', dir, ...policy(IDENTITY.replace('acme/shop', 'acme/other'))]);
    expect(wrongId.code).toBe(10);
    expect(wrongId.stdout).toContain('FAIL SignerNotTrusted');
    expect((await runCli(['verify', dir, ...policy(IDENTITY, 'https://accounts.google.com')])).code).toBe(10);

    const wrongRoot = await runCli(['verify', dir, ...policy(IDENTITY, ISSUER, otherRootFile)]);
    expect(wrongRoot.code).toBe(8);
    expect(wrongRoot.stdout).toContain('FAIL CertificateInvalid');

    const plain = await runCli(['verify', dir]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('integrity only: signed by the key shipped in the pack');
    expect(plain.stdout).toContain(`a certificate for ${IDENTITY}`);

    await writeFile(join(dir, 'junit.xml'), `${await readFile(join(dir, 'junit.xml'), 'utf8')}\n`);
    const altered = await runCli(['verify', dir, ...policy()]);
    expect(altered.code).toBe(9);
    expect(altered.stdout).toContain('FAIL FileAltered junit.xml');
  });

  it('passes @sigstore/verify driven directly with the certificate identity policy', async () => {
    const { dir } = await keylessPack({ SIGSTORE_ID_TOKEN: fakeOidcToken({ iss: ISSUER, sub: IDENTITY }) });
    const bundle = bundleFromJSON(JSON.parse(await readFile(join(dir, 'evidence.sigstore.json'), 'utf8')));
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sig.trustedRoot)), {
      tlogThreshold: 1,
      ctlogThreshold: 0,
      timestampThreshold: 1,
    });
    const signer = verifier.verify(toSignedEntity(bundle), {
      subjectAlternativeName: IDENTITY,
      extensions: { issuer: ISSUER },
    });
    expect(signer.identity?.subjectAlternativeName).toBe(IDENTITY);
    expect(() =>
      verifier.verify(toSignedEntity(bundle), {
        subjectAlternativeName: `${IDENTITY}x`,
        extensions: { issuer: ISSUER },
      }),
    ).toThrow(PolicyError);
  });

  it('takes the token from the GitHub Actions token endpoint (audience sigstore) or from a file', async () => {
    const token = fakeOidcToken({ iss: ISSUER, sub: IDENTITY });
    const gha = await startFakeActionsTokenEndpoint(token, 'runtime-bearer');
    try {
      const env = { ACTIONS_ID_TOKEN_REQUEST_URL: gha.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-bearer' };
      expect(await oidcToken({ env })).toEqual({ token, source: 'github-actions' });
      const { dir } = await keylessPack(env);
      expect(gha.audiences.every((a) => a === 'sigstore')).toBe(true);
      expect((await runCli(['verify', dir, ...policy()])).code).toBe(0);
      await expect(oidcToken({ env: { ...env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' } })).rejects.toMatchObject({
        code: 'OidcTokenRequestFailed',
      });
    } finally {
      await gha.close();
    }
    const file = join(await tempDir(), 'token');
    await writeFile(file, `${token}\n`);
    expect(await oidcToken({ env: {}, tokenFile: file })).toEqual({ token, source: 'file' });
    await expect(oidcToken({ env: {} })).rejects.toMatchObject({ code: 'OidcTokenMissing' });
    await writeFile(file, 'not-a-jwt');
    await expect(oidcToken({ env: {}, tokenFile: file })).rejects.toMatchObject({ code: 'OidcTokenInvalid' });
  });

  it('`drillproof sign --keyless` signs a pack with the configured Sigstore URLs', async () => {
    const dir = await copyRun('ec2-stop-passed');
    const token = fakeOidcToken({ iss: ISSUER, sub: IDENTITY });
    const r = await runCli(['sign', dir, '--keyless', '--fulcio-url', sig.fulcioUrl, '--rekor-url', sig.rekorUrl], {
      SIGSTORE_ID_TOKEN: token,
    });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`signed by ${IDENTITY}`);
    expect((await runCli(['verify', dir, ...policy()])).code).toBe(0);
    const down = await runCli(
      ['sign', dir, '--keyless', '--fulcio-url', 'http://127.0.0.1:9', '--rekor-url', sig.rekorUrl],
      {
        SIGSTORE_ID_TOKEN: token,
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('KeylessCertificateFailed');
    expect(down.stderr).not.toContain('    at ');
  });
});
