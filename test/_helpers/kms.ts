import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { generateSigningKey } from '../../src/reports/signing/keys.js';

export const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * KMS for tests: an ECC_NIST_P256 key backed by a real local P-256 key. Sign answers the way KMS
 * does for MessageType DIGEST: openssl pkeyutl signs the given 32-byte digest as is (DER ECDSA).
 */
export function mockKmsWithLocalKey(workDir: string) {
  const backing = generateSigningKey('ecdsa-p256');
  const keyPath = join(workDir, 'kms-backing.pem');
  writeFileSync(keyPath, backing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const kms = mockClient(KMSClient);
  const signInputs: { KeyId?: string; MessageType?: string; SigningAlgorithm?: string; len: number }[] = [];
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: KMS_KEY_ARN,
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ECDSA_SHA_256'],
    PublicKey: new Uint8Array(backing.publicKey.export({ type: 'spki', format: 'der' })),
  });
  kms
    .on(SignCommand)
    .callsFake((input: { KeyId?: string; Message: Uint8Array; MessageType?: string; SigningAlgorithm?: string }) => {
      signInputs.push({
        KeyId: input.KeyId,
        MessageType: input.MessageType,
        SigningAlgorithm: input.SigningAlgorithm,
        len: input.Message.length,
      });
      const digestPath = join(workDir, 'digest.bin');
      writeFileSync(digestPath, Buffer.from(input.Message));
      const sig = execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keyPath, '-in', digestPath]);
      return { Signature: new Uint8Array(sig), SigningAlgorithm: 'ECDSA_SHA_256', KeyId: KMS_KEY_ARN };
    });
  return { kms, backing, signInputs, restore: () => kms.restore() };
}
