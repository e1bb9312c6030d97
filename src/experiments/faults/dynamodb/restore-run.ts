import { writeFileSync } from 'node:fs';
import { type DynamoCheck, type DynamoItem, runDynamoChecks } from '../../../aws/dynamodb-checks.js';
import { DrillproofError } from '../../../errors.js';
import { readbackFilePath } from '../../../run/files.js';
import type { RestoreVerification } from '../../../run/journal-types.js';
import type { HeartbeatReadback } from '../../../run/samples.js';
import { isoMs } from '../../../util/clock.js';
import type { ResolvedDynamoTable } from '../../resources/dynamodb-table.js';
import { stepFaultTime } from '../fault-time.js';
import { requestIds } from '../inverse.js';
import { KEEP_TAG, RESTORED_FROM_TAG, RUN_ID_TAG } from '../tags.js';
import type { FaultContext, FollowUpResult, PreflightCheckResult } from '../types.js';
import { pollUntil } from '../wait.js';
import type { DynamoRestoreStep } from './restore-schema.js';

/** What one dynamodb-restore step needs at run time, fixed when it is prepared. */
export interface DynamoRestorePlan {
  step: DynamoRestoreStep;
  table: ResolvedDynamoTable;
  newName: string;
  state: { requestedAt?: number };
}

const pitOf = (s: DynamoRestoreStep) => ('pointInTime' in s.from ? s.from.pointInTime : undefined);

/** PITR on and the requested time inside [EarliestRestorableDateTime, LatestRestorableDateTime]. */
export async function restorePreflight(c: FaultContext, r: DynamoRestorePlan): Promise<PreflightCheckResult[]> {
  const out: PreflightCheckResult[] = [
    { check: 'source table', ok: true, detail: `${r.table.id} is ${r.table.status}` },
  ];
  const pit = pitOf(r.step);
  if (pit === undefined) {
    const from = r.step.from as { backup: string };
    const b = await c.aws.dynamodb.describeBackup({ BackupArn: from.backup });
    const status = b.BackupDescription?.BackupDetails?.BackupStatus;
    out.push({
      check: 'backup',
      ok: status === 'AVAILABLE',
      detail: `backup ${from.backup} is ${status ?? 'unknown'}`,
    });
    return out;
  }
  const d = await c.aws.dynamodb.describeContinuousBackups({ TableName: r.table.id });
  const p = d.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (p?.PointInTimeRecoveryStatus !== 'ENABLED') {
    out.push({
      check: 'point-in-time recovery',
      ok: false,
      detail: `point-in-time recovery of ${r.table.id} is ${p?.PointInTimeRecoveryStatus ?? 'DISABLED'}`,
      hint: `enable it (aws dynamodb update-continuous-backups --table-name ${r.table.id} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true) or restore from a backup`,
    });
    return out;
  }
  const lo = p.EarliestRestorableDateTime;
  const hi = p.LatestRestorableDateTime;
  const window = `${lo ? isoMs(lo.getTime()) : '?'} .. ${hi ? isoMs(hi.getTime()) : '?'}`;
  if (pit === 'latest') {
    out.push({ check: 'restore window', ok: !!hi, detail: `restorable ${window}, restoring to the latest` });
    return out;
  }
  const t = Date.parse(pit);
  // A time after the latest restorable time is allowed up to the drill's longest wait: the restore
  // waits until it is restorable (a drill can restore to a moment inside its own heartbeat).
  const now = c.timeline.nowMs();
  const ok = !!lo && !!hi && t >= lo.getTime() && t <= Math.max(hi.getTime(), now + c.waitTimeoutMs);
  out.push({
    check: 'restore window',
    ok,
    detail:
      ok && hi && t > hi.getTime()
        ? `${pit} is after the latest restorable time ${isoMs(hi.getTime())}: the restore waits until it is restorable`
        : `${pit} ${ok ? 'is inside' : 'is outside'} the restorable window ${window}`,
    ...(ok ? {} : { hint: 'pick a pointInTime inside the window, or pointInTime: latest' }),
  });
  return out;
}

/** Waits until LatestRestorableDateTime reaches `t` (a restore time during the drill). */
async function untilRestorable(c: FaultContext, r: DynamoRestorePlan, t: number): Promise<void> {
  await pollUntil(
    async () => {
      const d = await c.aws.dynamodb.describeContinuousBackups({ TableName: r.table.id });
      const hi = d.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.LatestRestorableDateTime;
      return hi && hi.getTime() >= t ? true : undefined;
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      signal: c.signal,
      what: `${isoMs(t)} to be restorable`,
    },
  );
}

/** Tags the restored table (restores take no tags): sweep finds it by the run id tag. */
async function tagRestored(c: FaultContext, r: DynamoRestorePlan, arn: string): Promise<string[]> {
  const Tags = [
    { Key: RUN_ID_TAG, Value: c.runId },
    { Key: RESTORED_FROM_TAG, Value: r.table.id },
    ...(r.step.keep ? [{ Key: KEEP_TAG, Value: 'true' }] : []),
  ];
  return pollUntil(
    async () => {
      try {
        return requestIds(await c.aws.dynamodb.tagResource({ ResourceArn: arn, Tags }));
      } catch (err) {
        if (DrillproofError.is(err) && err.code === 'AwsInvalidState') return undefined;
        throw err;
      }
    },
    { clock: c.clock, intervalMs: c.pollMs, timeoutMs: c.waitTimeoutMs, what: `tagging ${r.newName}` },
  );
}

