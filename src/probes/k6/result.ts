import { readFile } from 'node:fs/promises';
import { type MessageSink, message } from '../../io/messages.js';
import type { K6Classification } from './exit-codes.js';
import type { K6Status } from './rest.js';
import { type K6Summary, parseK6Summary } from './summary.js';

export interface K6Result {
  exitCode: number | null;
  signal: string | null;
  classification: K6Classification;
  /** False when k6 failed in a way that makes its samples unreliable. */
  resultsUsable: boolean;
  description: string;
  /** `<metric>: <source>` → true when the threshold passed. */
  thresholds: Record<string, boolean>;
  summary: K6Summary | null;
  /** Why drillproof stopped k6, when it did. */
  stoppedReason: string | null;
  /** How the stop was carried out: REST, SIGTERM or SIGKILL. */
  stoppedWith: 'rest' | 'sigterm' | 'sigkill' | null;
  samples: number;
  failed: number;
  dropped: number;
  badLines: number;
  samplesPath: string;
  rawOutputPath: string;
  summaryPath: string;
  lastStatus: K6Status | null;
  stderrTail: string[];
  bin: string;
  version: string;
}

/** The shape the run record keeps (src/reports/run-record.ts `k6`). */
export function k6RunRecord(r: K6Result): {
  exitCode: number | null;
  classification: string;
  thresholds: Record<string, boolean>;
  summary?: unknown;
} {
  return {
    exitCode: r.exitCode,
    classification: r.classification,
    thresholds: r.thresholds,
    ...(r.summary ? { summary: r.summary } : {}),
  };
}

export async function readSummary(path: string): Promise<K6Summary | null> {
  try {
    return parseK6Summary(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return null;
  }
}

export function reportK6Result(sink: MessageSink, r: K6Result, badReasons: string[]): void {
  if (r.badLines > 0) {
    sink.emit(
      message(
        'warn',
        'DP_K6_W0004',
        `${r.badLines} line(s) of k6 output could not be read (${badReasons.join('; ')})`,
        { badLines: r.badLines },
      ),
    );
  }
  if (r.dropped > 0) {
    sink.emit(
      message(
        'warn',
        'DP_K6_W0005',
        `k6 dropped ${r.dropped} iteration(s) for lack of a free VU: counted as failed samples flagged late`,
        {
          dropped: r.dropped,
        },
      ),
    );
  }
  if (r.summary === null && r.resultsUsable) {
    sink.emit(
      message(
        'warn',
        'DP_K6_W0006',
        `k6 wrote no end-of-test summary at ${r.summaryPath}: thresholds are not recorded`,
      ),
    );
  }
  const failedThresholds = Object.entries(r.thresholds)
    .filter(([, ok]) => !ok)
    .map(([k]) => k);
  const data = {
    exitCode: r.exitCode,
    classification: r.classification,
    samples: r.samples,
    failed: r.failed,
    failedThresholds,
  };
  if (!r.resultsUsable) {
    sink.emit(
      message(
        'error',
        'DP_K6_E0001',
        `k6 failed: ${r.description}; its samples may be incomplete${r.stderrTail.length ? ` (last output: ${r.stderrTail.slice(-3).join(' | ')})` : ''}`,
        data,
      ),
    );
    return;
  }
  sink.emit(message('info', 'DP_K6_I0002', `k6 ${r.description}: ${r.samples} samples, ${r.failed} failed`, data));
}
