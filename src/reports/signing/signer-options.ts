import { createKmsApi } from '../../aws/clients.js';
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

/**
 * `--key <pem>` or `--kms-key <arn|alias>` (also `awskms:///<id>` as cosign writes it). Picks the
 * signer from command-line style options (`sign` and `run`). The KMS key may live in another region or account than the drill target, so it gets
 * its own client (made in src/aws like every SDK client).
 */
export async function signerFromOptions(opts: SignerOptions, env: NodeJS.ProcessEnv): Promise<EvidenceSigner> {
  let kms = opts.kmsKey;
  if (!kms && opts.key?.startsWith('awskms://')) kms = opts.key;
  if (kms) {
    const m = /^awskms:\/\/([^/]*)\/(.+)$/.exec(kms);
    const keyId = m ? (m[2] as string) : kms;
    const endpoint =
      opts.endpoint ?? (m?.[1] ? `https://${m[1]}` : undefined) ?? env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
    // A key ARN names its region: arn:aws:kms:<region>:<account>:key/<id>.
    const arnRegion = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
    // The ARN's region is where the key is, whatever region the drill targets.
    const region = arnRegion ?? opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region)
      throw DrillproofError.user('KmsRegionMissing', `no region for the KMS key ${keyId}`, {
        hint: 'pass --region, set AWS_REGION, or give the key as a full ARN',
      });
    const client = createKmsApi({
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    });
    return kmsSigner(client, keyId);
  }
  const path = opts.key ?? env.DRILLPROOF_SIGNING_KEY;
  if (!path)
    throw DrillproofError.user('SigningKeyMissing', 'no signing key given', {
      hint: 'pass --key <private-key.pem> (create one with `drillproof keygen`), --kms-key <arn|alias/...>, --keyless, or set DRILLPROOF_SIGNING_KEY',
    });
  return localSigner(await loadPrivateKey(path));
}
