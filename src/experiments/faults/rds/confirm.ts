import { rdsEventIdOf } from '../../watchers/rds-event-ids.js';
import type { ConfirmationResult } from '../definition.js';
import type { FaultAction, FaultContext } from '../types.js';

/**
 * RDS confirmations, one look at AWS each (the engine polls). DescribeEvents is read from the
 * second the fault call was issued (event times may be whole seconds).
 */
async function eventsSince(ctx: FaultContext, action: FaultAction, sourceType: 'db-instance' | 'db-cluster') {
  const id = action.targets[0] as string;
  const since = new Date(Math.floor((action.requestedAt ?? ctx.timeline.nowMs()) / 1000) * 1000);
  const ev = await ctx.aws.rds.describeEvents({ SourceIdentifier: id, SourceType: sourceType, StartTime: since });
  return (ev.Events ?? []).map((e) => ({
    eventId: rdsEventIdOf(e.Message) ?? null,
    date: e.Date?.toISOString() ?? null,
    message: e.Message ?? '',
  }));
}

/**
 * A Multi-AZ failover: confirmed when the primary's AZ moved (DescribeDBInstances, against the AZ
 * before the fault in `basis().az`) or RDS-EVENT-0049 (failover completed) was written; declined
 * on RDS-EVENT-0034 (RDS abandoned the requested failover). An action that skipped the call
 * (az-impairment with the primary outside the AZ) is confirmed by the primary's AZ before it.
 */
export async function instanceFailedOver(action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> {
  const b = action.basis?.() ?? {};
  const id = action.targets[0] as string;
  if (typeof b.skippedBecause === 'string') {
    return { status: 'confirmed', detail: `nothing to fail over: ${b.skippedBecause}`, answers: [{ ...b }] };
  }
  const events = await eventsSince(ctx, action, 'db-instance');
  const eventAnswer = { call: 'rds:DescribeEvents', sourceIdentifier: id, events };
  const declined = events.find((e) => e.eventId === 'RDS-EVENT-0034');
  if (declined) {
    return { status: 'declined', detail: `RDS-EVENT-0034: ${declined.message}`, answers: [eventAnswer] };
  }
  const db = (await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: id })).DBInstances?.[0];
  const now = { az: db?.AvailabilityZone ?? null, secondaryAz: db?.SecondaryAvailabilityZone ?? null };
  const dbAnswer = { call: 'rds:DescribeDBInstances', id, status: db?.DBInstanceStatus, before: b.az ?? null, ...now };
  const moved = b.az !== undefined && b.az !== null && now.az !== null && now.az !== b.az;
  const completed = events.find((e) => e.eventId === 'RDS-EVENT-0049');
  if (moved || completed) {
    const how = moved ? `primary moved ${b.az} → ${now.az}` : `RDS-EVENT-0049: ${completed?.message}`;
    return { status: 'confirmed', detail: `${id}: ${how}`, answers: [dbAnswer, eventAnswer] };
  }
  return {
    status: 'not-confirmed',
    detail: `${id}: primary still in ${now.az ?? '?'} (was ${b.az ?? '?'}), no failover-completed event (RDS-EVENT-0049)`,
    answers: [dbAnswer, eventAnswer],
  };
}

/** An Aurora failover: confirmed when the cluster's writer is another instance than `basis().writer`. */
export async function clusterFailedOver(action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> {
  const b = action.basis?.() ?? {};
  if (typeof b.skippedBecause === 'string') {
    return { status: 'confirmed', detail: `nothing to fail over: ${b.skippedBecause}`, answers: [{ ...b }] };
  }
  const id = action.targets[0] as string;
  const c = (await ctx.aws.rds.describeDBClusters({ DBClusterIdentifier: id })).DBClusters?.[0];
  const writer = c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier ?? null;
  const events = await eventsSince(ctx, action, 'db-cluster');
  const answers = [
    { call: 'rds:DescribeDBClusters', id, status: c?.Status, writerBefore: b.writer ?? null, writer },
    { call: 'rds:DescribeEvents', sourceIdentifier: id, events },
  ];
  const changed = writer !== null && b.writer !== undefined && writer !== b.writer;
  return {
    status: changed ? 'confirmed' : 'not-confirmed',
    detail: changed ? `${id}: writer ${b.writer} → ${writer}` : `${id}: writer still ${writer ?? '?'}`,
    answers,
  };
}

/**
 * A restore happened when RDS reports the restored instance `available`. Whether its data is
 * right is the verification's finding (the follow-up): a copy that fails its checks is a failed
 * drill (exit 4), the most useful answer a restore drill can give, not an unconfirmed one.
 */
export async function restoredInstanceAvailable(action: FaultAction, ctx: FaultContext): Promise<ConfirmationResult> {
  const newId = action.targets[1] as string;
  const b = action.basis?.() ?? {};
  const status = (await ctx.aws.rds.describeDBInstances({ DBInstanceIdentifier: newId })).DBInstances?.[0]
    ?.DBInstanceStatus;
  const answers = [{ call: 'rds:DescribeDBInstances', id: newId, status, verified: b.verified ?? null }];
  const ok = status === 'available';
  const checked = b.verified === true ? ', verified' : b.verified === false ? ', failed verification' : '';
  return {
    status: ok ? 'confirmed' : 'not-confirmed',
    detail: `${newId} ${status ?? '?'}${checked}`,
    answers,
  };
}
