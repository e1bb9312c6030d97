import { z } from 'zod';
import { strict } from '../../../scenario/common.js';
import { call, type PlanContext, tagged } from '../../plan/context.js';
import type { AwsCall } from '../../plan/types.js';
import { dbInstanceArns, type ResolvedDbInstance } from '../../resources/rds-instance.js';
import { resolvedOf, selectorOf } from '../../resources/registry.js';
import { confirmByAction, defineFault } from '../definition.js';
import { requestIds } from '../inverse.js';
import { planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction, PreflightCheckResult } from '../types.js';
import { awaitAvailable, awaitAvailablePlanParts, awaitInstanceSpec } from './await-available.js';
import { instanceFailedOver } from './confirm.js';

export const rdsFailoverFault = strict({ ...stepShape, type: z.literal('rds-failover'), resource: resourceName }).meta({
  description: 'Reboot a Multi-AZ DB instance with failover (the standby becomes primary).',
});

export const rdsEventsCall = call('rds', 'DescribeEvents', ['*'], {
  note: 'RDS events by EventID (failover, restore)',
});

function multiAzCheck(db: ResolvedDbInstance, awayFrom?: string): PreflightCheckResult {
  return {
    check: 'multi-az',
    ok: db.multiAz,
    detail: db.multiAz
      ? `${db.id} is Multi-AZ (primary ${db.az ?? '?'}, standby ${db.secondaryAz ?? '?'})`
      : `${db.id} is not Multi-AZ: ${awayFrom ? `it cannot fail over away from ${awayFrom}` : 'a forced failover is impossible'}`,
    ...(db.multiAz ? {} : { hint: 'enable Multi-AZ on the instance or choose another fault' }),
  };
}

/**
 * The failover action: RebootDBInstance with ForceFailover, its wait-until-available inverse
 * journaled first. With `onlyIfPrimaryIn` (az-impairment) it fails over only when the primary is
 * in that AZ: a real AZ loss would not move a primary that is elsewhere.
 */
export function instanceFailoverAction(
  db: ResolvedDbInstance,
  o: { stepId: string; fault: string; region: string; onlyIfPrimaryIn?: string },
): FaultAction {
  const az = o.onlyIfPrimaryIn;
  return {
    stepId: o.stepId,
    fault: o.fault,
    action: 'rds:RebootDBInstance',
    targets: [db.id],
    inverse: awaitInstanceSpec(db.id, o.region),
    preflight: async () => [
      multiAzCheck(db, az),
      { check: 'db available', ok: db.status === 'available', detail: `${db.id} is ${db.status}` },
    ],
    run: async (c) => {
      if (az !== undefined && db.az !== az) {
        return { requestIds: [], response: { skipped: `primary of ${db.id} is in ${db.az}, not ${az}` } };
      }
      return {
        requestIds: requestIds(await c.aws.rds.rebootDBInstance({ DBInstanceIdentifier: db.id, ForceFailover: true })),
      };
    },
    watch: [
      { source: 'rds', sourceType: 'db-instance', id: db.id },
      ...(db.endpoint ? [{ source: 'dns' as const, hostname: db.endpoint.host }] : []),
    ],
    basis: () => ({
      az: db.az,
      secondaryAz: db.secondaryAz,
      ...(az !== undefined && db.az !== az
        ? { skippedBecause: `DescribeDBInstances before the fault: primary of ${db.id} in ${db.az}, not ${az}` }
        : {}),
    }),
  };
}

/** The plan's inject call of a forced failover. */
export function instanceFailoverCall(ctx: PlanContext, id: string | undefined, note?: string): AwsCall {
  return call('rds', 'RebootDBInstance', dbInstanceArns(ctx, id), {
    ...tagged(ctx),
    params: { ForceFailover: true },
    ...(note ? { note } : {}),
  });
}

/** rds-failover: RebootDBInstance with ForceFailover. Undo = wait until available again. */
export const rdsFailoverDefinition = defineFault({
  type: 'rds-failover',
  schema: rdsFailoverFault,
  resourceRefs: [{ key: 'resource', types: ['rds-instance'] }],
  plan(f, ctx) {
    const id = selectorOf(ctx.resources, f.resource, 'rds-instance')?.id;
    return {
      title: `fail over RDS instance ${id ?? f.resource}`,
      description: 'Reboots the Multi-AZ DB instance with failover: the standby in the other AZ becomes primary.',
      targets: [planTarget(ctx, f.resource)],
      preflight: [call('rds', 'DescribeDBInstances', ['*'], { note: 'instance available and Multi-AZ' })],
      inject: [instanceFailoverCall(ctx, id)],
      watch: [rdsEventsCall, call('rds', 'DescribeDBInstances', ['*'], { note: 'status and AZ' })],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 5 * S : 90 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      ...awaitAvailablePlanParts(ctx, 'instance'),
      notes: ['the former standby stays primary (fail back with another drill if needed)'],
    };
  },
  async prepare(step, ctx) {
    const db = resolvedOf(ctx.resources, step.resource, 'rds-instance', `fault ${step.id} (${step.type})`);
    return [instanceFailoverAction(db, { stepId: step.id, fault: step.type, region: ctx.aws.region })];
  },
  inverses: [awaitAvailable],
  affects: (step) => [step.resource],
  confirm: confirmByAction({ 'rds:RebootDBInstance': instanceFailedOver }),
});
