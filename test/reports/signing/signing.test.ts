import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { createKmsApi } from '../../../src/aws/clients.js';
import { generateSigningKey, keyFingerprint, publicKeyPem } from '../../../src/reports/signing/keys.js';
import { kmsSigner } from '../../../src/reports/signing/kms-signer.js';
import { listPackFiles } from '../../../src/reports/signing/pack-files.js';
import { signPack } from '../../../src/reports/signing/sign-pack.js';
import { localSigner } from '../../../src/reports/signing/signer.js';
import { verifyPack } from '../../../src/reports/signing/verify-pack.js';
import { cleanupTempDirs, signedPack, tempDir } from '../../_helpers/evidence.js';
import { KMS_KEY_ARN, mockKmsWithLocalKey } from '../../_helpers/kms.js';
import { startLoopbackTsa } from '../../_helpers/tsa.js';

afterAll(cleanupTempDirs);

async function flipByte(path: string, at = 0.5): Promise<void> {
  const buf = await readFile(path);
  const i = Math.floor((buf.length - 1) * at);
  buf[i] = (buf[i] as number) ^ 0x01;
  await writeFile(path, buf);
}

describe('sign and verify an evidence pack', () => {
  it.each(['ecdsa-p256', 'ed25519'] as const)('a fresh %s pack verifies, also with @sigstore/verify', async (type) => {
    const { dir, keys } = await signedPack('ec2-stop-passed', type);
    const bundle = JSON.parse(await readFile(join(dir, 'evidence.sigstore.json'), 'utf8'));
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(bundle.verificationMaterial.publicKey.hint).toBe(keyFingerprint(keys.publicKey));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    // Every file except the bundle is a subject, with its real sha256.
    const files = (await listPackFiles(dir)).filter((f) => f !== 'evidence.sigstore.json');
    expect(statement.subject.map((s: { name: string }) => s.name)).toEqual(files);
    for (const s of statement.subject)
      expect(s.digest.sha256).toBe(
        createHash('sha256')
          .update(await readFile(join(dir, s.name)))
          .digest('hex'),
      );
    expect(statement.predicate).toMatchObject({
      runId: 'run-20261121T101500Z-ec2-stop',
      verdict: 'passed',
      rto: { targetSeconds: 60, measuredSeconds: 11.75, ok: true },
      rpo: { targetSeconds: 0, measuredSeconds: 0, lostWrites: 0 },
      caller: { account: '000000000000' },
    });
    const r = await verifyPack({ dir, trustedKeyPem: publicKeyPem(keys.publicKey) });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({
      ok: true,
      outcome: 'valid',
      trust: 'policy',
      policy: 'key',
      keySource: 'pack',
      keyType: type,
      sigstoreVerified: true,
      files: files.length,
    });
  });

  it('names every altered file, one byte at a time', async () => {
    const { dir } = await signedPack('ec2-stop-passed');
    const files = (await listPackFiles(dir)).filter((f) => f !== 'evidence.sigstore.json');
    for (const f of files) {
      const original = await readFile(join(dir, f));
      await flipByte(join(dir, f));
      const r = await verifyPack({ dir });
      expect(r.ok, f).toBe(false);
      expect(
        r.problems.map((p) => `${p.code} ${p.file}`),
        f,
      ).toContain(`FileAltered ${f}`);
      await writeFile(join(dir, f), original);
    }
    expect((await verifyPack({ dir })).ok).toBe(true);
  });

  it('names a removed file and an added file', async () => {
    const { dir } = await signedPack('ec2-stop-passed');
    await rm(join(dir, 'samples/web.ndjson'));
    await writeFile(join(dir, 'notes.txt'), 'added later\n');
    const r = await verifyPack({ dir });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => `${p.code} ${p.file}`)).toEqual(
      expect.arrayContaining(['FileMissing samples/web.ndjson', 'FileExtra notes.txt']),
    );
  });

  it('rejects a swapped signature and a pack re-signed with another key', async () => {
    const a = await signedPack('ec2-stop-passed');
    const b = await signedPack('ec2-stop-passed');
    // Signature of pack b (same key type, different key and payload) pasted into pack a.
    const bundleA = JSON.parse(await readFile(join(a.dir, 'evidence.sigstore.json'), 'utf8'));
    const bundleB = JSON.parse(await readFile(join(b.dir, 'evidence.sigstore.json'), 'utf8'));
    bundleA.dsseEnvelope.signatures[0].sig = bundleB.dsseEnvelope.signatures[0].sig;
    await writeFile(join(a.dir, 'evidence.sigstore.json'), JSON.stringify(bundleA));
    const r1 = await verifyPack({ dir: a.dir });
    expect(r1.problems.map((p) => p.code)).toContain('SignatureInvalid');
    expect(r1.sigstoreVerified).toBe(false);
    expect(r1.outcome).toBe('signature-invalid');
    // A forger re-signs everything with their own key: the pack is intact, so without a policy it
    // verifies (integrity only); only the trusted key catches it, as an untrusted signer.
    const forger = generateSigningKey('ecdsa-p256');
    await signPack({ dir: b.dir, signer: localSigner(forger.privateKey) });
    const integrity = await verifyPack({ dir: b.dir });
    expect(integrity).toMatchObject({ ok: true, trust: 'integrity-only', policy: 'none' });
    const r2 = await verifyPack({ dir: b.dir, trustedKeyPem: publicKeyPem(b.keys.publicKey) });
    expect(r2.ok).toBe(false);
    expect(r2.outcome).toBe('signer-untrusted');
    expect(r2.problems.map((p) => p.code)).toEqual(['SignerNotTrusted']);
    // The forger also deletes the shipped public key: the trusted key does not match the bundle's hint.
    await rm(join(b.dir, 'signing-key.pub.pem'));
    const r3 = await verifyPack({ dir: b.dir, trustedKeyPem: publicKeyPem(b.keys.publicKey) });
    expect(r3.outcome).toBe('signature-invalid');
    expect(r3.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['KeyMissing', 'FileMissing']));
  });

  it('reports a missing bundle and a bundle that is not a bundle', async () => {
    const { dir } = await signedPack('ec2-stop-passed');
    await writeFile(join(dir, 'evidence.sigstore.json'), '{"mediaType":"nope"}');
    expect((await verifyPack({ dir })).problems[0]?.code).toBe('BundleInvalid');
    await rm(join(dir, 'evidence.sigstore.json'));
    expect((await verifyPack({ dir })).problems[0]?.code).toBe('BundleMissing');
  });
});

