import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, type Signer, TSAWitness, type Witness } from '@sigstore/sign';
import { DrillproofError } from '../../errors.js';
import { certificateIdentity } from './cert-identity.js';
import { keyFingerprint } from './keys.js';
import { type OidcTokenOptions, oidcToken } from './oidc.js';
import { type EvidenceSigner, signingInfo } from './signer.js';

/** Sigstore services; the public-good instance by default, a private instance by URL. */
export interface SigstoreUrls {
  fulcioUrl: string;
  rekorUrl: string;
  /** A Sigstore timestamp authority (`/api/v1/timestamp`); none by default. */
  tsaUrl?: string;
}

export const PUBLIC_GOOD_SIGSTORE: SigstoreUrls = {
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekorUrl: 'https://rekor.sigstore.dev',
};

export interface KeylessOptions {
  urls: SigstoreUrls;
  token: OidcTokenOptions;
  /** Per-request timeout of the Sigstore services (default 30 s). */
  timeoutMs?: number;
}

function failed(code: string, what: string, err: unknown, hint: string): DrillproofError {
  const e = err as { message?: string; code?: string; cause?: { message?: string } };
  const detail = [e.message, e.cause?.message].filter(Boolean).join(': ');
  return DrillproofError.user(code, `${what}: ${detail || String(err)}`, { hint, cause: err, exitCode: 1 });
}

/**
 * Keyless signing, as npm provenance and GitHub artifact attestations do it: a short-lived P-256
 * key, a Fulcio certificate binding it to the OIDC identity, the DSSE bundle logged in Rekor
 * (and timestamped when a TSA is configured). The certificate is obtained in `prepare()`, before
 * the documents are written, because the documents name the identity they are signed by.
 */
export function keylessSigner(o: KeylessOptions): EvidenceSigner {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKey: KeyObject = createPublicKey(pair.privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signRaw = (data: Buffer) => sign('sha256', data, { key: pair.privateKey, dsaEncoding: 'der' });
  const keyHolder: Signer = {
    sign: async (data) => ({ signature: signRaw(data), key: { $case: 'publicKey', publicKey: publicPem } }),
  };
  const fetchOpts = { timeout: o.timeoutMs ?? 30_000, retry: 2 };
  let certificate: string | null = null;
  let ident: { identity: string | null; issuer: string | null } = { identity: null, issuer: null };

  const signer: EvidenceSigner = {
    keyType: 'ecdsa-p256',
    publicKey,
    get description() {
      return `keyless ${ident.identity ?? '(identity not yet known)'} (issuer ${ident.issuer ?? 'unknown'})`;
    },
    async prepare() {
      if (certificate) return;
      const fulcio = new FulcioSigner({
        fulcioBaseURL: o.urls.fulcioUrl,
        identityProvider: { getToken: async () => (await oidcToken(o.token)).token },
        keyHolder,
        ...fetchOpts,
      });
      try {
        // Fulcio binds the key to the identity; the signature over this marker is discarded.
        const r = await fulcio.sign(Buffer.from('drillproof keyless certificate request'));
        if (r.key.$case !== 'x509Certificate') throw new Error('Fulcio returned no certificate');
        certificate = r.key.certificate;
      } catch (err) {
        if (DrillproofError.is(err)) throw err;
        const cause = (err as { cause?: unknown }).cause;
        if (DrillproofError.is(cause)) throw cause;
        throw failed(
          'KeylessCertificateFailed',
          `no signing certificate from ${o.urls.fulcioUrl}`,
          err,
          'check the Fulcio URL (--fulcio-url) and that the OIDC token is valid for the `sigstore` audience',
        );
      }
      ident = certificateIdentity(certificate);
    },
    info() {
      return signingInfo({
        method: 'keyless',
        keyType: 'ecdsa-p256',
        keyFingerprint: keyFingerprint(publicKey),
        generatedKey: true,
        kmsKeyArn: null,
        identity: ident.identity,
        issuer: ident.issuer,
        certificateAuthority: o.urls.fulcioUrl,
        transparencyLog: o.urls.rekorUrl,
        trust: 'keyless',
      });
    },
    sign: async (pae) => signRaw(pae),
    async bundle(payload, payloadType) {
      await signer.prepare?.();
      const cert = certificate as string;
      const witnesses: Witness[] = [
        new RekorWitness({ rekorBaseURL: o.urls.rekorUrl, entryType: 'intoto', ...fetchOpts }),
      ];
      if (o.urls.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: o.urls.tsaUrl, ...fetchOpts }));
      const builder = new DSSEBundleBuilder({
        signer: {
          sign: async (data) => ({ signature: signRaw(data), key: { $case: 'x509Certificate', certificate: cert } }),
        },
        witnesses,
      });
      try {
        return bundleToJSON(await builder.create({ data: payload, type: payloadType }));
      } catch (err) {
        throw failed(
          'KeylessLogFailed',
          `the signature was not logged by ${o.urls.rekorUrl}${o.urls.tsaUrl ? ` / timestamped by ${o.urls.tsaUrl}` : ''}`,
          err,
          'check the Rekor URL (--rekor-url) and the timestamp authority URL, if one is set',
        );
      }
    },
  };
  return signer;
}
