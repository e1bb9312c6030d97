import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../../src/errors.js';
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

/**
 * An account with one restored Aurora cluster: as RDS does, DeleteDBCluster is refused
 * (InvalidDBClusterStateFault, mapped to AwsInvalidState) while an instance is not being deleted,
 * and an instance is gone a few seconds after DeleteDBInstance.
 */
function auroraAccount(c: { now: () => number }, o: { instance: boolean; job: string }) {
  const calls: string[] = [];
  const instances = new Map<string, { cluster: string; goneAt?: number }>();
  if (o.instance) instances.set('shop-aurora-dp-x-1', { cluster: 'shop-aurora-dp-x' });
  const clusters = new Map<string, { goneAt?: number }>([['shop-aurora-dp-x', {}]]);
  const live = () => {
    for (const [k, v] of instances) if (v.goneAt !== undefined && c.now() >= v.goneAt) instances.delete(k);
    for (const [k, v] of clusters) if (v.goneAt !== undefined && c.now() >= v.goneAt) clusters.delete(k);
  };
  const notFound = (what: string) =>
    DrillproofError.user('AwsResourceNotFound', `${what} not found`, {
      details: { awsCode: 'DBClusterNotFoundFault' },
    });
  const aws = {
    backup: { describeRestoreJob: async () => ({ Status: o.job }) },
    rds: {
      describeDBInstances: async (i: { DBInstanceIdentifier?: string; Filters?: { Values: string[] }[] }) => {
        live();
        calls.push(`DescribeDBInstances ${i.DBInstanceIdentifier ?? JSON.stringify(i.Filters)}`);
        if (i.DBInstanceIdentifier && !instances.has(i.DBInstanceIdentifier)) throw notFound(i.DBInstanceIdentifier);
        const want = i.Filters?.[0]?.Values[0];
        return {
          $metadata: {},
          DBInstances: [...instances]
            .filter(
              ([k, v]) => (!i.DBInstanceIdentifier || k === i.DBInstanceIdentifier) && (!want || v.cluster === want),
            )
            .map(([k, v]) => ({ DBInstanceIdentifier: k, DBClusterIdentifier: v.cluster })),
        };
      },
      deleteDBInstance: async (i: { DBInstanceIdentifier: string }) => {
        live();
        calls.push(`DeleteDBInstance ${i.DBInstanceIdentifier}`);
        const x = instances.get(i.DBInstanceIdentifier);
        if (!x) throw notFound(i.DBInstanceIdentifier);
        x.goneAt ??= c.now() + 3000;
        return { $metadata: { requestId: 'rid-instance' } };
      },
      deleteDBCluster: async (i: { DBClusterIdentifier: string; SkipFinalSnapshot?: boolean }) => {
        live();
        calls.push(`DeleteDBCluster ${i.DBClusterIdentifier} skip=${i.SkipFinalSnapshot}`);
        const x = clusters.get(i.DBClusterIdentifier);
        if (!x) throw notFound(i.DBClusterIdentifier);
        if ([...instances.values()].some((m) => m.cluster === i.DBClusterIdentifier && m.goneAt === undefined)) {
          throw DrillproofError.aws('AwsInvalidState', 'still contains DB instances in non-deleting state');
        }
        x.goneAt ??= c.now() + 2000;
        return { $metadata: { requestId: 'rid-cluster' } };
      },
      describeDBClusters: async (i: { DBClusterIdentifier: string }) => {
        live();
        if (!clusters.has(i.DBClusterIdentifier)) throw notFound(i.DBClusterIdentifier);
        return { $metadata: {}, DBClusters: [{ DBClusterIdentifier: i.DBClusterIdentifier, Status: 'deleting' }] };
      },
    },
  };
  return { aws: aws as never, calls, instances, clusters };
}

describe('backup.delete-restored of an Aurora cluster', () => {
  it('deletes the instance the drill added, then the cluster without a final snapshot, and waits until both are gone', async () => {
    const c = clock();
    const acct = auroraAccount({ now: () => c.monotonicMs() }, { instance: true, job: 'COMPLETED' });
    const notes: string[] = [];
    const spec = deleteRestoredSpec('job-7', 'aurora-cluster', 'shop-aurora-dp-x', 'us-east-1');
    expect(spec.manualSteps.join('\n')).toContain(
      'aws rds delete-db-cluster --region us-east-1 --db-cluster-identifier shop-aurora-dp-x --skip-final-snapshot',
    );
    const rids = await deleteRestored.run(ctx({ aws: acct.aws } as never, c, notes), spec.params as never);
    expect(rids).toEqual(['rid-instance', 'rid-cluster']);
    expect(acct.instances.size).toBe(0);
    expect(acct.clusters.size).toBe(0);
    const deletes = acct.calls.filter((x) => x.startsWith('Delete'));
    expect(deletes[0]).toBe('DeleteDBInstance shop-aurora-dp-x-1');
    expect(deletes[deletes.length - 1]).toBe('DeleteDBCluster shop-aurora-dp-x skip=true');
    expect(notes).toEqual([
      'restore job job-7 COMPLETED; deleting shop-aurora-dp-x',
      'deleting DB instance shop-aurora-dp-x-1 of restored cluster shop-aurora-dp-x',
    ]);
  });

  it('a failed job that made no cluster: nothing to delete is a success', async () => {
    const c = clock();
    const acct = auroraAccount({ now: () => c.monotonicMs() }, { instance: false, job: 'FAILED' });
    acct.clusters.clear();
    await deleteRestored.run(ctx({ aws: acct.aws } as never, c, []), {
      restoreJobId: 'job-8',
      resourceType: 'aurora-cluster',
      name: 'shop-aurora-dp-x',
    });
    expect(acct.calls.filter((x) => x.startsWith('Delete'))).toEqual(['DeleteDBCluster shop-aurora-dp-x skip=true']);
  });
});
