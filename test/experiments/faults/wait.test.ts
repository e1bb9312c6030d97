import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import { deleteUntilGone } from '../../../src/experiments/faults/wait.js';
import type { Clock } from '../../../src/util/clock.js';

/** A clock whose sleeps return at once and move its time on by what was asked. */
function testClock(): Clock {
  let now = 0;
  return {
    monotonicMs: () => now,
    wallMs: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

const aws = (code: string) => DrillproofError.aws(code, `answered ${code}`);
const poll = (timeoutMs = 10_000) => ({ clock: testClock(), intervalMs: 100, timeoutMs });

describe('deleteUntilGone', () => {
  it('repeats the delete while AWS answers invalid state, then waits until the resource is gone', async () => {
    const answers: (string | 'ok')[] = ['AwsInvalidState', 'AwsInvalidState', 'ok'];
    let removes = 0;
    let looks = 0;
    const ids = await deleteUntilGone({
      remove: async () => {
        removes++;
        const a = answers.shift();
        if (a !== 'ok') throw aws(a as string);
        return { $metadata: { requestId: 'req-3' } };
      },
      exists: async () => ++looks < 3,
      what: 'DB cluster c-1',
      poll: poll(),
    });
    expect(ids).toEqual(['req-3']);
    expect(removes).toBe(3);
    expect(looks).toBe(3);
  });

  it('is done at once when the resource is not found, and when the look says not found', async () => {
    let looks = 0;
    const gone = await deleteUntilGone({
      remove: async () => {
        throw aws('AwsResourceNotFound');
      },
      exists: async () => {
        looks++;
        return true;
      },
      what: 'table t',
      poll: poll(),
    });
    expect(gone).toEqual([]);
    expect(looks).toBe(0);
    const ids = await deleteUntilGone({
      remove: async () => ({ $metadata: {} }),
      exists: async () => {
        throw aws('AwsResourceNotFound');
      },
      what: 'table t',
      poll: poll(),
    });
    expect(ids).toEqual([]);
  });

  it('passes on any other error, and names what it waited for when time runs out', async () => {
    await expect(
      deleteUntilGone({
        remove: async () => {
          throw aws('AwsAccessDenied');
        },
        exists: async () => true,
        what: 'DB snapshot s',
        poll: poll(),
      }),
    ).rejects.toMatchObject({ code: 'AwsAccessDenied' });
    await expect(
      deleteUntilGone({
        remove: async () => ({ $metadata: { requestId: 'r' } }),
        exists: async () => true,
        what: 'DB instance i',
        poll: poll(1_000),
      }),
    ).rejects.toThrow(/waiting for DB instance i to be deleted/);
  });
});
