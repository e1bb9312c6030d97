import { X509Certificate } from '@sigstore/core';

/** Fulcio's OIDC issuer extensions: v2 (DER UTF8String) and the legacy v1 (raw string). */
const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

export interface CertificateIdentity {
  /** The subject alternative name: a URI (workflow identity) or an email. */
  identity: string | null;
  issuer: string | null;
  notBefore: Date;
  notAfter: Date;
}

/** Who a Fulcio certificate was issued to (read the way @sigstore/verify and cosign read it). */
export function certificateIdentity(cert: Buffer | string): CertificateIdentity {
  const c = X509Certificate.parse(cert as Buffer<ArrayBuffer> | string);
  let issuer: string | null = null;
  const v2 = c.extension(OID_FULCIO_ISSUER_V2);
  if (v2) issuer = v2.valueObj.subs?.[0]?.value.toString('ascii') ?? null;
  else {
    const v1 = c.extension(OID_FULCIO_ISSUER_V1);
    if (v1) issuer = v1.value.toString('ascii');
  }
  return { identity: c.subjectAltName ?? null, issuer, notBefore: c.notBefore, notAfter: c.notAfter };
}
