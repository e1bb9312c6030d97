import { KMSClient } from '@aws-sdk/client-kms';
import { DrillproofError } from '../../errors.js';
import { loadPrivateKey } from './keys.js';
import { kmsSigner } from './kms-signer.js';
import { type EvidenceSigner, localSigner } from './signer.js';

export interface SignerOptions {
  key?: string;
  profile?: string;
  kmsKey?: string;
  region?: string;
  endpoint?: string;
}

/** `--key <pem>` or `--kms-key <arn|alias>` (also `awskms:///<id>` as cosign writes it). */
/**
 * Picks the signer from command-line style options (shared by `sign` and `run`). KMS clients are
 * made here because the drill's AWS layer (src/aws) has no KMS surface; the key may live in
 * another account or region than the drill target.
 */
export async function signerFromOptions(opts: SignerOptions, env: NodeJS.ProcessEnv): Promise<EvidenceSigner> {
  let kms = opts.kmsKey;
  if (!kms && opts.key?.startsWith('awskms://')) kms = opts.key;
  if (kms) {
    const m = /^awskms:\/\/([^/]*)\/(.+)$/.exec(kms);
    const keyId = m ? (m[2] as string) : kms;
    const endpoint =
      opts.endpoint ?? (m?.[1] ? `https://${m[1]}` : undefined) ?? env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
    const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    const client = new KMSClient({
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    });
    return kmsSigner(client, keyId);
  }
  const path = opts.key ?? env.DRILLPROOF_SIGNING_KEY;
  if (!path)
    throw DrillproofError.user('SigningKeyMissing', 'no signing key given', {
      hint: 'pass --key <private-key.pem> (create one with `drillproof keygen`), --kms-key <arn|alias/...>, or set DRILLPROOF_SIGNING_KEY',
    });
  return localSigner(await loadPrivateKey(path));
}
