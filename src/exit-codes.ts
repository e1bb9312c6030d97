import { DrillproofError } from './errors.js';

/** The public exit-code contract. Never renumber. */
export const ExitCode = {
  /** Objectives met (or the command succeeded). */
  Ok: 0,
  /** Unexpected tool error. */
  ToolError: 1,
  /** Invalid scenario or usage. */
  Invalid: 2,
  /** Preflight or steady state failed; nothing was injected. */
  Preflight: 3,
  /** Objectives not met. */
  ObjectivesNotMet: 4,
  /** Aborted by a guardrail, a signal or a run-directory write that failed mid-drill; rolled back. */
  Aborted: 5,
  /** Rollback failed; manual action needed. */
  RollbackFailed: 6,
  /**
   * The drill ran but proves nothing about the fault: AWS did not confirm it (or declined it),
   * or no probe exercised a faulted resource. Never a pass.
   */
  Inconclusive: 7,
  /** `verify`: the signature is invalid (or absent, or its certificate does not verify). */
  SignatureInvalid: 8,
  /** `verify`: a file was altered, is missing, was added, or is not a regular file. */
  PackAltered: 9,
  /** `verify`: signature and files are valid, but the signer is not the one the policy trusts. */
  SignerNotTrusted: 10,
  /** A drill step of the scenario's own (an `exec` command, an `http` call) failed; rolled back. */
  StepFailed: 11,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps any thrown value to an exit code. Only the CLI calls this. */
export function errorToExitCode(err: unknown): number {
  if (DrillproofError.is(err)) {
    if (err.exitCode !== undefined) return err.exitCode;
    if (err.source === 'user') return ExitCode.Invalid;
    return ExitCode.ToolError;
  }
  return ExitCode.ToolError;
}

/** `drillproof verify`'s exit code for an outcome of the pack verification. */
export function verifyExitCode(outcome: 'valid' | 'signature-invalid' | 'files-invalid' | 'signer-untrusted'): number {
  switch (outcome) {
    case 'valid':
      return ExitCode.Ok;
    case 'signature-invalid':
      return ExitCode.SignatureInvalid;
    case 'files-invalid':
      return ExitCode.PackAltered;
    case 'signer-untrusted':
      return ExitCode.SignerNotTrusted;
  }
}
