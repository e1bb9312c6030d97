/**
 * What `verify` can find wrong, in three classes that map to the exit codes of
 * docs/exit-codes.md: the signature (8), the files (9), the signer against the policy (10).
 */
export const SIGNATURE_PROBLEMS = [
  'BundleMissing',
  'BundleInvalid',
  'KeyMissing',
  'KeyMismatch',
  'SignatureInvalid',
  'SigstoreVerifyFailed',
  'CertificateInvalid',
  'StatementInvalid',
  'TimestampInvalid',
] as const;
export const FILE_PROBLEMS = ['FileAltered', 'FileMissing', 'FileExtra', 'FileNotRegular', 'SumsMismatch'] as const;
export const POLICY_PROBLEMS = ['SignerNotTrusted'] as const;

export type VerifyProblemCode =
  | (typeof SIGNATURE_PROBLEMS)[number]
  | (typeof FILE_PROBLEMS)[number]
  | (typeof POLICY_PROBLEMS)[number];

export interface VerifyProblem {
  code: VerifyProblemCode;
  file?: string;
  message: string;
}

export type VerifyOutcome = 'valid' | 'signature-invalid' | 'files-invalid' | 'signer-untrusted';

/** The worst class wins: a bad signature makes every other finding moot. */
export function verifyOutcome(problems: readonly VerifyProblem[]): VerifyOutcome {
  const has = (list: readonly string[]) => problems.some((p) => list.includes(p.code));
  if (has(SIGNATURE_PROBLEMS)) return 'signature-invalid';
  if (has(FILE_PROBLEMS)) return 'files-invalid';
  if (has(POLICY_PROBLEMS)) return 'signer-untrusted';
  return 'valid';
}
