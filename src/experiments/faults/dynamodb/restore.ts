import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { tagsOf } from '../../resources/missing.js';
import { resolvedOf } from '../../resources/registry.js';
import type { CrossCheckContext, Leftover } from '../definition.js';
import { defineFault } from '../definition.js';
import { defineInverse } from '../inverse.js';
import { restoredDbId } from '../rds/restore-naming.js';
import { KEEP_TAG, RESTORED_FROM_TAG, RUN_ID_TAG } from '../tags.js';
import { deleteUntilGone } from '../wait.js';
import { dynamoRestorePlan } from './restore-plan.js';
import { restorePreflight, startRestore, verifyRestore } from './restore-run.js';
import { dynamoRestoreFault } from './restore-schema.js';

const notFound = (err: unknown) => DrillproofError.is(err) && err.code === 'AwsResourceNotFound';

/** Deletes a restored table and waits until it is gone; a table still being restored is retried. */
export const deleteTable = defineInverse({
  action: 'dynamodb.delete-table',
  params: z.object({ table: z.string() }),
  async run(ctx, { table }) {
    // ResourceInUseException: CREATING (the restore is still running) or already DELETING.
    return deleteUntilGone({
      remove: () => ctx.aws.dynamodb.deleteTable({ TableName: table }),
      exists: async () => {
        await ctx.aws.dynamodb.describeTable({ TableName: table });
        return true;
      },
      what: `table ${table}`,
      poll: { clock: ctx.clock, intervalMs: ctx.pollMs, timeoutMs: ctx.waitTimeoutMs },
    });
  },
});

export function deleteTableSpec(table: string, region: string) {
  return deleteTable.spec({ table }, `delete restored table ${table}`, [
    `aws dynamodb delete-table --region ${region} --table-name ${table}`,
  ]);
}

function crossCheck(f: Record<string, unknown>, c: CrossCheckContext): void {
  const hb = typeof f.heartbeatProbe === 'string' ? f.heartbeatProbe : undefined;
  if (hb === undefined) return;
  const p = c.probes.find((x) => x.name === hb);
  if (!p) c.probeRef(hb, ['heartbeatProbe']);
  else if (p.type !== 'dynamodb-heartbeat') {
    c.issue(['heartbeatProbe'], `heartbeatProbe "${hb}" is a ${String(p.type)} probe, not a dynamodb-heartbeat`, hb);
  }
}

/** Tables a drill restored (tagged with its run id) and did not keep on purpose. */
async function restoredTables(aws: AwsApis): Promise<Leftover[]> {
  const list = await aws.dynamodb.listTables({});
  const out: Leftover[] = [];
  for (const name of list.TableNames ?? []) {
    const t = await aws.dynamodb.describeTable({ TableName: name }).catch((err) => {
      if (notFound(err)) return undefined;
      throw err;
    });
    const arn = t?.Table?.TableArn;
    if (!arn || t?.Table?.TableStatus === 'DELETING') continue;
    const tags = tagsOf((await aws.dynamodb.listTagsOfResource({ ResourceArn: arn })).Tags);
    if (!tags[RUN_ID_TAG] || tags[KEEP_TAG] === 'true') continue;
    out.push({
      kind: 'restored-dynamodb-table',
      id: name,
      detail: `restored by run ${tags[RUN_ID_TAG]} from ${tags[RESTORED_FROM_TAG] ?? '?'}`,
      action: `delete DynamoDB table ${name}`,
      inverse: deleteTable.spec({ table: name }, `delete DynamoDB table ${name}`, []),
    });
  }
  return out;
}

/**
 * dynamodb-restore: the BAR-002 drill for DynamoDB. Restores the table to a point in time (or
 * from an on-demand backup) into a new table, waits until it is ACTIVE, verifies it (heartbeat
 * read-back plus the scenario's GetItem / Query checks); RTO = verified − F, RPO = F − the newest
 * heartbeat in the restored table. The restored table is deleted afterwards unless `keep: true`.
 */
export const dynamoRestoreDefinition = defineFault({
  type: 'dynamodb-restore',
  schema: dynamoRestoreFault,
  resourceRefs: [{ key: 'resource', types: ['dynamodb-table'] }],
  crossCheck,
  measuresRestore: true,
  plan: (f, ctx) => dynamoRestorePlan(f, ctx, deleteTable.action),
  async prepare(step, ctx) {
    const table = resolvedOf(ctx.resources, step.resource, 'dynamodb-table', `fault ${step.id} (${step.type})`);
    const newName = step.restoredName ?? restoredDbId(table.id, ctx.runId, step.id);
    const r = { step, table, newName, state: {} };
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'pointInTime' in step.from ? 'dynamodb:RestoreTableToPointInTime' : 'dynamodb:RestoreTableFromBackup',
        targets: [table.id, newName],
        // Journaled before the restore call: a crash right after it still leaves the undo.
        inverse: step.keep ? null : deleteTableSpec(newName, ctx.aws.region),
        preflight: (c) => restorePreflight(c, r),
        run: (c) => startRestore(c, r),
        followUp: (c) => verifyRestore(c, r),
      },
    ];
  },
  inverses: [deleteTable],
  leftovers: { service: 'dynamodb', what: 'DynamoDB tables', find: restoredTables },
  // It impairs nothing: the copy is new, the source table keeps serving (as an RDS restore).
  affects: () => [],
  confirm: {
    async check(action, ctx) {
      const name = action.targets[1] as string;
      const d = await ctx.aws.dynamodb.describeTable({ TableName: name }).catch((err) => {
        if (notFound(err)) return undefined;
        throw err;
      });
      const t = d?.Table;
      const answers = t ? [{ TableName: name, TableStatus: t.TableStatus, RestoreSummary: t.RestoreSummary }] : [];
      if (t?.TableStatus === 'ACTIVE' && t.RestoreSummary?.RestoreInProgress !== true) {
        return { status: 'confirmed', detail: `restored table ${name} is ACTIVE`, answers };
      }
      return {
        status: 'not-confirmed',
        detail: t ? `restored table ${name} is ${t.TableStatus}` : `restored table ${name} does not exist`,
        answers,
      };
    },
  },
});
