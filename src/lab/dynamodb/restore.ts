import { sleep } from '../node-entry.js';
import { backupArn, type DdbBackup, type DynamoLab, ddbError, type TableMeta } from './engine.js';
import type { Item } from './history.js';

type Json = Record<string, unknown>;

/** The overrides RestoreTableToPointInTime and RestoreTableFromBackup both take. */
export interface RestoreOverrides {
  BillingModeOverride?: string;
  GlobalSecondaryIndexOverride?: Json[];
  LocalSecondaryIndexOverride?: Json[];
  ProvisionedThroughputOverride?: Json;
  SSESpecificationOverride?: Json;
}

const indexIn = (i: Json) => ({
  IndexName: i.IndexName,
  KeySchema: i.KeySchema,
  Projection: i.Projection,
  ...(i.ProvisionedThroughput
    ? {
        ProvisionedThroughput: {
          ReadCapacityUnits: (i.ProvisionedThroughput as Json).ReadCapacityUnits,
          WriteCapacityUnits: (i.ProvisionedThroughput as Json).WriteCapacityUnits,
        },
      }
    : {}),
});

/** CreateTable input that rebuilds `source` (a DescribeTable answer) under a new name. */
function createInput(target: string, source: Json, o: RestoreOverrides): Json {
  const billing =
    o.BillingModeOverride ?? ((source.BillingModeSummary as Json | undefined)?.BillingMode as string) ?? 'PROVISIONED';
  const pt = source.ProvisionedThroughput as Json | undefined;
  const gsis =
    o.GlobalSecondaryIndexOverride ?? ((source.GlobalSecondaryIndexes as Json[] | undefined) ?? []).map(indexIn);
  const lsis =
    o.LocalSecondaryIndexOverride ?? ((source.LocalSecondaryIndexes as Json[] | undefined) ?? []).map(indexIn);
  return {
    TableName: target,
    AttributeDefinitions: source.AttributeDefinitions,
    KeySchema: source.KeySchema,
    BillingMode: billing,
    ...(billing === 'PROVISIONED'
      ? {
          ProvisionedThroughput: o.ProvisionedThroughputOverride ?? {
            ReadCapacityUnits: Math.max(1, Number(pt?.ReadCapacityUnits ?? 1)),
            WriteCapacityUnits: Math.max(1, Number(pt?.WriteCapacityUnits ?? 1)),
          },
        }
      : {}),
    ...(gsis.length > 0
      ? {
          GlobalSecondaryIndexes:
            billing === 'PROVISIONED' ? gsis : gsis.map(({ ProvisionedThroughput: _p, ...g }) => g),
        }
      : {}),
    ...(lsis.length > 0 ? { LocalSecondaryIndexes: lsis.map(({ ProvisionedThroughput: _p, ...l }) => l) } : {}),
  };
}

/**
 * Creates `target` from `items`: the table exists at once (CREATING, with its RestoreSummary) and
 * becomes ACTIVE once every item is written, as a DynamoDB restore does. Data-plane calls on it
 * answer ResourceNotFoundException until then.
 */
export async function restoreInto(
  lab: DynamoLab,
  target: string,
  source: Json,
  items: Item[],
  summary: { sourceTableArn?: string; sourceBackupArn?: string; restoreDateTime: Date },
  o: RestoreOverrides,
): Promise<Json> {
  if (lab.tables.has(target)) throw ddbError('TableAlreadyExistsException', `Table already exists: ${target}`);
  const created = await lab.call<{ TableDescription: Json }>('CreateTable', createInput(target, source, o));
  const meta = lab.track(created.TableDescription, { restore: { ...summary, inProgress: true } });
  const started = Date.now();
  void (async () => {
    try {
      while ((await lab.describe(target)).TableStatus !== 'ACTIVE') await sleep(20);
      for (let i = 0; i < items.length; i += 25) {
        const chunk = items.slice(i, i + 25);
        await lab.call('BatchWriteItem', {
          RequestItems: { [target]: chunk.map((Item) => ({ PutRequest: { Item } })) },
        });
      }
      const at = Date.now();
      for (const it of items) meta.history.record(at, it, it);
      await sleep(Math.max(0, lab.o.transitionMs - (Date.now() - started)));
      if (meta.restore) meta.restore.inProgress = false;
    } catch (e) {
      lab.o.onError(`restore of table ${target}`, e);
      lab.tables.delete(target);
      await lab.call('DeleteTable', { TableName: target }).catch(() => {});
    }
  })();
  return withRestore(meta, created.TableDescription);
}

