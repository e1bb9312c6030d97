import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvidence } from '../../src/reports/evidence-model.js';
import { evidenceSchema } from '../../src/reports/evidence-schema.js';
import { renderHtml } from '../../src/reports/html/render-html.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { buildAwsCalls } from '../../src/reports/timeline.js';
import type { JournalEntry } from '../../src/run/journal-types.js';
import { FIXTURE_RUNS } from '../_helpers/evidence.js';

const tries = [
  { attempt: 1, atMs: 0, ms: 3, httpStatus: 503, errorCode: 'RequestLimitExceeded', requestId: 'r1' },
  { attempt: 2, atMs: 420, ms: 2, httpStatus: 500, errorCode: 'InternalError', requestId: 'r2' },
  { attempt: 3, atMs: 610, ms: 4, httpStatus: 200, requestId: 'r3' },
];
const retried = (t: number): JournalEntry =>
  ({
    seq: 900,
    t,
    time: new Date(t).toISOString(),
    kind: 'aws.call',
    data: {
      service: 'ec2',
      operation: 'DescribeInstances',
      requestId: 'r3',
      ms: 614,
      attempts: 3,
      ok: true,
      tries,
      params: {},
    },
  }) as unknown as JournalEntry;

describe('awsCalls lists every attempt of a retried call', () => {
  it('keeps attempts and each try (answer, error, timing) from the journal; a single-attempt call has none', () => {
    const calls = buildAwsCalls([retried(1_000)]);
    expect(calls[0]?.attempts).toBe(3);
    expect(calls[0]?.tries).toEqual([tries[0], tries[1], { ...tries[2], errorCode: null }]);
  });

  it('evidence with a retried call is schema-valid and the report counts its failed attempts as errors', async () => {
    const run = await loadRunDir(join(FIXTURE_RUNS, 'ec2-stop-passed'));
    const last = run.journal.at(-1) as JournalEntry;
    const ev = buildEvidence(run.record, [...run.journal, retried(last.t)]);
    expect(evidenceSchema.safeParse(ev).success).toBe(true);
    const polls = ev.awsCalls.filter((c) => c.operation === 'DescribeInstances');
    const failedTries = polls.flatMap((c) => c.tries ?? []).filter((t) => t.errorCode !== null).length;
    const failedCalls = polls.filter((c) => !c.ok && !c.tries).length;
    expect(failedTries).toBe(2);
    const html = renderHtml(ev, []);
    const row = html.match(
      /<tr><td class="mono">ec2:DescribeInstances<\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td>/,
    );
    expect(row?.slice(1)).toEqual([String(polls.length), String(failedTries + failedCalls)]);
  });
});
