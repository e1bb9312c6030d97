import { createPublicKey, type KeyObject } from 'node:crypto';
import type { KmsApi, KmsPublicKey } from '../../aws/clients.js';
import { DrillproofError } from '../../errors.js';
import { keyFingerprint, keyTypeOf } from './keys.js';
import { type EvidenceSigner, sha256, signingInfo } from './signer.js';

/**
 * Signs with an AWS KMS asymmetric key (`ECC_NIST_P256`, `ECDSA_SHA_256`). KMS accepts at most
 * 4096 bytes of RAW message and a pack's PAE is larger, so drillproof hashes the PAE itself and
 * sends the digest with `MessageType: DIGEST`: the DER signature KMS returns then verifies as an
 * ordinary ECDSA-SHA256 signature over the PAE (openssl, cosign, sigstore). Every Sign call also
 * leaves a CloudTrail record of who signed and when.
 */
/**
 * The public key of a KMS signing key (kms:GetPublicKey), checked to be ECC_NIST_P256 / SIGN_VERIFY.
 * `verify --kms-key` trusts exactly this key.
 */
export async function kmsPublicKey(client: KmsApi, keyId: string): Promise<{ publicKey: KeyObject; keyArn: string }> {
  let pub: KmsPublicKey;
  try {
    pub = await client.getPublicKey({ KeyId: keyId });
  } catch (err) {
    throw DrillproofError.aws(
      'KmsGetPublicKeyFailed',
      `kms GetPublicKey failed for ${keyId}: ${(err as Error).message}`,
      {
        hint: 'check the key id or alias and that the caller may call kms:GetPublicKey (and kms:Sign to sign) on it',
        cause: err,
      },
    );
  }
  if (pub.KeySpec !== 'ECC_NIST_P256' || (pub.KeyUsage !== undefined && pub.KeyUsage !== 'SIGN_VERIFY')) {
    throw DrillproofError.user(
      'KmsKeySpecUnsupported',
      `kms key ${keyId} is ${pub.KeySpec ?? 'unknown'}/${pub.KeyUsage ?? 'unknown'}: drillproof needs ECC_NIST_P256 with SIGN_VERIFY`,
      { hint: 'create one with `aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY`' },
    );
  }
  if (!pub.PublicKey) throw DrillproofError.aws('KmsNoPublicKey', `kms returned no public key for ${keyId}`);
  const publicKey = createPublicKey({ key: Buffer.from(pub.PublicKey), format: 'der', type: 'spki' });
  keyTypeOf(publicKey);
  return { publicKey, keyArn: pub.KeyId ?? keyId };
}

export async function kmsSigner(client: KmsApi, keyId: string): Promise<EvidenceSigner> {
  const { publicKey, keyArn } = await kmsPublicKey(client, keyId);
  const fingerprint = keyFingerprint(publicKey);
  return {
    keyType: 'ecdsa-p256',
    publicKey,
    description: `aws kms ${keyArn}`,
    info: () =>
      signingInfo({
        method: 'kms',
        keyType: 'ecdsa-p256',
        keyFingerprint: fingerprint,
        generatedKey: false,
        kmsKeyArn: keyArn,
        identity: null,
        issuer: null,
        certificateAuthority: null,
        transparencyLog: null,
        trust: 'kms',
      }),
    async sign(pae) {
      try {
        const out = await client.sign({
          KeyId: keyId,
          Message: sha256(pae),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        });
        if (!out.Signature) throw new Error('empty signature');
        return Buffer.from(out.Signature);
      } catch (err) {
        throw DrillproofError.aws('KmsSignFailed', `kms Sign failed for ${keyId}: ${(err as Error).message}`, {
          hint: 'the caller needs kms:Sign on the key',
          cause: err,
        });
      }
    },
  };
}
