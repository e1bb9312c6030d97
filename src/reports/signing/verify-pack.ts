import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bundle, bundleFromJSON, isBundleWithDsseEnvelope } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { type KeyType, keyFingerprint, keyTypeOf } from './keys.js';
import {
  BUNDLE_FILE,
  digestFiles,
  listPackFiles,
  PUBLIC_KEY_FILE,
  parseSums,
  SUMS_FILE,
  unsafeFileName,
} from './pack-files.js';
import { sigstoreVerify, verifyPae } from './signature-check.js';
import { PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, type Statement } from './statement.js';
import { type TimestampInfo, verifyTimestamp } from './tsa.js';

/**
 * Verifies a signed evidence pack: the bundle, the signature over the DSSE PAE (with node:crypto
 * and again with @sigstore/verify), the statement, and every file of the directory against the
 * signed digests. Collects every problem and names the file for each, instead of stopping at the
 * first one, so `drillproof verify` can say exactly what was altered, removed or added.
 */
export type VerifyProblemCode =
  | 'BundleMissing'
  | 'BundleInvalid'
  | 'KeyMissing'
  | 'KeyMismatch'
  | 'SignatureInvalid'
  | 'SigstoreVerifyFailed'
  | 'StatementInvalid'
  | 'FileAltered'
  | 'FileMissing'
  | 'FileExtra'
  | 'SumsMismatch'
  | 'TimestampInvalid';

export interface VerifyProblem {
  code: VerifyProblemCode;
  file?: string;
  message: string;
}

export interface VerifyPackOptions {
  dir: string;
  /** The trusted public key (PEM). Without it the key shipped in the pack is used, and the result says so. */
  trustedKeyPem?: string;
  /** Trusted CA certificates (PEM) of the timestamp authority. */
  tsaCaPem?: string;
}

export interface VerifyPackResult {
  ok: boolean;
  problems: VerifyProblem[];
  keySource: 'trusted' | 'pack' | 'none';
  keyType: KeyType | null;
  keyFingerprint: string | null;
  /** Signature checked by @sigstore/verify too. */
  sigstoreVerified: boolean;
  files: number;
  statement: Statement | null;
  timestamps: TimestampInfo[];
}

