import { verify as cryptoVerify } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bundleToJSON, type SerializedBundle, toDSSEBundle } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { DrillproofError } from '../../errors.js';
import { type MessageSink, message, silentSink } from '../../io/messages.js';
import { findKnownSecret } from '../../util/secrets.js';
import { type Evidence, evidenceSchema } from '../evidence-schema.js';
import { keyFingerprint, publicKeyPem } from './keys.js';
import {
  BUNDLE_FILE,
  digestFiles,
  formatSums,
  listPackEntries,
  listPackFiles,
  PUBLIC_KEY_FILE,
  SUMS_FILE,
  unsafeFileName,
  VERIFY_FILE,
} from './pack-files.js';
import type { EvidenceSigner } from './signer.js';
import { buildStatement, type DrillPredicate, PAYLOAD_TYPE } from './statement.js';
import { requestTimestamp, type TimestampInfo } from './tsa.js';
import { renderVerifyMd } from './verify-md.js';

export interface SignPackOptions {
  dir: string;
  signer: EvidenceSigner;
  /** RFC 3161 timestamp authority URL; no timestamp when absent. */
  tsaUrl?: string;
  fetchImpl?: typeof fetch;
  /** The signing time recorded in the predicate (injected for reproducible tests). */
  now?: () => Date;
  sink?: MessageSink;
}

export interface SignPackResult {
  bundlePath: string;
  fingerprint: string;
  files: number;
  timestamp: TimestampInfo | null;
}

async function readEvidence(dir: string): Promise<Evidence> {
  let text: string;
  try {
    text = await readFile(join(dir, 'evidence.json'), 'utf8');
  } catch (err) {
    throw DrillproofError.user('NotAnEvidencePack', `${dir} has no evidence.json`, {
      hint: 'sign a run directory after `drillproof report <run-dir>` has written the evidence pack',
      cause: err,
    });
  }
  const parsed = evidenceSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw DrillproofError.user('EvidenceInvalid', `${dir}/evidence.json does not match the evidence schema`, {
      hint: 're-render it with `drillproof report <run-dir>`',
      details: { issues: parsed.error.issues.slice(0, 10) },
    });
  return parsed.data;
}

function predicateOf(ev: Evidence, signer: EvidenceSigner, fingerprint: string, signedAt: Date): DrillPredicate {
  const info = signer.info();
  const rto = ev.objectives.find((o) => o.name === 'rto');
  const rpo = ev.objectives.find((o) => o.name === 'rpo');
  return {
    runId: ev.run.id,
    scenario: { name: ev.scenario.name, path: ev.scenario.path, sha256: ev.scenario.sha256 },
    tool: { name: 'drillproof', version: ev.tool.version },
    target: { provider: ev.target.provider, region: ev.target.region },
    caller: ev.caller,
    startedAt: ev.run.startedAt,
    finishedAt: ev.run.finishedAt,
    faultInjectedAt: ev.measurements.faultAt,
    signedAt: signedAt.toISOString(),
    clock: ev.clock,
    verdict: ev.run.verdict,
    exitCode: ev.run.exitCode,
    rto: {
      targetSeconds: rto ? rto.targetValue : null,
      measuredSeconds: ev.measurements.rto?.seconds ?? null,
      resolutionSeconds: ev.measurements.rto?.resolutionSeconds ?? null,
      ok: rto ? rto.ok : null,
    },
    rpo: {
      targetSeconds: rpo ? rpo.targetValue : null,
      measuredSeconds: ev.measurements.rpo?.seconds ?? null,
      lostWrites: ev.measurements.rpo?.lostWrites ?? null,
      ok: rpo ? rpo.ok : null,
    },
    objectives: ev.objectives.map((o) => ({ name: o.name, expected: o.expected, actual: o.actual, ok: o.ok })),
    signer: {
      keyType: signer.keyType,
      keyFingerprint: fingerprint,
      description: signer.description,
      method: info.method,
      trust: info.trust,
      kmsKeyArn: info.kmsKeyArn,
      identity: info.identity,
      issuer: info.issuer,
    },
  };
}

/**
 * Signs an evidence pack in place: writes the public key, VERIFY.md and SHA256SUMS, then one
 * Sigstore bundle whose DSSE payload lists every file of the directory. Re-signing replaces
 * the previous signature.
 */
