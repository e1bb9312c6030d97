import { DrillproofError } from '../../errors.js';
import type { PreflightCheckResult } from './types.js';

/**
 * Permission check with DryRun (EC2 supports it): `DryRunOperation` means allowed,
 * `UnauthorizedOperation` means the IAM action is missing.
 */
export async function dryRunCheck(action: string, call: () => Promise<unknown>): Promise<PreflightCheckResult> {
  try {
    await call();
    // Some endpoints execute instead of answering DryRunOperation; that would be a bug upstream.
    return { check: `permission ${action}`, ok: true, detail: 'call succeeded (DryRun)' };
  } catch (err) {
    if (DrillproofError.is(err) && err.code === 'AwsDryRunOk') {
      return { check: `permission ${action}`, ok: true, detail: 'allowed (DryRun)' };
    }
    if (DrillproofError.is(err)) {
      return {
        check: `permission ${action}`,
        ok: false,
        detail: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
      };
    }
    throw err;
  }
}