export async function verifyPack(opts: VerifyPackOptions): Promise<VerifyPackResult> {
  const { dir } = opts;
  const problems: VerifyProblem[] = [];
  const result: VerifyPackResult = {
    ok: false,
    problems,
    keySource: 'none',
    keyType: null,
    keyFingerprint: null,
    sigstoreVerified: false,
    files: 0,
    statement: null,
    timestamps: [],
  };

  let present: string[];
  try {
    present = (await listPackFiles(dir)).filter((f) => f !== BUNDLE_FILE);
  } catch (err) {
    problems.push({ code: 'BundleMissing', message: `cannot read the directory ${dir}: ${(err as Error).message}` });
    return result;
  }

  // The bundle.
  let bundle: Bundle;
  try {
    const json = JSON.parse(await readFile(join(dir, BUNDLE_FILE), 'utf8'));
    bundle = bundleFromJSON(json);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({
      code: missing ? 'BundleMissing' : 'BundleInvalid',
      file: BUNDLE_FILE,
      message: missing
        ? `${BUNDLE_FILE} is missing: the pack is not signed`
        : `${BUNDLE_FILE} is not a valid Sigstore bundle: ${(err as Error).message}`,
    });
    return result;
  }
  if (bundle.mediaType !== 'application/vnd.dev.sigstore.bundle.v0.3+json' || !isBundleWithDsseEnvelope(bundle)) {
    problems.push({
      code: 'BundleInvalid',
      file: BUNDLE_FILE,
      message: 'expected a v0.3 Sigstore bundle holding a DSSE envelope',
    });
    return result;
  }
  const env = bundle.content.dsseEnvelope;
  if (env.signatures.length !== 1) {
    problems.push({
      code: 'BundleInvalid',
      file: BUNDLE_FILE,
      message: `expected exactly one signature, found ${env.signatures.length}`,
    });
    return result;
  }
  if (env.payloadType !== PAYLOAD_TYPE)
    problems.push({ code: 'BundleInvalid', file: BUNDLE_FILE, message: `unexpected payloadType ${env.payloadType}` });

  // The key.
  let packKeyPem: string | null = null;
  try {
    packKeyPem = await readFile(join(dir, PUBLIC_KEY_FILE), 'utf8');
  } catch {
    packKeyPem = null;
  }
  let key: KeyObject | null = null;
  try {
    if (opts.trustedKeyPem) {
      key = createPublicKey(opts.trustedKeyPem);
      result.keySource = 'trusted';
      let packFpr: string | null = null;
      try {
        packFpr = packKeyPem ? keyFingerprint(packKeyPem) : null;
      } catch {
        packFpr = 'unreadable';
      }
      if (packFpr && packFpr !== keyFingerprint(key))
        problems.push({
          code: 'KeyMismatch',
          file: PUBLIC_KEY_FILE,
          message: `${PUBLIC_KEY_FILE} (${packFpr.slice(0, 16)}…) is not the trusted key (${keyFingerprint(key).slice(0, 16)}…)`,
        });
    } else if (packKeyPem) {
      key = createPublicKey(packKeyPem);
      result.keySource = 'pack';
    }
    if (key) keyTypeOf(key);
  } catch (err) {
    key = null;
    problems.push({
      code: 'KeyMissing',
      file: PUBLIC_KEY_FILE,
      message: `the public key is not readable: ${(err as Error).message}`,
    });
  }
  if (!key) {
    if (!problems.some((p) => p.code === 'KeyMissing'))
      problems.push({
        code: 'KeyMissing',
        file: PUBLIC_KEY_FILE,
        message: `${PUBLIC_KEY_FILE} is missing and no --key was given`,
      });
  }
  const sig = Buffer.from(env.signatures[0]?.sig ?? Buffer.alloc(0));
  let tsaCa: X509Certificate[] | null = null;
  if (opts.tsaCaPem) {
    tsaCa = (opts.tsaCaPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
      (p) => new X509Certificate(p),
    );
  }
  if (key) {
    const keyType = keyTypeOf(key);
    const fpr = keyFingerprint(key);
    result.keyType = keyType;
    result.keyFingerprint = fpr;
    const vm = bundle.verificationMaterial.content;
    const hint = vm.$case === 'publicKey' ? vm.publicKey.hint : '';
    if (hint !== fpr || (env.signatures[0]?.keyid ?? '') !== fpr)
      problems.push({
        code: 'KeyMismatch',
        file: BUNDLE_FILE,
        message: `the bundle was signed by key ${hint.slice(0, 16) || '(no hint)'}…, not by ${fpr.slice(0, 16)}…`,
      });
    // The signature.
    const pae = dsse.preAuthEncoding(env.payloadType, Buffer.from(env.payload));
    const sigOk = verifyPae(keyType, key, pae, sig);
    if (!sigOk)
      problems.push({
        code: 'SignatureInvalid',
        file: BUNDLE_FILE,
        message: 'the signature does not verify over the signed statement',
      });
    const sigstoreError = sigstoreVerify(bundle, key, tsaCa);
    result.sigstoreVerified = sigstoreError === null;
    if (sigstoreError && sigOk)
      problems.push({
        code: 'SigstoreVerifyFailed',
        file: BUNDLE_FILE,
        message: `@sigstore/verify rejected the bundle: ${sigstoreError}`,
      });
  }

  // Timestamps.
  for (const [i, t] of (bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []).entries()) {
    try {
      result.timestamps.push(verifyTimestamp(Buffer.from(t.signedTimestamp), sig, tsaCa ? { trustedCa: tsaCa } : {}));
    } catch (err) {
      problems.push({
        code: 'TimestampInvalid',
        file: BUNDLE_FILE,
        message: `timestamp ${i + 1}: ${(err as Error).message}`,
      });
    }
  }

  // The statement (its subjects are read even when the signature failed, to name the changed files).
  let statement: Statement;
  try {
    statement = JSON.parse(Buffer.from(env.payload).toString('utf8')) as Statement;
    if (statement._type !== STATEMENT_TYPE) throw new Error(`_type is ${String(statement._type)}`);
    if (statement.predicateType !== PREDICATE_TYPE)
      throw new Error(`predicateType is ${String(statement.predicateType)}`);
    if (!Array.isArray(statement.subject)) throw new Error('no subjects');
  } catch (err) {
    problems.push({
      code: 'StatementInvalid',
      file: BUNDLE_FILE,
      message: `the signed statement is not a drillproof statement: ${(err as Error).message}`,
    });
    return finish(result);
  }
  result.statement = statement;

  // Every file.
  const signed = new Map<string, string>();
  for (const s of statement.subject) {
    if (typeof s.name !== 'string' || unsafeFileName(s.name) || typeof s.digest?.sha256 !== 'string') {
      problems.push({
        code: 'StatementInvalid',
        message: `a subject has an unsafe or missing name/digest: ${JSON.stringify(s).slice(0, 120)}`,
      });
      continue;
    }
    signed.set(s.name, s.digest.sha256);
  }
  const presentSet = new Set(present);
  const actual = new Map((await digestFiles(dir, present)).map((d) => [d.name, d.sha256]));
  for (const [name, digest] of signed) {
    if (!presentSet.has(name))
      problems.push({ code: 'FileMissing', file: name, message: `${name} was signed but is missing` });
    else if (actual.get(name) !== digest)
      problems.push({ code: 'FileAltered', file: name, message: `${name} was changed after signing (sha256 differs)` });
  }
  for (const name of present)
    if (!signed.has(name))
      problems.push({
        code: 'FileExtra',
        file: name,
        message: `${name} was added after signing (not in the signed statement)`,
      });
  result.files = signed.size;

  // SHA256SUMS must agree with the statement (it is a convenience copy of the same digests).
  if (presentSet.has(SUMS_FILE) && actual.get(SUMS_FILE) === signed.get(SUMS_FILE)) {
    const sums = parseSums(await readFile(join(dir, SUMS_FILE), 'utf8'));
    for (const s of sums)
      if (signed.get(s.name) !== s.sha256)
        problems.push({
          code: 'SumsMismatch',
          file: SUMS_FILE,
          message: `${SUMS_FILE} lists ${s.name} with another digest than the statement`,
        });
  }
  return finish(result);
}

function finish(r: VerifyPackResult): VerifyPackResult {
  r.ok = r.problems.length === 0;
  return r;
}
