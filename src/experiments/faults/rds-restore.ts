import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DrillproofError } from '../../errors.js';
import type { HeartbeatReadback } from '../../probes/sample.js';
import { isoMs } from '../../util/clock.js';
import { restoredDbId } from '../restore-naming.js';
import { waitDbAvailable } from './inverses.js';
import { dbOf } from './rds.js';
import type { FaultContext, FaultRuntime, FaultStep, FollowUpResult } from './types.js';
import { pollUntil } from './wait.js';

type RestoreFrom = 'latest-snapshot' | { snapshot: string } | { pointInTime: string };

export interface VerifyCheck {
  name: string;
  sql: string;
  expect: string | number | boolean | null | { rows: number } | { minRows: number };
}

/** Judges one verification query: a scalar compares the first column of the first row. */
export function judgeCheck(
  expect: VerifyCheck['expect'],
  rows: unknown[][],
): { ok: boolean; expected: string; actual: string } {
  if (expect !== null && typeof expect === 'object') {
    if ('rows' in expect)
      return { ok: rows.length === expect.rows, expected: `${expect.rows} rows`, actual: `${rows.length} rows` };
    return { ok: rows.length >= expect.minRows, expected: `>= ${expect.minRows} rows`, actual: `${rows.length} rows` };
  }
  const v = rows[0]?.[0];
  const actual = rows.length === 0 ? '(no row)' : v === null || v === undefined ? 'null' : String(v);
  const expected = expect === null ? 'null' : String(expect);
  return { ok: rows.length > 0 && actual === expected, expected, actual };
}

/**
 * rds-restore: the BAR-002 drill. Restores a new instance from the latest snapshot or to a point
 * in time, waits until it is available, connects, verifies (heartbeat read-back plus the
 * scenario's SQL checks), and measures restore RTO (verified − F) and RPO (F − newest heartbeat
 * found). The restored instance is deleted afterwards unless `keep: true`.
 */
export const rdsRestoreRuntime: FaultRuntime = {
  type: 'rds-restore',
  iamActions: [
    'rds:RestoreDBInstanceToPointInTime',
    'rds:RestoreDBInstanceFromDBSnapshot',
    'rds:DescribeDBSnapshots',
    'rds:DescribeDBInstances',
    'rds:DeleteDBInstance',
    'rds:AddTagsToResource',
  ],
  async prepare(step, ctx) {
    if (ctx.resources.get(step.resource ?? '')?.type === 'aurora-cluster') {
      throw DrillproofError.user(
        'RestoreAuroraUnsupported',
        `fault ${step.id}: restoring an Aurora cluster is not supported yet`,
        {
          hint: 'point rds-restore at an rds-instance resource',
        },
      );
    }
    const db = dbOf(step, ctx, 'rds-instance');
    const from = (step.from ?? 'latest-snapshot') as RestoreFrom;
    const keep = step.keep === true;
    const newId = typeof step.restoredId === 'string' ? step.restoredId : restoredDbId(db.id, ctx.runId, step.id);
    const checks = (step.verify as VerifyCheck[] | undefined) ?? [];
    const instanceClass = step.instanceClass as string | undefined;
    let snapshotId: string | undefined;
    let requestedAt: number | undefined;
    const tags = [
      { Key: 'drillproof:run-id', Value: ctx.runId },
      { Key: 'drillproof:restored-from', Value: db.id },
      // sweep deletes restored instances it finds, except the ones kept on purpose.
      ...(keep ? [{ Key: 'drillproof:keep', Value: 'true' }] : []),
    ];
    const pickSnapshot = async (c: FaultContext): Promise<string | undefined> => {
      if (typeof from === 'object' && 'snapshot' in from) return from.snapshot;
      const res = await c.aws.rds.describeDBSnapshots({ DBInstanceIdentifier: db.id });
      const snaps = (res.DBSnapshots ?? [])
        .filter((s) => s.Status === 'available' && s.DBSnapshotIdentifier)
        .sort((a, b) => (a.SnapshotCreateTime?.getTime() ?? 0) - (b.SnapshotCreateTime?.getTime() ?? 0));
      return snaps[snaps.length - 1]?.DBSnapshotIdentifier;
    };
    const pit = typeof from === 'object' && 'pointInTime' in from ? from.pointInTime : undefined;
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: pit ? 'rds:RestoreDBInstanceToPointInTime' : 'rds:RestoreDBInstanceFromDBSnapshot',
        targets: [db.id, newId],
        inverse: keep
          ? null
          : {
              action: 'rds.delete-instance',
              params: { id: newId },
              description: `delete restored instance ${newId}`,
              manualSteps: [
                `aws rds delete-db-instance --region ${ctx.aws.region} --db-instance-identifier ${newId} --skip-final-snapshot --delete-automated-backups`,
              ],
            },
        preflight: async (c) => {
          const out = [{ check: 'source db', ok: true, detail: `${db.id} is ${db.status}` }];
          if (!pit) {
            snapshotId = await pickSnapshot(c);
            out.push({
              check: 'snapshot',
              ok: !!snapshotId,
              detail: snapshotId ? `restoring from snapshot ${snapshotId}` : `no available snapshot of ${db.id}`,
            });
          } else if (pit !== 'latest' && Number.isNaN(Date.parse(pit))) {
            out.push({ check: 'point in time', ok: false, detail: `pointInTime ${pit} is not RFC 3339 or latest` });
          }
          const probe = (step.heartbeatProbe as string | undefined) ?? c.db?.defaultProbe();
          if (checks.length || probe) {
            out.push({
              check: 'verification access',
              ok: !!c.db && (!!probe || checks.length === 0),
              detail: c.db ? `verifying through probe ${probe ?? '(none)'}` : 'no heartbeat probe to connect with',
            });
          }
          return out;
        },
        run: async (c) => {
          requestedAt = c.timeline.nowMs();
          const common = {
            ...(instanceClass ? { DBInstanceClass: instanceClass } : {}),
            Tags: tags,
            MultiAZ: false,
          };
          if (pit) {
            const res = await c.aws.rds.restoreDBInstanceToPointInTime({
              SourceDBInstanceIdentifier: db.id,
              TargetDBInstanceIdentifier: newId,
              ...(pit === 'latest' ? { UseLatestRestorableTime: true } : { RestoreTime: new Date(pit) }),
              ...common,
            });
            return { requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [], response: { newId } };
          }
          snapshotId ??= await pickSnapshot(c);
          if (!snapshotId) throw DrillproofError.user('SnapshotMissing', `no available snapshot of ${db.id}`);
          const res = await c.aws.rds.restoreDBInstanceFromDBSnapshot({
            DBInstanceIdentifier: newId,
            DBSnapshotIdentifier: snapshotId,
            ...common,
          });
          return {
            requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [],
            response: { newId, snapshotId },
          };
        },
        watch: [{ source: 'rds', sourceType: 'db-instance', id: newId }],
        followUp: (c) => verifyRestore(c, step, newId, checks, requestedAt ?? c.timeline.nowMs()),
      },
    ];
  },
};

