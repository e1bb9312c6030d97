import { ApiError } from '../api/errors.js';
import { sleep } from '../node-entry.js';
import type { RdsLab } from './lab-rds.js';
import type { DbCluster, DbInstance } from './model.js';

function requireAvailable(i: DbInstance): void {
  if (i.status !== 'available') {
    throw new ApiError('InvalidDBInstanceState', `DB instance ${i.id} is not in available state (it is ${i.status}).`);
  }
}

/**
 * RebootDBInstance. With ForceFailover on a Multi-AZ instance: promote the standby, move the
 * endpoint (events 0013, 0015, 0049), then rebuild the old primary as the standby. The instance
 * stays `rebooting` until the pair is synchronous again.
 */
export function rebootInstance(rds: RdsLab, id: string, forceFailover: boolean): DbInstance {
  const i = rds.instance(id);
  requireAvailable(i);
  if (forceFailover && i.kind !== 'multi-az') {
    throw new ApiError(
      'InvalidParameterCombination',
      `Cannot reboot DB instance ${id} with force failover: it is not configured for Multi-AZ.`,
    );
  }
  const members = rds.memberPair(i);
  if (members && !rds.isClusterWriter(i)) {
    // Rebooting a reader: restart the replica process in place.
    rds.transition(i, 'rebooting', async () => {
      const m = members.members[i.memberIdx ?? 0];
      await m?.node.stop('fast');
      await m?.node.start();
    });
    return i;
  }
  const pair = i.pair ?? members;
  if (forceFailover && pair && !pair.standbyInSync) {
    throw new ApiError(
      'InvalidDBInstanceState',
      `DB instance ${id} has no synchronous standby to fail over to right now.`,
    );
  }
  const fault = forceFailover && i.pair ? rds.failoverFault() : undefined;
  if (fault === 'no-op') {
    // Accepted and shown as rebooting, but nothing happens: the primary stays, no event is written.
    rds.transition(i, 'rebooting', async () => {});
  } else if (fault === 'declined' && i.pair) {
    // RDS declines the forced failover (RDS-EVENT-0034) and reboots the primary in place.
    const multiAz = i.pair;
    rds.transition(i, 'rebooting', async () => {
      rds.events.add('RDS-EVENT-0034', 'db-instance', id, i.arn);
      await multiAz.rebootPrimary();
      rds.events.add('RDS-EVENT-0006', 'db-instance', id, i.arn);
    });
  } else if (forceFailover && i.pair) {
    const multiAz = i.pair;
    rds.transition(i, 'rebooting', async () => {
      rds.events.add('RDS-EVENT-0013', 'db-instance', id, i.arn);
      const { rejoined } = await multiAz.failover(() => {
        rds.events.add('RDS-EVENT-0015', 'db-instance', id, i.arn);
        rds.events.add('RDS-EVENT-0049', 'db-instance', id, i.arn);
      });
      await rejoined;
    });
  } else if (pair) {
    rds.transition(i, 'rebooting', async () => {
      await pair.rebootPrimary();
      rds.events.add('RDS-EVENT-0006', 'db-instance', id, i.arn);
    });
  } else if (i.node) {
    const node = i.node;
    rds.transition(i, 'rebooting', async () => {
      await node.stop('fast');
      await node.start();
      rds.events.add('RDS-EVENT-0006', 'db-instance', id, i.arn);
    });
  }
  return i;
}

/** FailoverDBCluster: the reader is promoted to writer; the old writer rejoins as the reader. */
export function failoverDbCluster(rds: RdsLab, id: string, target?: string): DbCluster {
  const c = rds.cluster(id);
  if (c.status !== 'available') {
    throw new ApiError('InvalidDBClusterStateFault', `DB cluster ${id} is not in available state (it is ${c.status}).`);
  }
  const readerId = c.memberIds[1 - c.pair.primaryIdx] as string;
  if (target !== undefined && target !== readerId) {
    if (!c.memberIds.includes(target)) throw new ApiError('DBInstanceNotFound', `DBInstance ${target} not found.`, 404);
    throw new ApiError('InvalidDBInstanceState', `DB instance ${target} is already the writer of ${id}.`);
  }
  if (!c.pair.standbyInSync) {
    throw new ApiError(
      'InvalidDBClusterStateFault',
      `DB cluster ${id} has no reader in sync to fail over to right now.`,
    );
  }
  c.status = 'failing-over';
  const started = Date.now();
  if (rds.failoverFault() === 'no-op') {
    // Accepted and shown as failing-over, but the writer stays and no failover event is written.
    void sleep(rds.o.transitionMs).then(() => {
      c.status = 'available';
    });
    return c;
  }
  const cross = c.pair.standby.az !== c.pair.primary.az;
  rds.events.add(cross ? 'RDS-EVENT-0073' : 'RDS-EVENT-0072', 'db-cluster', id, c.arn, `: ${readerId}`);
  void (async () => {
    try {
      const { rejoined } = await c.pair.failover();
      await rejoined;
      rds.events.add('RDS-EVENT-0071', 'db-cluster', id, c.arn, `: ${readerId}`);
    } catch (e) {
      rds.o.onError(`failover of ${id}`, e);
    }
    await sleep(Math.max(0, rds.o.transitionMs - (Date.now() - started)));
    c.status = 'available';
  })();
  return c;
}
