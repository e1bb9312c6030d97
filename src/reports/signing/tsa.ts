import { randomBytes, X509Certificate } from 'node:crypto';
import { RFC3161Timestamp } from '@sigstore/core';
import { DrillproofError } from '../../errors.js';
import { sha256 } from './signer.js';

/**
 * RFC 3161 trusted timestamps over the signature bytes (as Sigstore does: the message imprint
 * is SHA-256 of the signature). The response is stored DER-encoded in the bundle's
 * `timestampVerificationData.rfc3161Timestamps[].signedTimestamp`.
 */
const SHA256_OID_DER = Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]);
const OID_TIMESTAMPING_EKU = '1.3.6.1.5.5.7.3.8';

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

/** A positive DER INTEGER from big-endian bytes. */
function derPositiveInteger(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && ((b[1] as number) & 0x80) === 0) b = b.subarray(1);
  if (((b[0] as number) & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

/** TimeStampReq { version 1, messageImprint { sha256, hash }, nonce, certReq TRUE }. */
export function buildTimestampRequest(imprint: Buffer, nonce: Buffer): Buffer {
  const algorithm = tlv(0x30, Buffer.concat([SHA256_OID_DER, Buffer.from([0x05, 0x00])]));
  const messageImprint = tlv(0x30, Buffer.concat([algorithm, tlv(0x04, imprint)]));
  return tlv(
    0x30,
    Buffer.concat([
      Buffer.from([0x02, 0x01, 0x01]),
      messageImprint,
      derPositiveInteger(nonce),
      Buffer.from([0x01, 0x01, 0xff]),
    ]),
  );
}

export interface TimestampInfo {
  genTime: string;
  /** Subject of the TSA certificate embedded in the token, when present. */
  tsaSubject: string | null;
}

type Asn1 = RFC3161Timestamp['root'];

function nonceOf(ts: RFC3161Timestamp): bigint | null {
  const subs = ts.tstInfo.root.subs;
  // TSTInfo: version, policy, messageImprint, serialNumber, genTime, accuracy?, ordering?, nonce?, ...
  for (let i = 5; i < subs.length; i++) {
    const s = subs[i] as Asn1;
    if (s.tag.isInteger()) return s.toInteger();
  }
  return null;
}

/** The certificates carried in the token's SignedData (present when certReq was TRUE). */
export function timestampCertificates(der: Buffer): X509Certificate[] {
  const root = RFC3161Timestamp.parse(Buffer.from(der)).root;
  const token = root.subs[1];
  const signedData = token?.subs.find((s) => s.tag.isContextSpecific(0))?.subs[0];
  const certs = signedData?.subs.find((s) => s.tag.isContextSpecific(0));
  return (certs?.subs ?? []).map((c) => new X509Certificate(c.toDER()));
}

/**
 * Checks a TimeStampResp against the signature it should cover: status granted, imprint equals
 * SHA-256(signature), and the token's signature verifies with the TSA certificate in it. When
 * `trustedCa` is given the TSA certificate must also be issued by it and be a timestamping cert.
 */
export function verifyTimestamp(
  der: Buffer,
  signature: Buffer,
  opts: { trustedCa?: X509Certificate[]; nonce?: bigint } = {},
): TimestampInfo {
  let ts: RFC3161Timestamp;
  try {
    ts = RFC3161Timestamp.parse(Buffer.from(der));
  } catch (err) {
    throw DrillproofError.tool('TimestampMalformed', 'the RFC 3161 timestamp is not valid DER', { cause: err });
  }
  const status = ts.status;
  if (status !== 0n && status !== 1n)
    throw DrillproofError.tool('TimestampRejected', `the timestamp authority refused the request (status ${status})`);
  if (opts.nonce !== undefined && nonceOf(ts) !== opts.nonce)
    throw DrillproofError.tool(
      'TimestampNonceMismatch',
      'the timestamp response does not carry the nonce of the request',
    );
  const certs = timestampCertificates(der);
  const leaf = certs.find((c) => c.keyUsage?.includes(OID_TIMESTAMPING_EKU)) ?? certs[0];
  if (!leaf) throw DrillproofError.tool('TimestampNoCertificate', 'the timestamp token carries no TSA certificate');
  try {
    ts.verify(signature, leaf.publicKey);
  } catch (err) {
    throw DrillproofError.tool('TimestampInvalid', `the timestamp does not verify: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (opts.trustedCa) {
    const issuer = opts.trustedCa.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    if (!issuer)
      throw DrillproofError.tool(
        'TimestampUntrusted',
        `the TSA certificate (${leaf.subject}) is not issued by the trusted CA`,
      );
    if (!leaf.keyUsage?.includes(OID_TIMESTAMPING_EKU))
      throw DrillproofError.tool('TimestampUntrusted', 'the TSA certificate lacks the timeStamping extended key usage');
  }
  return { genTime: ts.signingTime.toISOString(), tsaSubject: leaf.subject.replace(/\n/g, ', ') };
}

/** Asks `url` for a timestamp over SHA-256(signature); returns the DER TimeStampResp. */
export async function requestTimestamp(
  url: string,
  signature: Buffer,
  fetchImpl: typeof fetch = fetch,
): Promise<{ der: Buffer; info: TimestampInfo }> {
  const nonceBytes = randomBytes(8);
  const req = buildTimestampRequest(sha256(signature), nonceBytes);
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: req,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw DrillproofError.user(
      'TimestampUnreachable',
      `cannot reach the timestamp authority ${url}: ${(err as Error).message}`,
      {
        hint: 'check --tsa (an RFC 3161 endpoint such as https://timestamp.sigstore.dev/api/v1/timestamp), or sign without it',
        cause: err,
      },
    );
  }
  if (!res.ok)
    throw DrillproofError.user('TimestampHttpError', `the timestamp authority ${url} answered HTTP ${res.status}`, {
      hint: 'check that --tsa is an RFC 3161 endpoint accepting application/timestamp-query',
    });
  const der = Buffer.from(await res.arrayBuffer());
  const nonce = BigInt(`0x${nonceBytes.toString('hex')}`);
  return { der, info: verifyTimestamp(der, signature, { nonce }) };
}
