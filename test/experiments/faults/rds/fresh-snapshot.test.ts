import { describe, expect, it } from 'vitest';
import { rdsRestoreDefinition } from '../../../../src/experiments/faults/rds/restore.js';
import { restoredDbId } from '../../../../src/experiments/faults/rds/restore-naming.js';
import { rdsRestoreFault } from '../../../../src/experiments/faults/rds/restore-schema.js';
import type { FaultContext } from '../../../../src/experiments/faults/types.js';

const RUN = '20261122T074500Z-lab-rds-snapshot-restore-3f9a';

function ctxFor(): FaultContext {
  const db = {
    name: 'db',
    type: 'rds-instance',
    id: 'lab-db',
    status: 'available',
    multiAz: true,
    az: 'us-east-1a',
    secondaryAz: 'us-east-1b',
    endpoint: { host: '127.0.0.1', port: 5432 },
    tags: {},
  };
  return { runId: RUN, aws: { region: 'us-east-1' }, resources: new Map([['db', db]]) } as unknown as FaultContext;
}

const step = (extra: Record<string, unknown> = {}) =>
  rdsRestoreFault.parse({ id: 'restore', type: 'rds-restore', resource: 'db', from: 'fresh-snapshot', ...extra });

describe('rds-restore from: fresh-snapshot', () => {
  it('the schema takes fresh-snapshot next to latest-snapshot and names both in its error', () => {
    expect(step().from).toBe('fresh-snapshot');
    expect(step({ from: 'latest-snapshot' }).from).toBe('latest-snapshot');
    const bad = rdsRestoreFault.safeParse({ id: 'r', type: 'rds-restore', resource: 'db', from: 'fresh' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('fresh-snapshot');
  });

  it('takes the snapshot before the fault, named by the restore naming rule, its deletion journaled first', async () => {
    const [a] = await rdsRestoreDefinition.prepare(step({ restoredId: 'my-copy' }) as never, ctxFor(), undefined);
    // The fault (F) is the restore; the snapshot is the preparation before it.
    expect(a?.action).toBe('rds:RestoreDBInstanceFromDBSnapshot');
    expect(a?.targets).toEqual(['lab-db', 'my-copy']);
    const id = restoredDbId('lab-db', RUN, 'restore');
    expect(id).toBe('lab-db-dp-20261122t074500z-3f9a-restore');
    expect(a?.before?.description).toBe(`take DB snapshot ${id} of lab-db`);
    expect(a?.before?.inverse).toMatchObject({ action: 'rds.delete-snapshot', params: { id } });
    expect(a?.before?.inverse?.manualSteps).toEqual([
      `aws rds delete-db-snapshot --region us-east-1 --db-snapshot-identifier ${id}`,
    ]);
    expect(a?.inverse).toMatchObject({ action: 'rds.delete-instance', params: { id: 'my-copy' } });
  });

  it('keep: true keeps the snapshot like the restored instance (no inverse for either)', async () => {
    const [a] = await rdsRestoreDefinition.prepare(step({ keep: true }) as never, ctxFor(), undefined);
    expect(a?.before).toBeDefined();
    expect(a?.before?.inverse).toBeNull();
    expect(a?.inverse).toBeNull();
  });

  it('latest-snapshot takes no snapshot', async () => {
    const [a] = await rdsRestoreDefinition.prepare(step({ from: 'latest-snapshot' }) as never, ctxFor(), undefined);
    expect(a?.before).toBeUndefined();
  });
});
