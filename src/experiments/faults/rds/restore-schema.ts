import { z } from 'zod';
import { describeInput, name, secretRef, sslSetting, strict, text } from '../../../scenario/common.js';
import { resourceName, stepShape } from '../step.js';

const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/, {
  error: (iss) => `invalid time ${describeInput(iss.input)}: write RFC 3339, e.g. "2026-01-31T12:00:00Z", or "latest"`,
});

export const restoreSource = z.union(
  [
    z.literal('latest-snapshot').meta({ description: 'The newest available snapshot of the source.' }),
    z.literal('fresh-snapshot').meta({
      description:
        'A snapshot the drill takes of the source right before the restore (after the heartbeat started), named <id>-dp-<run>-<step>; deleted afterwards unless keep: true.',
    }),
    strict({ snapshot: text.meta({ description: 'DB snapshot identifier or ARN.' }) }),
    strict({ pointInTime: z.union([z.literal('latest'), rfc3339]) }),
  ],
  {
    error: (iss) =>
      typeof iss.input === 'string'
        ? `unknown restore source ${describeInput(iss.input)}: use latest-snapshot, fresh-snapshot, {snapshot: id} or {pointInTime: latest | RFC 3339 time}`
        : undefined,
  },
);

const sqlScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const verifyCheck = strict({
  name: name,
  sql: z.string().min(1).meta({ description: 'Read-only query run on the restored database.' }),
  expect: z
    .union([sqlScalar, strict({ rows: z.number().int().min(0) }), strict({ minRows: z.number().int().min(0) })])
    .meta({ description: 'First column of the first row equals this value, or {rows: n} / {minRows: n}.' }),
}).meta({ description: 'A verification query with its expected result.' });

/** How a restore drill connects to the restored database (rds-restore, backup-restore). */
export const restoreConnection = strict({
  port: z.number().int().min(1).max(65535).optional(),
  database: text.optional(),
  user: text.optional(),
  password: secretRef.optional(),
  ssl: sslSetting.optional(),
})
  .optional()
  .meta({ description: 'How to connect to the restored database (default: the heartbeat probe connection).' });

export const rdsRestoreFault = strict({
  ...stepShape,
  type: z.literal('rds-restore'),
  resource: resourceName.meta({ description: 'rds-instance or aurora-cluster resource to restore from.' }),
  from: restoreSource.meta({
    description:
      'latest-snapshot, fresh-snapshot (taken by the drill before the restore), {snapshot: id} or {pointInTime: latest | time}.',
  }),
  instanceClass: text.optional().meta({ description: 'Class of the restored instance, e.g. db.t3.medium.' }),
  restoredId: name.optional().meta({
    description:
      'Identifier of the restored instance (default: <id>-dp-<run>-<step>; iam-policy scopes the restore to <id>-dp-*).',
  }),
  keep: z
    .boolean()
    .default(false)
    .meta({ description: 'Keep the restored database (and a fresh-snapshot snapshot) after the drill.' }),
  heartbeatProbe: name
    .optional()
    .meta({ description: 'Heartbeat probe whose rows are read back from the restore (RPO).' }),
  connection: restoreConnection,
  verify: z.array(verifyCheck).default([]).meta({ description: 'Checks that prove the restore is usable.' }),
}).meta({ description: 'Restore a backup to a new database and verify it (RTO/RPO of a restore).' });

export type RdsRestoreStep = z.infer<typeof rdsRestoreFault>;
export type RestoreSource = z.infer<typeof restoreSource>;
export type VerifyCheck = z.infer<typeof verifyCheck>;

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