describe('AWS KMS signing', () => {
  it('signs SHA-256(PAE) with MessageType DIGEST and the result verifies as a normal ECDSA signature', async () => {
    // GIVEN a KMS key backed by a real local P-256 key
    const mock = mockKmsWithLocalKey(await tempDir());
    try {
      const { dir } = await signedPack('az-impairment-failed');
      // WHEN the pack is re-signed through KMS
      const signer = await kmsSigner(createKmsApi({ region: 'us-east-1' }), 'alias/drill-evidence');
      const r = await signPack({ dir, signer });
      // THEN KMS saw a 32-byte digest, and the pack verifies with the KMS public key
      expect(mock.signInputs).toEqual([
        { KeyId: 'alias/drill-evidence', MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256', len: 32 },
      ]);
      expect(r.fingerprint).toBe(keyFingerprint(mock.backing.publicKey));
      const v = await verifyPack({ dir, trustedKeyPem: publicKeyPem(mock.backing.publicKey) });
      expect(v.problems).toEqual([]);
      expect(v.sigstoreVerified).toBe(true);
      expect(v.statement?.predicate.signer.description).toBe(`aws kms ${KMS_KEY_ARN}`);
    } finally {
      mock.restore();
    }
  });

  it('refuses a KMS key that is not ECC_NIST_P256', async () => {
    const kms = mockClient(KMSClient);
    kms
      .on(GetPublicKeyCommand)
      .resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: new Uint8Array(1) });
    try {
      await expect(kmsSigner(createKmsApi({ region: 'us-east-1' }), 'alias/rsa')).rejects.toMatchObject({
        code: 'KmsKeySpecUnsupported',
      });
    } finally {
      kms.restore();
    }
  });
});

describe('RFC 3161 timestamp', () => {
  it('timestamps the signature through a loopback TSA and verifies it against the TSA CA', async () => {
    const tsa = await startLoopbackTsa();
    try {
      const { dir, keys } = await signedPack('ec2-stop-passed');
      const r = await signPack({ dir, signer: localSigner(keys.privateKey), tsaUrl: tsa.url });
      expect(tsa.requests).toBe(1);
      expect(Math.abs(Date.parse(r.timestamp?.genTime as string) - Date.now())).toBeLessThan(60_000);
      const v = await verifyPack({ dir, trustedKeyPem: publicKeyPem(keys.publicKey), tsaCaPem: tsa.caPem });
      expect(v.problems).toEqual([]);
      expect(v.sigstoreVerified).toBe(true);
      expect(v.timestamps[0]?.tsaSubject).toContain('drillproof test TSA');
      // The same timestamp on another signature: imprint mismatch.
      const bundle = JSON.parse(await readFile(join(dir, 'evidence.sigstore.json'), 'utf8'));
      const other = await signedPack('ec2-stop-equivalent');
      const otherBundle = JSON.parse(await readFile(join(other.dir, 'evidence.sigstore.json'), 'utf8'));
      otherBundle.verificationMaterial.timestampVerificationData =
        bundle.verificationMaterial.timestampVerificationData;
      await writeFile(join(other.dir, 'evidence.sigstore.json'), JSON.stringify(otherBundle));
      const bad = await verifyPack({ dir: other.dir, tsaCaPem: tsa.caPem });
      expect(bad.problems.map((p) => p.code)).toContain('TimestampInvalid');
    } finally {
      await tsa.close();
    }
  });
});
