import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { BundleWithDsseEnvelope } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { certificateIdentity } from './cert-identity.js';
import { type KeyType, keyFingerprint, keyTypeOf } from './keys.js';
import { BUNDLE_FILE, PUBLIC_KEY_FILE } from './pack-files.js';
import { sigstoreVerify, verifyPae } from './signature-check.js';
import type { VerifyProblem } from './verify-problems.js';

/**
 * A verification policy: who must have signed. Without one, `verify` checks integrity only
 * (the pack's own key or certificate), and says so.
 */
export type VerifyPolicy =
  | { kind: 'key'; publicKey: KeyObject; label: string }
  | { kind: 'kms'; publicKey: KeyObject; keyArn: string }
  | {
      kind: 'identity';
      /** Exact certificate identity (SAN), or a regular expression it must match in full. */
      identity: { exact: string } | { regexp: string };
      issuer: string;
      trustedRoot: TrustedRoot;
    };

export interface VerifiedSigner {
  method: 'key' | 'keyless';
  keyType: KeyType | null;
  keyFingerprint: string | null;
  /** Where the key came from: the pack's key file, the policy's key, or the bundle's certificate. */
  keySource: 'pack' | 'trusted' | 'certificate' | 'none';
  identity: string | null;
  issuer: string | null;
  /** The certificate chain and transparency log entry were checked against a trusted root. */
  chainVerified: boolean;
}

export interface SignerCheck {
  signer: VerifiedSigner;
  key: KeyObject | null;
  signatureOk: boolean;
  sigstoreVerified: boolean;
}

function certificatePem(bundle: BundleWithDsseEnvelope): string | null {
  const vm = bundle.verificationMaterial.content;
  const der =
    vm.$case === 'certificate'
      ? vm.certificate.rawBytes
      : vm.$case === 'x509CertificateChain'
        ? vm.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  return der ? new X509Certificate(Buffer.from(der)).toString() : null;
}

/**
 * Finds the signing key of the bundle (the pack's public key when it matches the bundle's hint,
 * the policy's key, or the certificate's key) and checks the signature over the DSSE PAE.
 */
export function checkSignature(
  bundle: BundleWithDsseEnvelope,
  packKeyPem: string | null,
  policy: VerifyPolicy | undefined,
  tsaCa: X509Certificate[] | null,
  problems: VerifyProblem[],
): SignerCheck {
  const env = bundle.content.dsseEnvelope;
  const sig = Buffer.from(env.signatures[0]?.sig ?? Buffer.alloc(0));
  const pae = dsse.preAuthEncoding(env.payloadType, Buffer.from(env.payload));
  const signer: VerifiedSigner = {
    method: 'key',
    keyType: null,
    keyFingerprint: null,
    keySource: 'none',
    identity: null,
    issuer: null,
    chainVerified: false,
  };
  let key: KeyObject | null = null;
  const certPem = certificatePem(bundle);
  if (certPem) {
    signer.method = 'keyless';
    const id = certificateIdentity(certPem);
    signer.identity = id.identity;
    signer.issuer = id.issuer;
    key = createPublicKey(certPem);
    signer.keySource = 'certificate';
  } else {
    const vm = bundle.verificationMaterial.content;
    const hint = vm.$case === 'publicKey' ? vm.publicKey.hint : '';
    let packKey: KeyObject | null = null;
    try {
      packKey = packKeyPem ? createPublicKey(packKeyPem) : null;
    } catch (err) {
      problems.push({
        code: 'KeyMissing',
        file: PUBLIC_KEY_FILE,
        message: `the public key is not readable: ${(err as Error).message}`,
      });
    }
    const policyKey = policy && policy.kind !== 'identity' ? policy.publicKey : null;
    if (packKey && keyFingerprint(packKey) === hint) {
      key = packKey;
      signer.keySource = 'pack';
    } else if (policyKey && keyFingerprint(policyKey) === hint) {
      key = policyKey;
      signer.keySource = 'trusted';
    } else if (packKey) {
      key = packKey;
      signer.keySource = 'pack';
      problems.push({
        code: 'KeyMismatch',
        file: BUNDLE_FILE,
        message: `the bundle was signed by key ${hint.slice(0, 16) || '(no hint)'}…, not by ${PUBLIC_KEY_FILE} (${keyFingerprint(packKey).slice(0, 16)}…)`,
      });
    } else if (!problems.some((p) => p.code === 'KeyMissing')) {
      problems.push({
        code: 'KeyMissing',
        file: PUBLIC_KEY_FILE,
        message: `${PUBLIC_KEY_FILE} is missing and no trusted key matches the bundle's key hint ${hint.slice(0, 16)}…`,
      });
    }
  }
  if (!key) return { signer, key, signatureOk: false, sigstoreVerified: false };
  let keyType: KeyType;
  try {
    keyType = keyTypeOf(key);
  } catch (err) {
    problems.push({ code: 'KeyMissing', file: BUNDLE_FILE, message: (err as Error).message });
    return { signer, key: null, signatureOk: false, sigstoreVerified: false };
  }
  signer.keyType = keyType;
  signer.keyFingerprint = keyFingerprint(key);
  const signatureOk = verifyPae(keyType, key, pae, sig);
  if (!signatureOk)
    problems.push({
      code: 'SignatureInvalid',
      file: BUNDLE_FILE,
      message: 'the signature does not verify over the signed statement',
    });
  let sigstoreVerified = false;
  if (signer.method === 'key') {
    // An independent second check of the whole bundle with @sigstore/verify.
    const err = sigstoreVerify(bundle, key, tsaCa);
    sigstoreVerified = err === null;
    if (err && signatureOk)
      problems.push({
        code: 'SigstoreVerifyFailed',
        file: BUNDLE_FILE,
        message: `@sigstore/verify rejected the bundle: ${err}`,
      });
  }
  return { signer, key, signatureOk, sigstoreVerified };
}

