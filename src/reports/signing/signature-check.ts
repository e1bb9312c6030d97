import { verify as cryptoVerify, type KeyObject, type X509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate as SigstoreX509 } from '@sigstore/core';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { KeyType } from './keys.js';
import { timestampCertificates } from './tsa.js';

/**
 * The two signature checks of `verifyPack`: node:crypto over the DSSE PAE, and @sigstore/verify
 * over the whole bundle with public-key trust material (no transparency log, no Fulcio).
 */
const EMPTY_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
} as unknown as Parameters<typeof toTrustMaterial>[0];

export function verifyPae(keyType: KeyType, key: KeyObject, pae: Buffer, sig: Buffer): boolean {
  try {
    return keyType === 'ed25519'
      ? cryptoVerify(null, pae, key, sig)
      : cryptoVerify('sha256', pae, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}

export function sigstoreVerify(bundle: Bundle, key: KeyObject, tsaCa: X509Certificate[] | null): string | null {
  try {
    let b = bundle;
    const tsas: { certChain: SigstoreX509[]; validFor: { start: Date; end: Date } }[] = [];
    const stamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
    if (tsaCa && stamps.length) {
      const leaf = timestampCertificates(Buffer.from(stamps[0]?.signedTimestamp ?? Buffer.alloc(0)))[0];
      if (leaf)
        for (const ca of tsaCa)
          tsas.push({
            certChain: [SigstoreX509.parse(Buffer.from(leaf.raw)), SigstoreX509.parse(Buffer.from(ca.raw))],
            validFor: { start: new Date(0), end: new Date(8_640_000_000_000_000) },
          });
    } else if (stamps.length) {
      // Without a trusted TSA, @sigstore/verify cannot judge the timestamp: check the signature alone.
      b = {
        ...bundle,
        verificationMaterial: { ...bundle.verificationMaterial, timestampVerificationData: { rfc3161Timestamps: [] } },
      };
    }
    // @sigstore/verify bundles its own copy of @sigstore/core: the certificate classes differ only by identity.
    const trust = {
      ...toTrustMaterial(EMPTY_ROOT, () => ({ publicKey: key, validFor: () => true })),
      timestampAuthorities: tsas as unknown as ReturnType<typeof toTrustMaterial>['timestampAuthorities'],
    };
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: tsas.length ? 1 : 0 }).verify(
      toSignedEntity(b),
    );
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
