import { createPublicKey, X509Certificate } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bundle, bundleFromJSON, isBundleWithDsseEnvelope } from '@sigstore/bundle';
import { DrillproofError } from '../../errors.js';
import {
  BUNDLE_FILE,
  digestFiles,
  listPackDirs,
  listPackEntries,
  PUBLIC_KEY_FILE,
  parseSums,
  SUMS_FILE,
  unsafeFileName,
} from './pack-files.js';
import { PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, type Statement } from './statement.js';
import { type TimestampInfo, verifyTimestamp } from './tsa.js';
import { type VerifyOutcome, type VerifyProblem, verifyOutcome } from './verify-problems.js';
import { checkPolicy, checkSignature, type VerifiedSigner, type VerifyPolicy } from './verify-signer.js';

export type { VerifyOutcome, VerifyProblem, VerifyProblemCode } from './verify-problems.js';
export type { VerifiedSigner, VerifyPolicy } from './verify-signer.js';

/**
 * Verifies a signed evidence pack: the bundle, the signature over the DSSE PAE (with node:crypto
 * and again with @sigstore/verify), the statement, every entry of the directory against the
 * signed digests (anything that is not a regular file fails), and, when a policy is given, that
 * the signer is the trusted one. Collects every problem and names the file for each.
 */
export interface VerifyPackOptions {
  dir: string;
  policy?: VerifyPolicy;
  /** Shorthand for a `key` policy with this PEM. */
  trustedKeyPem?: string;
  /** Trusted CA certificates (PEM) of an RFC 3161 timestamp authority. */
  tsaCaPem?: string;
}

export interface VerifyPackResult {
  ok: boolean;
  outcome: VerifyOutcome;
  problems: VerifyProblem[];
  /** `policy`: the signer was checked against the given policy; `integrity-only`: it was not. */
  trust: 'policy' | 'integrity-only';
  policy: 'none' | VerifyPolicy['kind'];
  signer: VerifiedSigner | null;
  keySource: VerifiedSigner['keySource'];
  keyType: VerifiedSigner['keyType'];
  keyFingerprint: string | null;
  /** Signature checked by @sigstore/verify too. */
  sigstoreVerified: boolean;
  files: number;
  statement: Statement | null;
  timestamps: TimestampInfo[];
}

function finish(r: VerifyPackResult): VerifyPackResult {
  r.outcome = verifyOutcome(r.problems);
  r.ok = r.outcome === 'valid';
  return r;
}

async function readRegular(dir: string, name: string): Promise<string | null> {
  try {
    if (!(await lstat(join(dir, name))).isFile()) return null;
    return await readFile(join(dir, name), 'utf8');
  } catch {
    return null;
  }
}

