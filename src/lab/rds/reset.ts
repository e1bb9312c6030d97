import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../node-entry.js';
import { resetRestoredClusters } from './cluster-restore.js';
import { DB_ID, type RdsLab } from './lab-rds.js';
import type { ClusterPair } from './model.js';

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`lab reset: timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Switches a pair back so its primary is the first member again (the initial AZ layout). */
async function switchBack(
  pair: Pick<ClusterPair, 'standbyInSync' | 'primaryIdx' | 'rebuildStandby' | 'failover'>,
): Promise<void> {
  if (!pair.standbyInSync) await pair.rebuildStandby();
  if (pair.primaryIdx !== 0) {
    const { rejoined } = await pair.failover();
    await rejoined;
  }
}

/**
 * Back to the initial topology: restored instances deleted, lab-db and lab-aurora available with the
 * primary / writer in the first lab AZ and a synchronous standby / reader in the second. Data stays.
 */
export async function resetRds(rds: RdsLab): Promise<void> {
  await until(
    () =>
      [...rds.instances.values(), ...rds.clusters.values()].every(
        (x) => !['rebooting', 'creating', 'deleting', 'failing-over'].includes(x.status),
      ),
    120_000,
    'DB operations in progress',
  );
  await resetRestoredClusters(rds);
  for (const i of [...rds.instances.values()]) {
    if (i.kind !== 'single') continue;
    await i.node?.stop('fast');
    rmSync(join(rds.o.pgDir, 'restored', i.id), { recursive: true, force: true });
    rds.instances.delete(i.id);
  }
  const db = rds.instances.get(DB_ID);
  if (db?.pair) {
    db.status = 'rebooting';
    try {
      await switchBack(db.pair);
    } finally {
      db.status = 'available';
    }
  }
  for (const cl of rds.clusters.values()) {
    cl.status = 'failing-over';
    try {
      await switchBack(cl.pair);
    } finally {
      cl.status = 'available';
    }
  }
}