/** RestoreTableToPointInTime (latest or a time) or RestoreTableFromBackup, then the run id tags. */
export async function startRestore(c: FaultContext, r: DynamoRestorePlan) {
  const pit = pitOf(r.step);
  if (pit !== undefined && pit !== 'latest') await untilRestorable(c, r, Date.parse(pit));
  r.state.requestedAt = c.timeline.nowMs();
  const res =
    pit === undefined
      ? await c.aws.dynamodb.restoreTableFromBackup({
          TargetTableName: r.newName,
          BackupArn: (r.step.from as { backup: string }).backup,
        })
      : await c.aws.dynamodb.restoreTableToPointInTime({
          SourceTableArn: r.table.arn,
          TargetTableName: r.newName,
          ...(pit === 'latest' ? { UseLatestRestorableTime: true } : { RestoreDateTime: new Date(pit) }),
        });
  const arn = res.TableDescription?.TableArn;
  if (!arn) throw DrillproofError.aws('RestoreNoTable', `the restore of ${r.table.id} returned no table ARN`);
  const tagIds = await tagRestored(c, r, arn);
  return { requestIds: [...requestIds(res), ...tagIds], response: { newTable: r.newName, arn } };
}

/** DescribeTable of the restored table until ACTIVE and its restore no longer in progress. */
export async function waitRestored(c: FaultContext, name: string, signal?: AbortSignal) {
  return pollUntil(
    async () => {
      const d = await c.aws.dynamodb.describeTable({ TableName: name }).catch((err) => {
        if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') return undefined;
        throw err;
      });
      const t = d?.Table;
      return t?.TableStatus === 'ACTIVE' && t.RestoreSummary?.RestoreInProgress !== true ? t : undefined;
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      ...(signal ? { signal } : {}),
      what: `restored table ${name} to be ACTIVE`,
    },
  );
}

/** Every heartbeat item of this run in the restored table (partition key = run id), consistent reads. */
async function readBackRestored(c: FaultContext, table: string, hashKey: string, probe: string) {
  const seqs: { seq: number; sentAt: number }[] = [];
  let start: DynamoItem | undefined;
  do {
    const q = await c.aws.dynamodb.query({
      TableName: table,
      KeyConditionExpression: '#pk = :run',
      ExpressionAttributeNames: { '#pk': hashKey },
      ExpressionAttributeValues: { ':run': { S: c.runId } },
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    for (const it of q.Items ?? []) {
      const seq = Number(it.seq?.N);
      const sentAt = Number(it.sent_at?.N);
      if (Number.isFinite(seq) && Number.isFinite(sentAt)) seqs.push({ seq, sentAt });
    }
    start = q.LastEvaluatedKey as DynamoItem | undefined;
  } while (start);
  seqs.sort((a, b) => a.seq - b.seq);
  const readback: HeartbeatReadback = {
    probe,
    runId: c.runId,
    readAt: Math.round(c.timeline.nowMs()),
    source: `dynamodb:${c.aws.region}/${table}`,
    kind: 'restore',
    seqs: seqs.map((s) => s.seq),
    sentAt: seqs.map((s) => s.sentAt),
  };
  writeFileSync(readbackFilePath(c.runDir, probe, 'restore'), `${JSON.stringify(readback)}\n`);
  return readback;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Waits for the restored table, verifies it (heartbeat read-back plus the scenario's GetItem /
 * Query checks) and records the facts its RTO (verified − F) and RPO (F − newest heartbeat in it)
 * are computed from (src/measurements).
 */
export async function verifyRestore(c: FaultContext, r: DynamoRestorePlan): Promise<FollowUpResult> {
  const faultAt = stepFaultTime(c, r.step.id, r.state.requestedAt ?? c.timeline.nowMs());
  const t = await waitRestored(c, r.newName, c.signal);
  const hashKey = t.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const probe = r.step.heartbeatProbe;
  const readback = probe && hashKey ? await readBackRestored(c, r.newName, hashKey, probe) : null;
  const results = await runDynamoChecks(c.aws.dynamodb, r.newName, r.step.verify as unknown as DynamoCheck[]);
  const checks = results.map((x) => ({
    name: x.name,
    ok: x.ok,
    expected: show(x.expected),
    actual: x.error ? `error: ${x.error}` : show(x.actual),
    call: x.call,
  }));
  const verifiedAt = c.timeline.nowMs();
  const newest = readback?.sentAt.length ? Math.max(...readback.sentAt) : null;
  const rows = readback?.seqs.length ?? 0;
  const ok = checks.every((x) => x.ok);
  const facts: RestoreVerification & Record<string, unknown> = {
    restoredInstance: r.newName,
    restoredTable: r.newName,
    restoreDateTime: t.RestoreSummary?.RestoreDateTime ? isoMs(t.RestoreSummary.RestoreDateTime.getTime()) : null,
    faultAt: isoMs(faultAt),
    faultAtMs: faultAt,
    verifiedAt: isoMs(verifiedAt),
    verifiedAtMs: verifiedAt,
    resolutionMs: c.pollMs,
    newestHeartbeatAt: newest === null ? null : isoMs(newest),
    heartbeatRows: rows,
    verification: { ok, checks },
  };
  const failed = checks
    .filter((x) => !x.ok)
    .map((x) => `${x.name} (${x.call}) expected ${x.expected}, got ${x.actual}`);
  return {
    ok,
    detail: ok
      ? `restored table ${r.newName} verified: ${rows} heartbeat items, ${checks.length} check(s) passed`
      : `restored table ${r.newName} failed verification: ${failed.join('; ')}`,
    data: facts,
  };
}