export async function verifyPack(opts: VerifyPackOptions): Promise<VerifyPackResult> {
  const { dir } = opts;
  const policy: VerifyPolicy | undefined =
    opts.policy ??
    (opts.trustedKeyPem
      ? { kind: 'key', publicKey: createPublicKey(opts.trustedKeyPem), label: '(--key)' }
      : undefined);
  const problems: VerifyProblem[] = [];
  const result: VerifyPackResult = {
    ok: false,
    outcome: 'signature-invalid',
    problems,
    trust: policy ? 'policy' : 'integrity-only',
    policy: policy?.kind ?? 'none',
    signer: null,
    keySource: 'none',
    keyType: null,
    keyFingerprint: null,
    sigstoreVerified: false,
    files: 0,
    statement: null,
    timestamps: [],
  };

  let entries: Awaited<ReturnType<typeof listPackEntries>>;
  let dirs: Set<string>;
  try {
    entries = await listPackEntries(dir);
    dirs = await listPackDirs(dir);
  } catch (err) {
    throw DrillproofError.user('PackNotFound', `${dir} is not a readable directory`, {
      hint: 'give the run directory (evidence pack) to verify',
      cause: err,
    });
  }
  const bundleEntry = entries.find((e) => e.name === BUNDLE_FILE);
  const others = entries.filter((e) => e.name !== BUNDLE_FILE);

  // The bundle (never read through a link: a link could point at another pack's signature).
  if (bundleEntry && bundleEntry.type !== 'file') {
    problems.push({
      code: 'FileNotRegular',
      file: BUNDLE_FILE,
      message: `${BUNDLE_FILE} is a ${bundleEntry.type}, not a regular file: the signature cannot be read safely`,
    });
    return finish(result);
  }
  let bundle: Bundle;
  try {
    if (!bundleEntry) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    bundle = bundleFromJSON(JSON.parse(await readFile(join(dir, BUNDLE_FILE), 'utf8')));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({
      code: missing ? 'BundleMissing' : 'BundleInvalid',
      file: BUNDLE_FILE,
      message: missing
        ? `${BUNDLE_FILE} is missing: the pack is not signed`
        : `${BUNDLE_FILE} is not a valid Sigstore bundle: ${(err as Error).message}`,
    });
    return finish(result);
  }
  if (bundle.mediaType !== 'application/vnd.dev.sigstore.bundle.v0.3+json' || !isBundleWithDsseEnvelope(bundle)) {
    problems.push({
      code: 'BundleInvalid',
      file: BUNDLE_FILE,
      message: 'expected a v0.3 Sigstore bundle holding a DSSE envelope',
    });
    return finish(result);
  }
  const env = bundle.content.dsseEnvelope;
  if (env.signatures.length !== 1) {
    problems.push({
      code: 'BundleInvalid',
      file: BUNDLE_FILE,
      message: `expected exactly one signature, found ${env.signatures.length}`,
    });
    return finish(result);
  }
  if (env.payloadType !== PAYLOAD_TYPE)
    problems.push({ code: 'BundleInvalid', file: BUNDLE_FILE, message: `unexpected payloadType ${env.payloadType}` });

  // The signer and the signature.
  const tsaCa = opts.tsaCaPem
    ? (opts.tsaCaPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
        (p) => new X509Certificate(p),
      )
    : null;
  const check = checkSignature(bundle, await readRegular(dir, PUBLIC_KEY_FILE), policy, tsaCa, problems);
  result.signer = check.signer;
  result.keySource = check.signer.keySource;
  result.keyType = check.signer.keyType;
  result.keyFingerprint = check.signer.keyFingerprint;
  result.sigstoreVerified = check.sigstoreVerified;
  if (policy && check.signatureOk) {
    checkPolicy(policy, check.signer, bundle, problems);
    if (check.signer.chainVerified) result.sigstoreVerified = true;
  }

  // RFC 3161 timestamps of key-signed packs (a keyless bundle's are checked with its trusted root).
  if (check.signer.method === 'key') {
    const sig = Buffer.from(env.signatures[0]?.sig ?? Buffer.alloc(0));
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
  await checkFiles(dir, statement, others, dirs, problems, result);
  return finish(result);
}

/** Every signed file present, unchanged and regular; nothing else in the directory. */
async function checkFiles(
  dir: string,
  statement: Statement,
  entries: Awaited<ReturnType<typeof listPackEntries>>,
  dirs: Set<string>,
  problems: VerifyProblem[],
  result: VerifyPackResult,
): Promise<void> {
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
  const regular = entries.filter((e) => e.type === 'file').map((e) => e.name);
  const present = new Set(regular);
  for (const e of entries)
    if (e.type !== 'file')
      problems.push({
        code: 'FileNotRegular',
        file: e.name,
        message: signed.has(e.name)
          ? `${e.name} was signed as a file but is now a ${e.type}`
          : `${e.name} is a ${e.type}, not a regular file (a pack holds only regular files)`,
      });
  const actual = new Map((await digestFiles(dir, regular)).map((d) => [d.name, d.sha256]));
  for (const [name, digest] of signed) {
    if (present.has(name)) {
      if (actual.get(name) !== digest)
        problems.push({
          code: 'FileAltered',
          file: name,
          message: `${name} was changed after signing (sha256 differs)`,
        });
    } else if (dirs.has(name))
      problems.push({
        code: 'FileNotRegular',
        file: name,
        message: `${name} was signed as a file but is now a directory`,
      });
    else if (!entries.some((e) => e.name === name))
      problems.push({ code: 'FileMissing', file: name, message: `${name} was signed but is missing` });
  }
  for (const name of regular)
    if (!signed.has(name))
      problems.push({
        code: 'FileExtra',
        file: name,
        message: `${name} was added after signing (not in the signed statement)`,
      });
  result.files = signed.size;

  // SHA256SUMS must agree with the statement (it is a convenience copy of the same digests).
  if (present.has(SUMS_FILE) && actual.get(SUMS_FILE) === signed.get(SUMS_FILE)) {
    const sums = parseSums(await readFile(join(dir, SUMS_FILE), 'utf8'));
    for (const s of sums)
      if (signed.get(s.name) !== s.sha256)
        problems.push({
          code: 'SumsMismatch',
          file: SUMS_FILE,
          message: `${SUMS_FILE} lists ${s.name} with another digest than the statement`,
        });
  }
}
