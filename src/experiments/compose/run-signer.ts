import { isAbsolute, join } from 'node:path';
import { DrillproofError } from '../../errors.js';
import { keylessSigner, PUBLIC_GOOD_SIGSTORE, type SigstoreUrls } from '../../reports/signing/keyless.js';
import { generateSigningKey } from '../../reports/signing/keys.js';
import { oidcToken } from '../../reports/signing/oidc.js';
import { type EvidenceSigner, localSigner } from '../../reports/signing/signer.js';
import { signerFromOptions } from '../../reports/signing/signer-options.js';
import type { DrillScenario } from '../phases/drill-input.js';

/** Signing flags of `drillproof run` (they replace the scenario's `evidence.signing`). */
export interface RunSigningFlags {
  key?: string;
  kmsKey?: string;
  keyless?: boolean;
  oidcTokenFile?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  sigstoreTsaUrl?: string;
  /** AWS access for the KMS key (the key may live in another region or account than the target). */
  profile?: string;
  region?: string;
  endpoint?: string;
}

/** Sigstore URLs: flag, then scenario, then DRILLPROOF_* variables, then the public-good instance. */
export function sigstoreUrls(
  flags: Pick<RunSigningFlags, 'fulcioUrl' | 'rekorUrl' | 'sigstoreTsaUrl'>,
  scenario: { fulcioUrl?: string; rekorUrl?: string; tsaUrl?: string } | undefined,
  env: NodeJS.ProcessEnv,
): SigstoreUrls {
  const tsa = flags.sigstoreTsaUrl ?? scenario?.tsaUrl ?? env.DRILLPROOF_SIGSTORE_TSA_URL;
  return {
    fulcioUrl: flags.fulcioUrl ?? scenario?.fulcioUrl ?? env.DRILLPROOF_FULCIO_URL ?? PUBLIC_GOOD_SIGSTORE.fulcioUrl,
    rekorUrl: flags.rekorUrl ?? scenario?.rekorUrl ?? env.DRILLPROOF_REKOR_URL ?? PUBLIC_GOOD_SIGSTORE.rekorUrl,
    ...(tsa ? { tsaUrl: tsa } : {}),
  };
}

/**
 * The drill's evidence signer, resolved before anything runs so a missing key, a KMS key the
 * caller may not use, or a keyless run without an identity token stops the drill (exit 2) before
 * a fault is injected. Default: a key generated for this run (integrity only).
 */
export async function resolveRunSigner(
  scenario: DrillScenario,
  flags: RunSigningFlags,
  o: { env: NodeJS.ProcessEnv; scenarioDir: string },
): Promise<EvidenceSigner> {
  const chosen = [flags.key, flags.kmsKey, flags.keyless ? 'keyless' : undefined].filter(Boolean);
  if (chosen.length > 1)
    throw DrillproofError.user('SigningFlagsConflict', 'give only one of --key, --kms-key and --keyless', {
      hint: 'each pack has exactly one signer',
    });
  const s = scenario.evidence?.signing ?? { type: 'ecdsa-p256' as const };
  const profile = flags.profile ?? scenario.target.profile;
  const aws = {
    ...(profile ? { profile } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
  };
  if (flags.key || flags.kmsKey)
    return signerFromOptions({ ...flags, ...aws, ...(flags.region ? { region: flags.region } : {}) }, o.env);
  if (flags.keyless || s.type === 'keyless') {
    const token = { env: o.env, ...(flags.oidcTokenFile ? { tokenFile: flags.oidcTokenFile } : {}) };
    // Fails now, not after the drill, when no identity token can be had.
    await oidcToken(token);
    return keylessSigner({ urls: sigstoreUrls(flags, s.type === 'keyless' ? s : undefined, o.env), token });
  }
  if (s.type === 'kms')
    return signerFromOptions(
      {
        kmsKey: s.kmsKeyId,
        ...aws,
        ...((flags.region ?? s.region) ? { region: flags.region ?? s.region } : {}),
      },
      { ...o.env, AWS_REGION: o.env.AWS_REGION ?? scenario.target.region },
    );
  if (s.key) return signerFromOptions({ key: isAbsolute(s.key) ? s.key : join(o.scenarioDir, s.key) }, o.env);
  return localSigner(generateSigningKey(s.type === 'ed25519' ? 'ed25519' : 'ecdsa-p256').privateKey, {
    generated: true,
  });
}
