import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { SerializedBundle } from '@sigstore/bundle';
import type { SigningInfo } from '../evidence-schema.js';
import { type KeyType, keyFingerprint, keyTypeOf, publicKeyPem } from './keys.js';

/**
 * Something that signs DSSE pre-authentication encodings. ECDSA signatures are DER (what
 * sigstore, cosign and openssl expect); Ed25519 is pure Ed25519 over the PAE bytes.
 */
export interface EvidenceSigner {
  keyType: KeyType;
  publicKey: KeyObject;
  /** For people and the predicate: `local key <fingerprint>`, the KMS key ARN, or the OIDC identity. */
  description: string;
  /**
   * Who signs, for the report and evidence.json (they are written before the signature, so a
   * keyless signer must have its certificate first: call `prepare()` before reading this).
   */
  info(): SigningInfo;
  /** Keyless: obtains the certificate for the identity. Idempotent. */
  prepare?(): Promise<void>;
  sign(pae: Buffer): Promise<Buffer>;
  /**
   * Keyless: the whole bundle (certificate, transparency log entry, timestamps) for the payload.
   * Key signers leave it undefined and the pack writer builds a public-key bundle.
   */
  bundle?(payload: Buffer, payloadType: string): Promise<SerializedBundle>;
}

/** What the signature proves, for people: one sentence per trust level. */
export function trustSummary(i: Omit<SigningInfo, 'summary' | 'verify'>): { summary: string; verify: string } {
  switch (i.trust) {
    case 'integrity-only':
      return {
        summary:
          'integrity only: signed by a key generated for this run and shipped in the pack; it proves the files were not changed after signing, not who signed them',
        verify: 'drillproof verify <pack>',
      };
    case 'published-key':
      return {
        summary: `signed with the key ${i.keyFingerprint}; trusted when verified against the public key your organisation publishes for drill evidence`,
        verify: 'drillproof verify <pack> --key <published-public-key.pem>',
      };
    case 'kms':
      return {
        summary: `signed with the AWS KMS key ${i.kmsKeyArn ?? '(unknown)'}; only callers allowed kms:Sign on that key can produce this signature, and each Sign call is in CloudTrail`,
        verify: `drillproof verify <pack> --kms-key ${i.kmsKeyArn ?? '<key-arn>'}`,
      };
    case 'keyless':
      return {
        summary: `signed by ${i.identity ?? '(unknown identity)'} (OIDC issuer ${i.issuer ?? 'unknown'}) with a short-lived Sigstore certificate${
          i.transparencyLog ? `, recorded in the transparency log ${i.transparencyLog}` : ''
        }`,
        verify: `drillproof verify <pack> --certificate-identity ${i.identity ?? '<identity>'} --certificate-oidc-issuer ${i.issuer ?? '<issuer>'}`,
      };
  }
}

export function signingInfo(i: Omit<SigningInfo, 'summary' | 'verify'>): SigningInfo {
  return { ...i, ...trustSummary(i) };
}

/**
 * A local key. `generated`: made for this run only (its public half ships in the pack, so the
 * signature proves integrity, not authorship).
 */
export function localSigner(privateKey: KeyObject, opts: { generated?: boolean } = {}): EvidenceSigner {
  const keyType = keyTypeOf(privateKey);
  const publicKey = createPublicKey(privateKey);
  const fingerprint = keyFingerprint(publicKey);
  const generated = opts.generated === true;
  return {
    keyType,
    publicKey,
    description: `${generated ? 'generated' : 'local'} ${keyType} key ${fingerprint.slice(0, 16)}`,
    info: () =>
      signingInfo({
        method: 'key',
        keyType,
        keyFingerprint: fingerprint,
        generatedKey: generated,
        kmsKeyArn: null,
        identity: null,
        issuer: null,
        certificateAuthority: null,
        transparencyLog: null,
        trust: generated ? 'integrity-only' : 'published-key',
      }),
    sign: async (pae) =>
      keyType === 'ed25519'
        ? sign(null, pae, privateKey)
        : sign('sha256', pae, { key: privateKey, dsaEncoding: 'der' }),
  };
}

export function sha256(data: Buffer | string): Buffer {
  return createHash('sha256').update(data).digest();
}

export { publicKeyPem };
