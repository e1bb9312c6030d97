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
  /** Aborted by a guardrail or a signal; rolled back. */
  Aborted: 5,
  /** Rollback failed; manual action needed. */
  RollbackFailed: 6,
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
