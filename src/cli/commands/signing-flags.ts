import type { Command } from 'commander';
import type { RunSigningFlags } from '../../index.js';

/** The signer flags of `run` and `sign`: one of a key, a KMS key, or keyless with Sigstore. */
export type SigningFlags = Omit<RunSigningFlags, 'profile' | 'region' | 'endpoint'>;

export function addSigningFlags(cmd: Command): Command {
  return cmd
    .option('--key <pem>', 'sign the pack with this private key (ECDSA P-256 or Ed25519 PEM, or awskms:///<key>)')
    .option('--kms-key <id>', 'sign the pack with this AWS KMS key (id, ARN or alias/<name>; ECC_NIST_P256)')
    .option('--keyless', 'sign keyless: a Sigstore certificate for the OIDC identity of this run, logged in Rekor')
    .option('--oidc-token-file <file>', 'keyless: read the OIDC identity token from this file')
    .option('--fulcio-url <url>', 'keyless: Sigstore certificate authority (default https://fulcio.sigstore.dev)')
    .option('--rekor-url <url>', 'keyless: Sigstore transparency log (default https://rekor.sigstore.dev)')
    .option('--sigstore-tsa-url <url>', 'keyless: Sigstore timestamp authority (default: none)');
}

export function signingFlagValues(f: SigningFlags): RunSigningFlags {
  const out: RunSigningFlags = {};
  if (f.key) out.key = f.key;
  if (f.kmsKey) out.kmsKey = f.kmsKey;
  if (f.keyless) out.keyless = true;
  if (f.oidcTokenFile) out.oidcTokenFile = f.oidcTokenFile;
  if (f.fulcioUrl) out.fulcioUrl = f.fulcioUrl;
  if (f.rekorUrl) out.rekorUrl = f.rekorUrl;
  if (f.sigstoreTsaUrl) out.sigstoreTsaUrl = f.sigstoreTsaUrl;
  return out;
}
