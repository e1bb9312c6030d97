import { DrillproofError } from '../../../errors.js';
import type { RestoreVerification } from '../../../run/journal-types.js';
import { isoMs } from '../../../util/clock.js';
import { stepFaultTime } from '../fault-time.js';
import { requestIds } from '../inverse.js';
import { restorePointFacts, verifyRestore } from '../rds/restore-run.js';
import type { FaultContext, FollowUpResult, PreflightCheckResult } from '../types.js';
import { pollUntil } from '../wait.js';
import { type AuroraFacts, serveRestoredCluster } from './aurora.js';
import {
  auroraInstanceId,
  chooseRecoveryPoint,
  DEFAULT_AURORA_INSTANCE_CLASS,
  isContinuous,
  restoreMetadata,
} from './choose.js';
import { deleteRestoredSpec, type RestoredKind } from './inverses.js';
import { AWS_BACKUP_TYPE, type BackupRestoreStep } from './schema.js';

/** What one backup-restore step needs at run time, fixed when it is prepared. */
export interface BackupRun {
  step: BackupRestoreStep & { resourceType: RestoredKind };
  sourceArn: string;
  newId: string;
  state: {
    requestedAt?: number;
    point?: { arn: string; createdAtMs: number | null };
    jobId?: string;
    job?: { status: string; createdResourceArn?: string };
    /** Aurora: the restored cluster as the job left it and the instance the drill created in it. */
    aurora?: AuroraFacts;
  };
}

const TERMINAL = ['COMPLETED', 'FAILED', 'ABORTED'];

async function pickPoint(c: FaultContext, r: BackupRun): Promise<BackupRun['state']['point']> {
  const choice = r.step.recoveryPoint;
  if (typeof choice === 'object' && 'arn' in choice) {
    const rp = await c.aws.backup.describeRecoveryPoint({
      BackupVaultName: r.step.vault,
      RecoveryPointArn: choice.arn,
    });
    // A continuous point restores to a time, not to its creation: its age is not the data lost.
    const t = isContinuous(choice.arn) ? null : (rp.CreationDate?.getTime() ?? null);
    return rp.Status === 'COMPLETED' || rp.Status === 'AVAILABLE' ? { arn: choice.arn, createdAtMs: t } : undefined;
  }
  const res = await c.aws.backup.listRecoveryPointsByBackupVault({
    BackupVaultName: r.step.vault,
    ByResourceArn: r.sourceArn,
  });
  const p = chooseRecoveryPoint(res.RecoveryPoints ?? [], choice);
  return p?.RecoveryPointArn ? { arn: p.RecoveryPointArn, createdAtMs: p.CreationDate?.getTime() ?? null } : undefined;
}

export async function backupPreflight(c: FaultContext, r: BackupRun): Promise<PreflightCheckResult[]> {
  r.state.point = await pickPoint(c, r);
  const when = typeof r.step.recoveryPoint === 'object' && 'before' in r.step.recoveryPoint;
  const out: PreflightCheckResult[] = [
    {
      check: 'recovery point',
      ok: !!r.state.point,
      detail: r.state.point
        ? `restoring ${r.state.point.arn}${r.state.point.createdAtMs === null ? '' : ` (created ${isoMs(r.state.point.createdAtMs)})`}`
        : `no completed recovery point of ${r.sourceArn} in vault ${r.step.vault}${when ? ' before the given time' : ''}`,
      ...(r.state.point
        ? {}
        : { hint: 'run a backup job first (aws backup start-backup-job) or change recoveryPoint' }),
    },
  ];
  if (r.step.resourceType !== 'dynamodb-table' && (r.step.verify.length || r.step.heartbeatProbe)) {
    const probe = r.step.heartbeatProbe ?? c.db?.defaultProbe();
    out.push({
      check: 'verification access',
      ok: !!c.db && !!probe,
      detail: c.db && probe ? `verifying through probe ${probe}` : 'no heartbeat probe to connect with',
    });
  }
  return out;
}

/** GetRecoveryPointRestoreMetadata, then StartRestoreJob with the new name and the overrides. */
export async function startBackupRestore(c: FaultContext, r: BackupRun) {
  r.state.requestedAt = c.timeline.nowMs();
  r.state.point ??= await pickPoint(c, r);
  const point = r.state.point;
  if (!point) throw DrillproofError.user('RecoveryPointMissing', `no completed recovery point of ${r.sourceArn}`);
  const md = await c.aws.backup.getRecoveryPointRestoreMetadata({
    BackupVaultName: r.step.vault,
    RecoveryPointArn: point.arn,
  });
  const metadata = restoreMetadata(r.step, md.RestoreMetadata ?? {}, r.newId);
  const res = await c.aws.backup.startRestoreJob({
    RecoveryPointArn: point.arn,
    IamRoleArn: r.step.iamRoleArn,
    ResourceType: AWS_BACKUP_TYPE[r.step.resourceType],
    Metadata: metadata,
  });
  r.state.jobId = res.RestoreJobId;
  const jobId = res.RestoreJobId;
  return {
    requestIds: requestIds(md, res),
    response: { restoreJobId: jobId, recoveryPointArn: point.arn, newId: r.newId },
    // With the job id, the undo waits for the job to end before it deletes (it cannot be cancelled).
    ...(r.step.keep || !jobId
      ? {}
      : { lateInverse: deleteRestoredSpec(jobId, r.step.resourceType, r.newId, c.aws.region) }),
  };
}

