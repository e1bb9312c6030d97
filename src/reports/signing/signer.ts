import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { type KeyType, keyFingerprint, keyTypeOf, publicKeyPem } from './keys.js';

/**
 * Something that signs DSSE pre-authentication encodings. ECDSA signatures are DER (what
 * sigstore, cosign and openssl expect); Ed25519 is pure Ed25519 over the PAE bytes.
 */
export interface EvidenceSigner {
  keyType: KeyType;
  publicKey: KeyObject;
  /** For people and the predicate: `local key <fingerprint>` or the KMS key ARN. */
  description: string;
  sign(pae: Buffer): Promise<Buffer>;
}

export function localSigner(privateKey: KeyObject): EvidenceSigner {
  const keyType = keyTypeOf(privateKey);
  const publicKey = createPublicKey(privateKey);
  return {
    keyType,
    publicKey,
    description: `local ${keyType} key ${keyFingerprint(publicKey).slice(0, 16)}`,
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
