import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createKmsApi,
  DrillproofError,
  kmsPublicKey,
  loadTrustedRoot,
  type VerifyPackResult,
  type VerifyPolicy,
  verifyExitCode,
  verifyPack,
} from '../../index.js';
import type { RegisterCommand } from '../context.js';
import { type AwsFlags, addAwsFlags, awsFlagValues } from '../flags.js';

interface VerifyFlags extends AwsFlags {
  key?: string;
  kmsKey?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
  tufMirror?: string;
  tsaCa?: string;
  json?: boolean;
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw DrillproofError.user('FileUnreadable', `cannot read the ${what} ${path}`, { cause: err });
  }
}

function usage(message: string, hint: string): DrillproofError {
  return DrillproofError.user('UsageInvalid', message, { hint });
}

/** The policy from the flags: at most one of a key, a KMS key, or an identity with its issuer. */
async function policyOf(f: VerifyFlags, env: NodeJS.ProcessEnv): Promise<VerifyPolicy | undefined> {
  const identity = f.certificateIdentity ?? f.certificateIdentityRegexp;
  const kinds = [f.key, f.kmsKey, identity ?? f.certificateOidcIssuer].filter((x) => x !== undefined);
  if (kinds.length > 1)
    throw usage(
      'give one policy: --key, --kms-key, or --certificate-identity with --certificate-oidc-issuer',
      'a pack has one signer; check it against one',
    );
  if (f.certificateIdentity && f.certificateIdentityRegexp)
    throw usage(
      'give --certificate-identity or --certificate-identity-regexp, not both',
      'use the exact identity when you know it',
    );
  if (f.key) {
    const pem = await readPem(f.key, 'public key');
    try {
      return { kind: 'key', publicKey: createPublicKey(pem), label: f.key };
    } catch (err) {
      throw DrillproofError.user('PublicKeyInvalid', `${f.key} is not a PEM public key`, {
        hint: 'pass the SPKI PEM (-----BEGIN PUBLIC KEY-----) of the signing key',
        cause: err,
      });
    }
  }
  if (f.kmsKey) {
    const aws = awsFlagValues(f);
    const keyId = f.kmsKey.replace(/^awskms:\/\/[^/]*\//, '');
    const region =
      /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1] ?? aws.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region)
      throw DrillproofError.user('KmsRegionMissing', `no region for the KMS key ${keyId}`, {
        hint: 'pass --region, set AWS_REGION, or give the key as a full ARN',
      });
    const endpoint = aws.endpoint ?? env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
    const client = createKmsApi({
      region,
      ...(aws.profile ? { profile: aws.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
    try {
      const { publicKey, keyArn } = await kmsPublicKey(client, keyId);
      return { kind: 'kms', publicKey, keyArn };
    } finally {
      client.destroy();
    }
  }
  if (identity !== undefined || f.certificateOidcIssuer !== undefined) {
    if (identity === undefined || f.certificateOidcIssuer === undefined)
      throw usage(
        '--certificate-identity and --certificate-oidc-issuer go together',
        'e.g. --certificate-identity https://github.com/acme/shop/.github/workflows/drill.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com',
      );
    if (f.certificateIdentityRegexp !== undefined) {
      try {
        new RegExp(f.certificateIdentityRegexp);
      } catch (err) {
        throw usage(
          `--certificate-identity-regexp is not a regular expression: ${(err as Error).message}`,
          'escape the dots and slashes you mean literally',
        );
      }
    }
    const { root } = await loadTrustedRoot({
      ...(f.trustedRoot ? { file: f.trustedRoot } : {}),
      ...(f.tufMirror ? { tufMirror: f.tufMirror } : {}),
    });
    return {
      kind: 'identity',
      identity:
        f.certificateIdentity !== undefined
          ? { exact: f.certificateIdentity }
          : { regexp: f.certificateIdentityRegexp as string },
      issuer: f.certificateOidcIssuer,
      trustedRoot: root,
    };
  }
  return undefined;
}

/** What the signature proves, in one line. */
export function trustLine(r: VerifyPackResult): string {
  const s = r.signer;
  if (r.trust === 'integrity-only') {
    const claim =
      s?.method === 'keyless'
        ? ` (a certificate for ${s.identity ?? '(no identity)'}, issuer ${s.issuer ?? 'unknown'}, not checked: pass --certificate-identity and --certificate-oidc-issuer)`
        : ' (compare its fingerprint with the published one, or pass --key / --kms-key)';
    return `integrity only: signed by the key shipped in the pack${claim}`;
  }
  if (s?.method === 'keyless')
    return `trusted: signed by ${s.identity} (issuer ${s.issuer}); certificate chain and transparency log entry checked against the trusted root`;
  return `trusted: signed by the ${r.policy === 'kms' ? 'KMS key' : 'key'} given (${s?.keyFingerprint})`;
}

export const registerVerify: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('verify')
    .description(
      'verify a signed evidence pack: the signature, every file, and (with a policy) who signed it; exit 8 bad signature, 9 files changed, 10 signer not trusted',
    )
    .argument('<dir>', 'the evidence pack directory')
    .option('--key <pub.pem>', 'policy: the pack must be signed by this public key')
    .option(
      '--kms-key <id>',
      'policy: the pack must be signed by this AWS KMS key (its public key is fetched with kms:GetPublicKey)',
    )
    .option('--certificate-identity <identity>', 'policy: keyless signature by this identity (the certificate SAN)')
    .option(
      '--certificate-identity-regexp <re>',
      'policy: keyless signature by an identity matching this regular expression',
    )
    .option('--certificate-oidc-issuer <url>', 'policy: the OIDC issuer of that identity')
    .option(
      '--trusted-root <file>',
      'Sigstore trusted_root.json (private instance or offline); default: public-good via TUF',
    )
    .option('--tuf-mirror <url>', 'TUF repository of a private Sigstore instance')
    .option('--tsa-ca <pem>', 'trusted CA certificate(s) of an RFC 3161 timestamp authority')
    .option('--json', 'print the result as JSON');
  addAwsFlags(cmd, 'the KMS key of --kms-key');
  cmd.action(async (dir: string, f: VerifyFlags) => {
    const policy = await policyOf(f, ctx.io.env);
    const r = await verifyPack({
      dir,
      ...(policy ? { policy } : {}),
      ...(f.tsaCa ? { tsaCaPem: await readPem(f.tsaCa, 'TSA CA certificate') } : {}),
    });
    ctx.setExitCode(verifyExitCode(r.outcome));
    if (f.json) {
      const { statement, ...rest } = r;
      ctx.io.stdout.write(
        `${JSON.stringify({ ...rest, exitCode: verifyExitCode(r.outcome), trustStatement: trustLine(r), predicate: statement?.predicate ?? null })}\n`,
      );
      return;
    }
    const out = ctx.io.stdout;
    for (const p of r.problems) out.write(`FAIL ${p.code}${p.file ? ` ${p.file}` : ''}: ${p.message}\n`);
    if (!r.ok) {
      const what = {
        'signature-invalid': 'the signature is invalid',
        'files-invalid': 'files changed',
        'signer-untrusted': 'the signer is not the trusted one',
        valid: '',
      }[r.outcome];
      out.write(`evidence pack NOT verified (${what}): ${r.problems.length} problem(s)\n`);
      return;
    }
    const pred = r.statement?.predicate;
    const s = r.signer;
    out.write(
      `OK signature (${s?.method === 'keyless' ? 'keyless, ' : ''}${r.keyType}, key ${r.keyFingerprint})${r.sigstoreVerified ? ', also checked with @sigstore/verify' : ''}\n`,
    );
    out.write(`OK ${r.files} files match the signed digests; nothing added or removed; every entry a regular file\n`);
    for (const t of r.timestamps) out.write(`OK timestamp ${t.genTime} by ${t.tsaSubject ?? 'unknown TSA'}\n`);
    if (pred) out.write(`run ${pred.runId}: ${pred.verdict}, signed ${pred.signedAt}\n`);
    out.write(`${trustLine(r)}\n`);
  });
};