/** DescribeRestoreJob until COMPLETED, FAILED or ABORTED; its states and PercentDone as they went. */
async function followJob(c: FaultContext, r: BackupRun) {
  const seen: { at: string; status: string; percentDone?: string }[] = [];
  const job = await pollUntil(
    async () => {
      const j = await c.aws.backup.describeRestoreJob({ RestoreJobId: r.state.jobId as string });
      const last = seen[seen.length - 1];
      if (!last || last.status !== j.Status || last.percentDone !== j.PercentDone) {
        seen.push({
          at: isoMs(c.timeline.nowMs()),
          status: j.Status ?? '?',
          ...(j.PercentDone ? { percentDone: j.PercentDone } : {}),
        });
      }
      return TERMINAL.includes(j.Status ?? '') ? j : undefined;
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      signal: c.signal,
      what: `restore job ${r.state.jobId}`,
    },
  );
  r.state.job = {
    status: job.Status ?? '?',
    ...(job.CreatedResourceArn ? { createdResourceArn: job.CreatedResourceArn } : {}),
  };
  return { job, seen };
}

/** The table ACTIVE with at least minItems items (Scan COUNT over every page). */
async function verifyTable(c: FaultContext, r: BackupRun): Promise<FollowUpResult> {
  await pollUntil(
    async () =>
      (await c.aws.dynamodb.describeTable({ TableName: r.newId })).Table?.TableStatus === 'ACTIVE' ? true : undefined,
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      signal: c.signal,
      what: `table ${r.newId} to be ACTIVE`,
    },
  );
  let items = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await c.aws.dynamodb.scan({
      TableName: r.newId,
      Select: 'COUNT',
      ...(start ? { ExclusiveStartKey: start as never } : {}),
    });
    items += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  const faultAt = stepFaultTime(c, r.step.id, r.state.requestedAt ?? c.timeline.nowMs());
  const verifiedAt = c.timeline.nowMs();
  const checks = [
    { name: 'table-active', ok: true, expected: 'ACTIVE', actual: 'ACTIVE' },
    { name: 'items', ok: items >= r.step.minItems, expected: `>= ${r.step.minItems} items`, actual: `${items} items` },
  ];
  const ok = checks.every((x) => x.ok);
  const facts: RestoreVerification & Record<string, unknown> = {
    restoredInstance: r.newId,
    faultAt: isoMs(faultAt),
    faultAtMs: faultAt,
    verifiedAt: isoMs(verifiedAt),
    verifiedAtMs: verifiedAt,
    resolutionMs: c.pollMs,
    items,
    verification: { ok, checks },
  };
  return {
    ok,
    detail: ok
      ? `restored table ${r.newId} verified: ACTIVE, ${items} items`
      : `restored table ${r.newId} failed verification: expected >= ${r.step.minItems} items, got ${items}`,
    data: facts,
  };
}

/** PutRestoreValidationResult so AWS Backup shows the verdict; a failure to report is recorded, not fatal. */
async function reportValidation(c: FaultContext, r: BackupRun, v: FollowUpResult) {
  const status = v.ok ? 'SUCCESSFUL' : 'FAILED';
  try {
    await c.aws.backup.putRestoreValidationResult({
      RestoreJobId: r.state.jobId as string,
      ValidationStatus: status,
      ValidationStatusMessage: `drillproof run ${c.runId}: ${v.detail}`.slice(0, 1000),
    });
    return { status, reported: true };
  } catch (err) {
    return { status, reported: false, error: (err as Error).message };
  }
}

/** Aurora: an instance in the restored cluster (AWS Backup makes none), then the cluster endpoint. */
function serveCluster(c: FaultContext, r: BackupRun) {
  const o = {
    cluster: r.newId,
    instance: auroraInstanceId(r.newId),
    instanceClass: r.step.overrides?.instanceClass ?? DEFAULT_AURORA_INSTANCE_CLASS,
  };
  return serveRestoredCluster(c, o, (f) => {
    r.state.aurora = f;
  });
}

/**
 * Follows the restore job, verifies what it created, reports the verdict back to AWS Backup and
 * records the facts the restore RTO (verified − F) and RPO (F − recovery point creation; F − H
 * from the heartbeat read back) are computed from.
 */
export async function verifyBackupRestore(c: FaultContext, r: BackupRun): Promise<FollowUpResult> {
  const { job, seen } = await followJob(c, r);
  const base = {
    restoreJobId: r.state.jobId,
    ...restorePointFacts(r.state.point),
    restoreJob: { status: job.Status, createdResourceArn: job.CreatedResourceArn ?? null, states: seen },
  };
  if (job.Status !== 'COMPLETED') {
    return {
      ok: false,
      detail: `restore job ${r.state.jobId} ${job.Status}: ${job.StatusMessage ?? 'no message'}`,
      data: base,
    };
  }
  const target = { step: r.step, newId: r.newId, state: r.state };
  const v =
    r.step.resourceType === 'dynamodb-table'
      ? await verifyTable(c, r)
      : r.step.resourceType === 'aurora-cluster'
        ? await verifyRestore(c, { ...target, endpoint: () => serveCluster(c, r) })
        : await verifyRestore(c, target);
  const validation = await reportValidation(c, r, v);
  const aurora = r.state.aurora ? { aurora: r.state.aurora } : {};
  return { ...v, data: { ...(v.data ?? {}), ...base, ...aurora, validation } };
}