/** A DescribeTable / CreateTable answer as DynamoDB shows a restored table: status and RestoreSummary. */
export function withRestore(meta: TableMeta | undefined, desc: Json): Json {
  if (!meta?.restore) return desc;
  const r = meta.restore;
  return {
    ...desc,
    TableStatus: r.inProgress ? 'CREATING' : desc.TableStatus,
    RestoreSummary: {
      ...(r.sourceBackupArn ? { SourceBackupArn: r.sourceBackupArn } : {}),
      ...(r.sourceTableArn ? { SourceTableArn: r.sourceTableArn } : {}),
      RestoreDateTime: r.restoreDateTime.getTime() / 1000,
      RestoreInProgress: r.inProgress,
    },
  };
}

/** RestoreTableToPointInTime: the source's items as of the restore time, from its recorded writes. */
export async function restoreToPointInTime(lab: DynamoLab, input: Json & RestoreOverrides): Promise<Json> {
  const target = required(input, 'TargetTableName');
  const src = input.SourceTableArn ?? input.SourceTableName;
  if (typeof src !== 'string') {
    throw ddbError('ValidationException', 'One of SourceTableArn or SourceTableName must be provided');
  }
  const meta = lab.tableMeta(src);
  if (!meta.pitr) {
    throw ddbError(
      'PointInTimeRecoveryUnavailableException',
      `Point in time recovery is not enabled for table '${meta.name}'`,
    );
  }
  const latest = input.UseLatestRestorableTime === true;
  if (latest === (input.RestoreDateTime !== undefined)) {
    throw ddbError(
      'ValidationException',
      'Exactly one of RestoreDateTime or UseLatestRestorableTime=true must be provided',
    );
  }
  const w = lab.restorableWindow(meta.pitr);
  const t = latest ? w.latest : new Date(Number(input.RestoreDateTime) * 1000);
  if (Number.isNaN(t.getTime()) || t < w.earliest || t > w.latest) {
    throw ddbError(
      'InvalidRestoreTimeException',
      `Invalid restore time specified. RestoreDateTime must be between ${w.earliest.toISOString()} and ${w.latest.toISOString()}`,
    );
  }
  const source = await lab.describe(meta.name);
  const items = meta.history.stateAt(t.getTime());
  return restoreInto(lab, target, source, items, { sourceTableArn: meta.arn, restoreDateTime: t }, input);
}

/** CreateBackup (and AWS Backup's DynamoDB backups): the table's items now, AVAILABLE after a moment. */
export async function createBackup(
  lab: DynamoLab,
  tableName: string,
  name: string,
  type: DdbBackup['type'] = 'USER',
  arn?: string,
): Promise<DdbBackup> {
  const meta = lab.tableMeta(tableName);
  if (meta.restore?.inProgress) throw ddbError('TableInUseException', `Table is being restored: ${meta.name}`);
  const table = await lab.describe(meta.name);
  const createdAt = new Date();
  const items = meta.history.stateAt(createdAt.getTime());
  const b: DdbBackup = {
    arn: arn ?? backupArn(meta.name, createdAt),
    name,
    type,
    status: 'CREATING',
    createdAt,
    sizeBytes: Buffer.byteLength(JSON.stringify(items)),
    tableName: meta.name,
    tableArn: meta.arn,
    table,
    items,
  };
  lab.backups.set(b.arn, b);
  setTimeout(() => {
    if (b.status === 'CREATING') b.status = 'AVAILABLE';
  }, lab.o.transitionMs).unref();
  return b;
}

export function backup(lab: DynamoLab, arn: unknown): DdbBackup {
  const b = typeof arn === 'string' ? lab.backups.get(arn) : undefined;
  if (!b || b.status === 'DELETED') throw ddbError('BackupNotFoundException', `Backup not found: ${String(arn)}`);
  return b;
}

export async function restoreFromBackup(lab: DynamoLab, input: Json & RestoreOverrides): Promise<Json> {
  const target = required(input, 'TargetTableName');
  const b = backup(lab, required(input, 'BackupArn'));
  if (b.status !== 'AVAILABLE') throw ddbError('BackupInUseException', `Backup is being created: ${b.arn}`);
  return restoreInto(
    lab,
    target,
    b.table,
    b.items,
    { sourceBackupArn: b.arn, sourceTableArn: b.tableArn, restoreDateTime: b.createdAt },
    input,
  );
}

export function required(input: Json, name: string): string {
  const v = input[name];
  if (typeof v !== 'string' || v === '') {
    throw ddbError(
      'ValidationException',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}