/** A signed pack cannot be taken back: a file still holding a known secret value is never signed. */
async function refuseKnownSecrets(dir: string, files: readonly string[]): Promise<void> {
  const holding: string[] = [];
  for (const f of files) {
    const bytes = await readFile(join(dir, f));
    const text = (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    if (findKnownSecret(text)) holding.push(f);
  }
  if (holding.length) {
    throw DrillproofError.user('PackHoldsSecret', `not signing: ${holding.join(', ')} still hold a secret value`, {
      hint: 'remove the secret from those files (or the files from the pack) and sign again; a signed pack is shared',
    });
  }
}

export async function signPack(opts: SignPackOptions): Promise<SignPackResult> {
  const { dir, signer } = opts;
  const sink = opts.sink ?? silentSink;
  const ev = await readEvidence(dir);
  const fingerprint = keyFingerprint(signer.publicKey);

  await signer.prepare?.();
  const info = signer.info();
  await rm(join(dir, BUNDLE_FILE), { force: true });
  await rm(join(dir, SUMS_FILE), { force: true });
  // A keyless signature carries its key in the certificate; a key file left from an earlier signing would mislead.
  if (signer.bundle) await rm(join(dir, PUBLIC_KEY_FILE), { force: true });
  else await writeFile(join(dir, PUBLIC_KEY_FILE), publicKeyPem(signer.publicKey));
  await writeFile(join(dir, VERIFY_FILE), renderVerifyMd({ keyType: signer.keyType, fingerprint, info }));

  const entries = await listPackEntries(dir);
  const special = entries.filter((e) => e.type !== 'file');
  if (special.length)
    throw DrillproofError.user(
      'PackFileNotRegular',
      `cannot sign what is not a regular file: ${special.map((e) => `${e.name} (${e.type})`).join(', ')}`,
      { hint: 'remove those entries (or replace a link with a copy of the file) and sign again' },
    );
  const files = entries.map((e) => e.name);
  const bad = files.filter(unsafeFileName);
  if (bad.length)
    throw DrillproofError.user(
      'PackFileNameUnsafe',
      `cannot sign file names with spaces or special characters: ${bad.join(', ')}`,
      {
        hint: 'rename or remove those files; pack files use letters, digits and ._-/ only',
      },
    );
  await refuseKnownSecrets(dir, files);
  const content = await digestFiles(dir, files);
  await writeFile(join(dir, SUMS_FILE), formatSums(content));
  const subjects = await digestFiles(
    dir,
    (await listPackFiles(dir)).filter((f) => f !== BUNDLE_FILE),
  );

  const statement = buildStatement(subjects, predicateOf(ev, signer, fingerprint, (opts.now ?? (() => new Date()))()));
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  sink.progress?.({ id: 'sign', label: 'signing the evidence pack', done: 0, detail: signer.description });
  let json: SerializedBundle;
  let timestamp: TimestampInfo | null = null;
  if (signer.bundle) {
    json = await signer.bundle(payload, PAYLOAD_TYPE);
  } else {
    const pae = dsse.preAuthEncoding(PAYLOAD_TYPE, payload);
    const signature = await signer.sign(pae);
    // A signer that returns a signature for another key (a wrong KMS key id) must fail here, not at audit time.
    const selfCheck =
      signer.keyType === 'ed25519'
        ? cryptoVerify(null, pae, signer.publicKey, signature)
        : cryptoVerify('sha256', pae, { key: signer.publicKey, dsaEncoding: 'der' }, signature);
    if (!selfCheck)
      throw DrillproofError.tool(
        'SignatureSelfCheckFailed',
        `the signature from ${signer.description} does not verify with its public key`,
      );
    const bundle = toDSSEBundle({ artifact: payload, artifactType: PAYLOAD_TYPE, signature, keyHint: fingerprint });
    if (opts.tsaUrl) {
      const ts = await requestTimestamp(opts.tsaUrl, signature, opts.fetchImpl);
      bundle.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: ts.der }] };
      timestamp = ts.info;
      sink.emit(message('info', 'DP_EVID_I0003', `timestamped by ${opts.tsaUrl} at ${ts.info.genTime}`, ts.info));
    }
    json = bundleToJSON(bundle);
  }
  const bundlePath = join(dir, BUNDLE_FILE);
  await writeFile(bundlePath, `${JSON.stringify(json, null, 2)}\n`);
  sink.progress?.({ id: 'sign', label: 'signing the evidence pack', done: 1, total: 1 });
  sink.emit(
    message(
      'info',
      'DP_EVID_I0002',
      `signed ${subjects.length} files with ${signer.description} (key ${fingerprint})`,
      {
        bundle: bundlePath,
        fingerprint,
        files: subjects.length,
      },
    ),
  );
  return { bundlePath, fingerprint, files: subjects.length, timestamp };
}