async function verifyRestore(
  c: FaultContext,
  step: FaultStep,
  newId: string,
  checks: VerifyCheck[],
  faultAt: number,
): Promise<FollowUpResult> {
  await waitDbAvailable(c, newId, 'instance', c.signal);
  const desc = await c.aws.rds.describeDBInstances({ DBInstanceIdentifier: newId });
  const ep = desc.DBInstances?.[0]?.Endpoint;
  if (!ep?.Address) throw DrillproofError.aws('RestoreNoEndpoint', `restored instance ${newId} has no endpoint`);
  const endpoint = { host: ep.Address, port: ep.Port ?? 5432 };
  const probe = (step.heartbeatProbe as string | undefined) ?? c.db?.defaultProbe();
  if (!c.db || (!probe && checks.length)) {
    return {
      ok: false,
      detail: `restored ${newId} is available but drillproof has no heartbeat probe to connect with`,
    };
  }
  // The database accepts connections a moment after `available`: retry the first read.
  let readback: HeartbeatReadback | null = null;
  if (probe) {
    readback = await pollUntil(
      async () => {
        try {
          return await c.db?.readBack(probe, endpoint, connectionOf(step));
        } catch {
          return undefined;
        }
      },
      {
        clock: c.clock,
        intervalMs: c.pollMs,
        timeoutMs: c.waitTimeoutMs,
        signal: c.signal,
        what: `${newId} to accept connections`,
      },
    );
    writeFileSync(
      join(c.runDir, 'samples', `${probe}.restore.readback.json`),
      `${JSON.stringify({ ...readback, kind: 'restore' })}\n`,
    );
  }
  const results: { name: string; ok: boolean; expected: string; actual: string }[] = [];
  for (const chk of checks) {
    try {
      const rows = await c.db.query(probe as string, endpoint, chk.sql, connectionOf(step));
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
  const verifiedAt = c.timeline.nowMs();
  const newest = readback?.sentAt.length ? Math.max(...readback.sentAt) : null;
  const rows = readback?.seqs.length ?? 0;
  // Verified = every check passed; a restore without rows of this run leaves the RPO unmeasured
  // (the objective then fails), it does not make the restore itself unusable.
  const ok = results.every((r) => r.ok);
  return {
    ok,
    detail: ok
      ? `restored ${newId} verified: ${rows} heartbeat rows, ${results.length} check(s) passed`
      : `restored ${newId} failed verification: ${results
          .filter((r) => !r.ok)
          .map((r) => `${r.name} expected ${r.expected}, got ${r.actual}`)
          .join('; ')}`,
    data: {
      restoredInstance: newId,
      endpoint: `${endpoint.host}:${endpoint.port}`,
      faultAt: isoMs(faultAt),
      verifiedAt: isoMs(verifiedAt),
      rtoSeconds: ok ? (verifiedAt - faultAt) / 1000 : null,
      newestHeartbeatAt: newest === null ? null : isoMs(newest),
      rpoSeconds: newest === null ? null : Math.max(0, (faultAt - newest) / 1000),
      heartbeatRows: rows,
      verification: { ok, checks: results },
    },
  };
}

function connectionOf(step: FaultStep): Record<string, unknown> | undefined {
  return step.connection && typeof step.connection === 'object'
    ? (step.connection as Record<string, unknown>)
    : undefined;
}
