import { writeFileSync } from 'node:fs';
import { DrillproofError } from '../../../errors.js';
import { readbackFilePath } from '../../../run/files.js';
import type { RestoreVerification } from '../../../run/journal-types.js';
import type { HeartbeatReadback } from '../../../run/samples.js';
import { isoMs } from '../../../util/clock.js';
import { scrubSecrets } from '../../../util/secrets.js';
import type { ResolvedDbInstance } from '../../resources/rds-instance.js';
import { stepFaultTime } from '../fault-time.js';
import { requestIds } from '../inverse.js';
import { KEEP_TAG, RESTORED_FROM_TAG, RUN_ID_TAG } from '../tags.js';
import type { FaultContext, FollowUpResult, PreflightCheckResult } from '../types.js';
import { pollUntil } from '../wait.js';
import { waitDbAvailable } from './await-available.js';
import type { RestorePoint } from './fresh-snapshot.js';
import { judgeCheck, type RdsRestoreStep, type VerifyCheck } from './restore-schema.js';

/** What one restore step needs at run time, fixed when it is prepared. */
export interface RestorePlan {
  step: RdsRestoreStep;
  db: ResolvedDbInstance;
  newId: string;
  /** `latest` or an RFC 3339 time for a point-in-time restore; undefined: a snapshot restore. */
  pit: string | undefined;
  /** fresh-snapshot: the snapshot the drill takes before the restore. */
  freshSnapshotId?: string;
  state: { snapshotId?: string; point?: RestorePoint; requestedAt?: number; verified?: boolean };
}

/** The snapshot to restore and its creation time (the RPO basis when the copy holds no heartbeat). */
async function pickSnapshot(
  c: FaultContext,
  r: RestorePlan,
): Promise<{ id: string; point?: RestorePoint } | undefined> {
  const from = r.step.from;
  const named = typeof from === 'object' && 'snapshot' in from ? from.snapshot : undefined;
  const res = await c.aws.rds
    .describeDBSnapshots(named ? { DBSnapshotIdentifier: named } : { DBInstanceIdentifier: r.db.id })
    .catch((err) => {
      // A snapshot shared from another account is not described by its ARN: restored by name, no basis.
      if (named) return { DBSnapshots: undefined };
      throw err;
    });
  if (named && res.DBSnapshots === undefined) return { id: named };
  const snaps = (res.DBSnapshots ?? [])
    .filter((s) => s.Status === 'available' && s.DBSnapshotIdentifier)
    .sort((a, b) => (a.SnapshotCreateTime?.getTime() ?? 0) - (b.SnapshotCreateTime?.getTime() ?? 0));
  const s = snaps[snaps.length - 1];
  if (!s?.DBSnapshotIdentifier) return undefined;
  return {
    // A named snapshot is restored by the name (or ARN) the scenario gave.
    id: named ?? s.DBSnapshotIdentifier,
    point: { arn: s.DBSnapshotArn ?? s.DBSnapshotIdentifier, createdAtMs: s.SnapshotCreateTime?.getTime() ?? null },
  };
}

async function choose(c: FaultContext, r: RestorePlan): Promise<void> {
  const picked = await pickSnapshot(c, r);
  r.state.snapshotId = picked?.id;
  r.state.point = picked?.point;
}

