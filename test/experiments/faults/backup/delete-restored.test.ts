import { describe, expect, it } from 'vitest';
import { deleteRestored, deleteRestoredSpec } from '../../../../src/experiments/faults/backup/inverses.js';
import type { InverseContext } from '../../../../src/experiments/faults/types.js';
import type { Clock } from '../../../../src/util/clock.js';
import { fakeAws } from '../../../_helpers/fake-aws.js';

/** Time moves only when something waits; `onSleep` lets the fake AWS move on with it. */
function clock(onSleep: (now: number) => void = () => {}): Clock {
  let now = 0;
  return {
    monotonicMs: () => now,
    wallMs: () => 1_800_000_000_000 + now,
    sleep: async (ms) => {
      now += ms;
      onSleep(now);
    },
  };
}

function ctx(f: ReturnType<typeof fakeAws>, c: Clock, notes: string[]): InverseContext {
  return {
    aws: f.aws,
    clock: c,
    pollMs: 1000,
    waitTimeoutMs: 60_000,
    env: {},
    scenarioDir: '.',
    note: (m) => notes.push(m),
  } as InverseContext;
}

describe('backup.delete-restored', () => {
  it('waits for a running restore job to end, then deletes the table it created', async () => {
    const f = fakeAws({ tables: [{ name: 'orders', status: 'ACTIVE', tags: {}, pitr: false }] });
    // A job AWS Backup is still running: its table does not exist yet (it cannot be cancelled).
    f.restoreJobs.set('job-9', { status: 'RUNNING', created: 'orders-dp-r-restore' });
    const c = clock((now) => {
      if (now >= 5000 && f.restoreJobs.get('job-9')?.status === 'RUNNING') {
        f.restoreJobs.set('job-9', { status: 'COMPLETED', created: 'orders-dp-r-restore' });
        f.tables.set('orders-dp-r-restore', { name: 'orders-dp-r-restore', status: 'ACTIVE', tags: {}, pitr: false });
      }
    });
    const notes: string[] = [];
    const spec = deleteRestoredSpec('job-9', 'dynamodb-table', 'orders-dp-r-restore', 'us-east-1');
    expect(spec.manualSteps[0]).toContain('describe-restore-job --region us-east-1 --restore-job-id job-9');
    await deleteRestored.run(ctx(f, c, notes), spec.params as never);
    expect([...f.tables.keys()]).toEqual(['orders']);
    expect(notes).toEqual(['restore job job-9 COMPLETED; deleting orders-dp-r-restore']);
  });

  it('gives up after the wait timeout on a job that never ends, and deletes nothing', async () => {
    const f = fakeAws({ tables: [{ name: 'orders', status: 'ACTIVE', tags: {}, pitr: false }] });
    f.restoreJobs.set('job-1', { status: 'RUNNING', created: 'x' });
    const c = clock();
    const p = deleteRestored.run(ctx(f, c, []), { restoreJobId: 'job-1', resourceType: 'rds-instance', name: 'x' });
    await expect(p).rejects.toMatchObject({
      code: 'WaitTimeout',
      message: expect.stringContaining('restore job job-1 to end (AWS Backup cannot cancel it)'),
    });
    expect(c.monotonicMs()).toBe(60_000);
  });
});
