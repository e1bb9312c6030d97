import { call, known, type PlanContext } from '../../plan/context.js';
import type { AwsCall, FaultPlan } from '../../plan/types.js';
import { dynamoTableArns } from '../../resources/dynamodb-table.js';
import { restoredDbPattern } from '../rds/restore-naming.js';
import { M, planTarget, S } from '../step.js';
import type { DynamoRestoreStep } from './restore-schema.js';

/**
 * The item actions a restore needs on the new table: DynamoDB writes the restored items (and the
 * drill reads them) with the caller's permissions (DynamoDB developer guide, IAM with backup and
 * restore: read and write permissions on the target table are necessary).
 */
const ITEM_ACTIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'GetItem', 'Query', 'Scan', 'BatchWriteItem'];

/** The service authorization reference names a table's streams as a required resource type of the tag actions too. */
const withStreams = (tables: string[]) => [...tables, ...tables.map((a) => `${a}/stream/*`)];

/** The plan of a dynamodb-restore step. */
export function dynamoRestorePlan(f: DynamoRestoreStep, ctx: PlanContext, inverseAction: string): FaultPlan {
  const r = ctx.resources[f.resource] as { type: string; name?: string; tags?: unknown } | undefined;
  const table = r?.type === 'dynamodb-table' ? r.name : undefined;
  const pattern = f.restoredName ?? (known(table) ? restoredDbPattern(table) : '*');
  const source = dynamoTableArns(ctx, table);
  const target = dynamoTableArns(ctx, pattern);
  const pit = 'pointInTime' in f.from ? f.from.pointInTime : undefined;
  const backup = 'backup' in f.from ? f.from.backup : undefined;
  const backupArns = backup && known(backup) ? [backup] : source.map((a) => `${a}/backup/*`);
  // Resolving the table reads its tags (the guardrails' required tag), found by name or by tags.
  const byTags: AwsCall[] =
    r?.type === 'dynamodb-table'
      ? [
          ...(table ? [] : [call('dynamodb', 'ListTables', ['*'], { note: 'find the table by its tags' })]),
          call('dynamodb', 'ListTagsOfResource', withStreams(source), {
            note: table ? 'the tags of the table' : 'the tags of each table',
          }),
        ]
      : [];
  const preflight: AwsCall[] = [
    ...byTags,
    call('dynamodb', 'DescribeTable', source, { note: 'the source table exists; its ARN' }),
    pit === undefined
      ? call('dynamodb', 'DescribeBackup', backupArns, { note: 'the backup is AVAILABLE' })
      : call('dynamodb', 'DescribeContinuousBackups', source, {
          note: 'point-in-time recovery is enabled and the restore window covers the time',
        }),
  ];
  const inject: AwsCall[] = [
    pit === undefined
      ? call('dynamodb', 'RestoreTableFromBackup', [...backupArns, ...target])
      : call('dynamodb', 'RestoreTableToPointInTime', [...source, ...target], {
          params: pit === 'latest' ? { UseLatestRestorableTime: true } : { RestoreDateTime: pit },
        }),
    ...ITEM_ACTIONS.map((op) =>
      call('dynamodb', op, target, { note: 'the restore writes the items into the new table as the caller' }),
    ),
    call('dynamodb', 'TagResource', withStreams(target), {
      note: 'tag the restore with the run id so leftovers can be found',
    }),
  ];
  const n = f.verify.length;
  const what = pit === undefined ? `backup ${backup}` : `point in time ${pit}`;
  return {
    title: `restore DynamoDB table ${table ?? f.resource} from ${what}`,
    description: `Restores ${what} to a new table (${pattern}), waits until it is ACTIVE, then runs ${n} verification check${n === 1 ? '' : 's'}${f.heartbeatProbe ? ` and reads back heartbeat ${f.heartbeatProbe}` : ''}.`,
    targets: [planTarget(ctx, f.resource)],
    preflight,
    inject,
    watch: [
      call('dynamodb', 'DescribeTable', target, { note: 'restore status (ACTIVE, RestoreInProgress)' }),
      call('dynamodb', 'Query', target, { note: 'heartbeat read-back and verification' }),
    ],
    inverse: f.keep
      ? null
      : { description: 'delete the restored table', awsCalls: [call('dynamodb', 'DeleteTable', target)] },
    inverseActions: f.keep ? [] : [inverseAction],
    destructive: true,
    recoveryTypicalMs: ctx.lab ? 5 * S : 30 * M,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 2 * S, max: 60 * S },
    notes: f.keep ? ['keep: true, the restored table is left in place'] : [],
    recoveredWhen: 'recovered when the restored table is ACTIVE and answers the verification checks correctly',
  };
}