export async function restorePreflight(c: FaultContext, r: RestorePlan): Promise<PreflightCheckResult[]> {
  const out: PreflightCheckResult[] = [{ check: 'source db', ok: true, detail: `${r.db.id} is ${r.db.status}` }];
  if (r.freshSnapshotId) {
    out.push({
      check: 'snapshot',
      ok: true,
      detail: `a fresh snapshot ${r.freshSnapshotId} of ${r.db.id} is taken right before the restore`,
    });
  } else if (!r.pit) {
    await choose(c, r);
    out.push({
      check: 'snapshot',
      ok: !!r.state.snapshotId,
      detail: r.state.snapshotId
        ? `restoring from snapshot ${r.state.snapshotId}`
        : `no available snapshot of ${r.db.id}`,
    });
  } else if (r.pit !== 'latest' && Number.isNaN(Date.parse(r.pit))) {
    out.push({ check: 'point in time', ok: false, detail: `pointInTime ${r.pit} is not RFC 3339 or latest` });
  }
  const checks = r.step.verify;
  const probe = r.step.heartbeatProbe ?? c.db?.defaultProbe();
  if (checks.length || probe) {
    out.push({
      check: 'verification access',
      ok: !!c.db && (!!probe || checks.length === 0),
      detail: c.db ? `verifying through probe ${probe ?? '(none)'}` : 'no heartbeat probe to connect with',
    });
  }
  return out;
}

/** RestoreDBInstanceToPointInTime or RestoreDBInstanceFromDBSnapshot, tagged with the run id. */
export async function startRestore(c: FaultContext, r: RestorePlan) {
  r.state.requestedAt = c.timeline.nowMs();
  const common = {
    ...(r.step.instanceClass ? { DBInstanceClass: r.step.instanceClass } : {}),
    Tags: [
      { Key: RUN_ID_TAG, Value: c.runId },
      { Key: RESTORED_FROM_TAG, Value: r.db.id },
      // sweep deletes restored instances it finds, except the ones kept on purpose.
      ...(r.step.keep ? [{ Key: KEEP_TAG, Value: 'true' }] : []),
    ],
    MultiAZ: false,
  };
  if (r.pit) {
    const res = await c.aws.rds.restoreDBInstanceToPointInTime({
      SourceDBInstanceIdentifier: r.db.id,
      TargetDBInstanceIdentifier: r.newId,
      ...(r.pit === 'latest' ? { UseLatestRestorableTime: true } : { RestoreTime: new Date(r.pit) }),
      ...common,
    });
    return { requestIds: requestIds(res), response: { newId: r.newId } };
  }
  if (!r.state.snapshotId && !r.freshSnapshotId) await choose(c, r);
  if (!r.state.snapshotId) throw DrillproofError.user('SnapshotMissing', `no available snapshot of ${r.db.id}`);
  const res = await c.aws.rds.restoreDBInstanceFromDBSnapshot({
    DBInstanceIdentifier: r.newId,
    DBSnapshotIdentifier: r.state.snapshotId,
    ...common,
  });
  return { requestIds: requestIds(res), response: { newId: r.newId, snapshotId: r.state.snapshotId } };
}

/** What verification needs of a restore: rds-restore and backup-restore share it. */
export interface VerifyTarget {
  step: Pick<RdsRestoreStep, 'id' | 'verify' | 'heartbeatProbe' | 'connection'>;
  newId: string;
  /** `point`: the snapshot or recovery point restored, when known. */
  state: { requestedAt?: number; verified?: boolean; point?: RestorePoint | undefined };
  /** Where the restored copy answers once it serves (default: the instance `newId`, once available). */
  endpoint?: () => Promise<{ host: string; port: number }>;
}

async function instanceEndpoint(c: FaultContext, id: string): Promise<{ host: string; port: number }> {
  await waitDbAvailable(c, id, 'instance', c.signal);
  const desc = await c.aws.rds.describeDBInstances({ DBInstanceIdentifier: id });
  const ep = desc.DBInstances?.[0]?.Endpoint;
  if (!ep?.Address) throw DrillproofError.aws('RestoreNoEndpoint', `restored instance ${id} has no endpoint`);
  return { host: ep.Address, port: ep.Port ?? 5432 };
}

/**
 * The run record's facts of the restored snapshot or recovery point: RPO = F − its creation time
 * when the copy holds no heartbeat row (src/measurements/rpo.ts `recoveryPointRpo`).
 */
export function restorePointFacts(point: RestorePoint | undefined) {
  return {
    recoveryPointArn: point?.arn,
    recoveryPointCreatedAt: point?.createdAtMs == null ? null : isoMs(point.createdAtMs),
    recoveryPointCreatedAtMs: point?.createdAtMs ?? null,
  };
}

