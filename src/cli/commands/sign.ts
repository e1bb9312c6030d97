import { KMSClient } from '@aws-sdk/client-kms';
import { DrillproofError } from '../../errors.js';
import { loadPrivateKey } from '../../reports/signing/keys.js';
import { kmsSigner } from '../../reports/signing/kms-signer.js';
import { signPack } from '../../reports/signing/sign-pack.js';
import { type EvidenceSigner, localSigner } from '../../reports/signing/signer.js';
import type { RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

export interface SignerOptions {
  key?: string;
  profile?: string;
  kmsKey?: string;
  region?: string;
  endpoint?: string;
}

/** `--key <pem>` or `--kms-key <arn|alias>` (also `awskms:///<id>` as cosign writes it). */
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

export const registerSign: RegisterCommand = (program, ctx) => {
  program
    .command('sign')
    .description('sign an evidence pack: SHA256SUMS, VERIFY.md, public key and a Sigstore bundle over every file')
    .argument('<dir>', 'the run directory (evidence pack)')
    .option('--key <path>', 'private key PEM (ECDSA P-256 or Ed25519), or awskms:///<key-id>')
    .option('--kms-key <id>', 'AWS KMS key id, ARN or alias/<name> (ECC_NIST_P256)')
    .option('--region <region>', 'AWS region of the KMS key')
    .option('--profile <name>', 'AWS profile for KMS')
    .option('--endpoint <url>', 'AWS endpoint override for KMS')
    .option('--tsa <url>', 'RFC 3161 timestamp authority to timestamp the signature')
    .option('--json', 'print messages as JSON lines')
    .action(async (dir: string, opts: SignerOptions & { tsa?: string; json?: boolean }) => {
      const sink = new ConsoleSink(ctx.io, { json: Boolean(opts.json) });
      const signer = await signerFromOptions(opts, ctx.io.env);
      const r = await signPack({ dir, signer, sink, ...(opts.tsa ? { tsaUrl: opts.tsa } : {}) });
      sink.clearProgress();
      if (!opts.json)
        ctx.io.stdout.write(`signed ${r.files} files: ${r.bundlePath}\nkey fingerprint: ${r.fingerprint}\n`);
    });
};