/**
 * A keyless bundle against a trusted root with @sigstore/verify: the certificate chains to a
 * trusted CA at the time the transparency log (or a trusted timestamp) saw the signature, the log
 * entry is signed and includes this envelope. Returns the identity the certificate was issued to.
 */
export function verifyCertificateChain(
  bundle: BundleWithDsseEnvelope,
  root: TrustedRoot,
  problems: VerifyProblem[],
): { identity: string | null; issuer: string | null } | null {
  try {
    const trust = toTrustMaterial(root);
    const verifier = new Verifier(trust, {
      tlogThreshold: 1,
      ctlogThreshold: root.ctlogs.length ? 1 : 0,
      timestampThreshold: 0,
    });
    const s = verifier.verify(toSignedEntity(bundle));
    return { identity: s.identity?.subjectAlternativeName ?? null, issuer: s.identity?.extensions?.issuer ?? null };
  } catch (err) {
    problems.push({
      code: 'CertificateInvalid',
      file: BUNDLE_FILE,
      message: `the certificate or its transparency log entry does not verify against the trusted root: ${(err as Error).message}`,
    });
    return null;
  }
}

function identityMatches(policy: Extract<VerifyPolicy, { kind: 'identity' }>, identity: string | null): boolean {
  if (identity === null) return false;
  if ('exact' in policy.identity) return identity === policy.identity.exact;
  return new RegExp(`^(?:${policy.identity.regexp})$`).test(identity);
}

/** Whether the signer is the one the policy names; adds a SignerNotTrusted problem when not. */
export function checkPolicy(
  policy: VerifyPolicy,
  signer: VerifiedSigner,
  bundle: BundleWithDsseEnvelope,
  problems: VerifyProblem[],
): void {
  const who =
    signer.method === 'keyless'
      ? `identity ${signer.identity ?? '(none)'} (issuer ${signer.issuer ?? 'none'})`
      : `key ${signer.keyFingerprint ?? '(unknown)'}`;
  if (policy.kind === 'identity') {
    if (signer.method !== 'keyless') {
      problems.push({
        code: 'SignerNotTrusted',
        file: BUNDLE_FILE,
        message: `the pack is signed with ${who}, not with a certificate for the given identity`,
      });
      return;
    }
    const verified = verifyCertificateChain(bundle, policy.trustedRoot, problems);
    if (!verified) return;
    signer.chainVerified = true;
    signer.identity = verified.identity;
    signer.issuer = verified.issuer;
    const wanted = 'exact' in policy.identity ? policy.identity.exact : `/${policy.identity.regexp}/`;
    if (!identityMatches(policy, verified.identity) || verified.issuer !== policy.issuer)
      problems.push({
        code: 'SignerNotTrusted',
        file: BUNDLE_FILE,
        message: `signed by ${who}, not by ${wanted} (issuer ${policy.issuer})`,
      });
    return;
  }
  const trusted = keyFingerprint(policy.publicKey);
  const label = policy.kind === 'kms' ? `the KMS key ${policy.keyArn}` : `the trusted key ${policy.label}`;
  if (signer.keyFingerprint !== trusted)
    problems.push({
      code: 'SignerNotTrusted',
      file: BUNDLE_FILE,
      message: `signed with ${who}, not with ${label} (${trusted.slice(0, 16)}…)`,
    });
}