type CheckResult = { name: string; ok: boolean; expected: string; actual: string };

async function runChecks(
  c: FaultContext,
  r: VerifyTarget,
  probe: string | undefined,
  endpoint: { host: string; port: number },
) {
  const results: CheckResult[] = [];
  for (const chk of r.step.verify as VerifyCheck[]) {
    try {
      const rows = (await c.db?.query(probe as string, endpoint, chk.sql, r.step.connection)) ?? [];
      results.push({ name: chk.name, ...judgeCheck(chk.expect, rows) });
    } catch (err) {
      results.push({
        name: chk.name,
        ok: false,
        expected: JSON.stringify(chk.expect),
        actual: `error: ${(err as Error).message}`,
      });
    }
  }
  return results;
}

/** The database accepts connections a moment after `available`: the first read is retried. */
async function readBackRestored(
  c: FaultContext,
  r: VerifyTarget,
  probe: string,
  endpoint: { host: string; port: number },
): Promise<HeartbeatReadback> {
  const readback = await pollUntil(
    async () => {
      try {
        return await c.db?.readBack(probe, endpoint, r.step.connection);
      } catch {
        return undefined;
      }
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      signal: c.signal,
      what: `${r.newId} to accept connections`,
    },
  );
  const line = scrubSecrets(JSON.stringify({ ...readback, kind: 'restore' }));
  writeFileSync(readbackFilePath(c.runDir, probe, 'restore'), `${line}\n`);
  return readback;
}

/**
 * Waits for the restored copy, connects, verifies (heartbeat read-back plus the scenario's SQL
 * checks) and records the facts its RTO and RPO are computed from (src/measurements).
 */
export async function verifyRestore(c: FaultContext, r: VerifyTarget): Promise<FollowUpResult> {
  const faultAt = stepFaultTime(c, r.step.id, r.state.requestedAt ?? c.timeline.nowMs());
  const endpoint = r.endpoint ? await r.endpoint() : await instanceEndpoint(c, r.newId);
  const probe = r.step.heartbeatProbe ?? c.db?.defaultProbe();
  if (!c.db || (!probe && r.step.verify.length)) {
    return {
      ok: false,
      detail: `restored ${r.newId} is available but drillproof has no heartbeat probe to connect with`,
    };
  }
  const readback = probe ? await readBackRestored(c, r, probe, endpoint) : null;
  const results = await runChecks(c, r, probe, endpoint);
  const verifiedAt = c.timeline.nowMs();
  const newest = readback?.sentAt.length ? Math.max(...readback.sentAt) : null;
  const rows = readback?.seqs.length ?? 0;
  // Verified = every check passed; a restore without rows of this run leaves the RPO unmeasured
  // (the objective then fails), it does not make the restore itself unusable.
  const ok = results.every((x) => x.ok);
  const facts: RestoreVerification & Record<string, unknown> = {
    restoredInstance: r.newId,
    endpoint: `${endpoint.host}:${endpoint.port}`,
    faultAt: isoMs(faultAt),
    faultAtMs: faultAt,
    verifiedAt: isoMs(verifiedAt),
    verifiedAtMs: verifiedAt,
    resolutionMs: c.pollMs,
    newestHeartbeatAt: newest === null ? null : isoMs(newest),
    heartbeatRows: rows,
    verification: { ok, checks: results },
    ...(r.state.point ? restorePointFacts(r.state.point) : {}),
  };
  r.state.verified = ok;
  const failed = results.filter((x) => !x.ok).map((x) => `${x.name} expected ${x.expected}, got ${x.actual}`);
  return {
    ok,
    detail: ok
      ? `restored ${r.newId} verified: ${rows} heartbeat rows, ${results.length} check(s) passed`
      : `restored ${r.newId} failed verification: ${failed.join('; ')}`,
    data: facts,
  };
}
