/**
 * k6 exit codes (`errext/exitcodes/codes.go`, the same list in v1.x and v2.x) → what they mean
 * for a drill. Only 0 and 99 mean k6 ran the whole test; 103/105 mean it was stopped (by
 * drillproof or a signal); everything else means the load results are unreliable.
 */
export type K6Classification =
  | 'passed'
  | 'thresholds-failed'
  | 'stopped'
  | 'invalid-config'
  | 'script-error'
  | 'script-aborted'
  | 'crashed';

export interface K6ExitInfo {
  classification: K6Classification;
  /** Whether the samples cover the run as intended (the test ran, possibly stopped on purpose). */
  resultsUsable: boolean;
  description: string;
}

const KNOWN: Record<number, string> = {
  97: 'cloud test run failed',
  98: 'could not get cloud progress',
  100: 'setup() timed out',
  101: 'teardown() timed out',
  102: 'generic timeout',
  106: 'could not start the REST API (address in use?)',
  109: 'k6 panicked',
  110: 'the script marked the test as failed (exec.test.fail())',
};

/**
 * @param code the process exit code; null when it died from a signal
 * @param stoppedByUs drillproof asked k6 to stop (REST or signal), so a signal death is a stop
 */
export function classifyK6Exit(code: number | null, signal: string | null = null, stoppedByUs = false): K6ExitInfo {
  if (code === null) {
    if (stoppedByUs)
      return {
        classification: 'stopped',
        resultsUsable: true,
        description: `killed with ${signal ?? 'a signal'} after a stop request`,
      };
    return { classification: 'crashed', resultsUsable: false, description: `k6 died from ${signal ?? 'a signal'}` };
  }
  switch (code) {
    case 0:
      return { classification: 'passed', resultsUsable: true, description: 'k6 finished; all thresholds passed' };
    case 99:
      return {
        classification: 'thresholds-failed',
        resultsUsable: true,
        description: 'k6 finished; some thresholds failed',
      };
    case 103:
      return { classification: 'stopped', resultsUsable: true, description: 'stopped through the REST API' };
    case 105:
      return { classification: 'stopped', resultsUsable: true, description: 'stopped by a signal (SIGINT/SIGTERM)' };
    case 104:
      return { classification: 'invalid-config', resultsUsable: false, description: 'k6 rejected its configuration' };
    case 107:
      return { classification: 'script-error', resultsUsable: false, description: 'the script threw an exception' };
    case 108:
      return {
        classification: 'script-aborted',
        resultsUsable: false,
        description: 'the script aborted the test (exec.test.abort())',
      };
    default:
      return {
        classification: 'crashed',
        resultsUsable: false,
        description: `k6 exited with ${code}${KNOWN[code] ? ` (${KNOWN[code]})` : ''}`,
      };
  }
}
