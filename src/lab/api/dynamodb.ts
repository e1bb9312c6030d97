import { randomUUID } from 'node:crypto';
import { DDB_TARGET_PREFIX, type DdbBackup, type DynamoLab, ddbError } from '../dynamodb/engine.js';
import type { Item } from '../dynamodb/history.js';
import {
  backup,
  createBackup,
  required,
  restoreFromBackup,
  restoreToPointInTime,
  withRestore,
} from '../dynamodb/restore.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import type { ApiReply, ApiRequest } from './protocol.js';

type Json = Record<string, unknown>;
const secs = (d: Date) => d.getTime() / 1000;

/**
 * dynalite adds `TableThroughputModeSummary` (a name from before DynamoDB's on-demand mode
 * shipped) next to `BillingModeSummary`; DynamoDB's TableDescription has only the latter
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html).
 */
function asDynamoDb(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  for (const k of ['Table', 'TableDescription']) {
    const t = (value as Json)[k];
    if (t && typeof t === 'object') delete (t as Json).TableThroughputModeSummary;
  }
  return value;
}

/** awsJson1_0: `__type` names the error; the SDK maps it to its exception class. */
export function ddbReply(status: number, value: unknown): ApiReply {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(asDynamoDb(value) ?? {}),
  };
}

export function ddbErrorReply(e: ApiError): ApiReply {
  const r = ddbReply(e.status, { __type: `com.amazonaws.dynamodb.v20120810#${e.code}`, message: e.message });
  r.headers['x-amzn-errortype'] = e.code;
  return r;
}

const isRead = (op: string) => /^(Describe|List|Get|Query|Scan|BatchGet)/.test(op);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const TABLE_OPS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan']);

function details(b: DdbBackup): Json {
  return {
    BackupArn: b.arn,
    BackupName: b.name,
    BackupSizeBytes: b.sizeBytes,
    BackupStatus: b.status,
    BackupType: b.type,
    BackupCreationDateTime: secs(b.createdAt),
  };
}

function description(b: DdbBackup): Json {
  const t = b.table;
  return {
    BackupDetails: details(b),
    SourceTableDetails: {
      TableName: b.tableName,
      TableId: t.TableId,
      TableArn: b.tableArn,
      TableSizeBytes: b.sizeBytes,
      KeySchema: t.KeySchema,
      TableCreationDateTime: t.CreationDateTime,
      ProvisionedThroughput: {
        ReadCapacityUnits: (t.ProvisionedThroughput as Json | undefined)?.ReadCapacityUnits ?? 0,
        WriteCapacityUnits: (t.ProvisionedThroughput as Json | undefined)?.WriteCapacityUnits ?? 0,
      },
      ItemCount: b.items.length,
      BillingMode: (t.BillingModeSummary as Json | undefined)?.BillingMode ?? 'PROVISIONED',
    },
    SourceTableFeatureDetails: {
      ...(t.LocalSecondaryIndexes ? { LocalSecondaryIndexes: t.LocalSecondaryIndexes } : {}),
      ...(t.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: t.GlobalSecondaryIndexes } : {}),
    },
  };
}

function continuous(lab: DynamoLab, name: string): Json {
  const meta = lab.tableMeta(name);
  const p = meta.pitr;
  const w = p ? lab.restorableWindow(p) : undefined;
  return {
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: p
        ? {
            PointInTimeRecoveryStatus: 'ENABLED',
            RecoveryPeriodInDays: p.recoveryPeriodInDays,
            EarliestRestorableDateTime: secs(w?.earliest as Date),
            LatestRestorableDateTime: secs(w?.latest as Date),
          }
        : { PointInTimeRecoveryStatus: 'DISABLED' },
    },
  };
}

/** The operations dynalite does not have: continuous backups, PITR, on-demand backups. */
async function own(lab: DynamoLab, op: string, input: Json): Promise<Json | undefined> {
  switch (op) {
    case 'DescribeContinuousBackups':
      return continuous(lab, required(input, 'TableName'));
    case 'UpdateContinuousBackups': {
      const meta = lab.tableMeta(required(input, 'TableName'));
      const spec = input.PointInTimeRecoverySpecification as Json | undefined;
      if (typeof spec?.PointInTimeRecoveryEnabled !== 'boolean') {
        throw ddbError(
          'ValidationException',
          'PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is required',
        );
      }
      const days = spec.RecoveryPeriodInDays === undefined ? 35 : Number(spec.RecoveryPeriodInDays);
      if (!(Number.isInteger(days) && days >= 1 && days <= 35)) {
        throw ddbError(
          'ValidationException',
          `RecoveryPeriodInDays must be 1 to 35, not ${String(spec.RecoveryPeriodInDays)}`,
        );
      }
      if (!spec.PointInTimeRecoveryEnabled) delete meta.pitr;
      else if (!meta.pitr) meta.pitr = { enabledAt: new Date(), recoveryPeriodInDays: days };
      else meta.pitr.recoveryPeriodInDays = days;
      return continuous(lab, meta.name);
    }
    case 'RestoreTableToPointInTime':
      return { TableDescription: await restoreToPointInTime(lab, input) };
    case 'RestoreTableFromBackup':
      return { TableDescription: await restoreFromBackup(lab, input) };
    case 'CreateBackup':
      return {
        BackupDetails: details(await createBackup(lab, required(input, 'TableName'), required(input, 'BackupName'))),
      };
    case 'DescribeBackup':
      return { BackupDescription: description(backup(lab, required(input, 'BackupArn'))) };
    case 'DeleteBackup': {
      const b = backup(lab, required(input, 'BackupArn'));
      b.status = 'DELETED';
      lab.backups.delete(b.arn);
      return { BackupDescription: description(b) };
    }
    case 'ListBackups': {
      const type = String(input.BackupType ?? 'USER');
      const lo = input.TimeRangeLowerBound === undefined ? -Infinity : Number(input.TimeRangeLowerBound) * 1000;
      const hi = input.TimeRangeUpperBound === undefined ? Infinity : Number(input.TimeRangeUpperBound) * 1000;
      const all = [...lab.backups.values()]
        .filter(
          (b) =>
            (input.TableName === undefined || b.tableName === input.TableName) &&
            (type === 'ALL' || b.type === type) &&
            b.createdAt.getTime() >= lo &&
            b.createdAt.getTime() <= hi,
        )
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const start = input.ExclusiveStartBackupArn
        ? all.findIndex((b) => b.arn === input.ExclusiveStartBackupArn) + 1
        : 0;
      const limit = Number(input.Limit ?? 100) || 100;
      const page = all.slice(start, start + limit);
      return {
        BackupSummaries: page.map((b) => ({
          TableName: b.tableName,
          TableId: b.table.TableId,
          TableArn: b.tableArn,
          ...details(b),
        })),
        ...(start + limit < all.length ? { LastEvaluatedBackupArn: page[page.length - 1]?.arn } : {}),
      };
    }
    default:
      return undefined;
  }
}

/** Which (table, key, image) pairs a successful write changed; images are read back for UpdateItem. */
async function recordWrite(lab: DynamoLab, op: string, input: Json, out: Json, at: number): Promise<void> {
  const changes: { table: string; key: Item; image: Item | null | 'read' }[] = [];
  if (op === 'PutItem')
    changes.push({ table: String(input.TableName), key: input.Item as Item, image: input.Item as Item });
  if (op === 'DeleteItem') changes.push({ table: String(input.TableName), key: input.Key as Item, image: null });
  if (op === 'UpdateItem') changes.push({ table: String(input.TableName), key: input.Key as Item, image: 'read' });
  if (op === 'BatchWriteItem') {
    const unprocessed = JSON.stringify(out.UnprocessedItems ?? {});
    for (const [table, reqs] of Object.entries((input.RequestItems ?? {}) as Record<string, Json[]>)) {
      for (const r of reqs) {
        if (unprocessed.includes(JSON.stringify(r))) continue;
        const put = r.PutRequest as { Item: Item } | undefined;
        const del = r.DeleteRequest as { Key: Item } | undefined;
        if (put) changes.push({ table, key: put.Item, image: put.Item });
        if (del) changes.push({ table, key: del.Key, image: null });
      }
    }
  }
  for (const c of changes) {
    const meta = lab.tables.get(c.table);
    if (!meta) continue;
    let image = c.image;
    if (image === 'read') {
      const key = Object.fromEntries(meta.keyNames.map((k) => [k, c.key[k]]));
      const got = await lab.call<{ Item?: Item }>('GetItem', { TableName: c.table, Key: key, ConsistentRead: true });
      image = got.Item ?? null;
    }
    meta.history.record(at, c.key, image);
  }
}

async function forwarded(lab: DynamoLab, op: string, body: string, input: Json): Promise<ApiReply> {
  const table = typeof input.TableName === 'string' ? input.TableName : undefined;
  const meta = table ? lab.tables.get(table) : undefined;
  if (meta?.restore?.inProgress) {
    if (TABLE_OPS.has(op)) throw ddbError('ResourceNotFoundException', 'Requested resource not found');
    if (op === 'DeleteTable' || op === 'UpdateTable') {
      throw ddbError(
        'ResourceInUseException',
        `Attempt to change a resource which is still in use: Table is being restored: ${table}`,
      );
    }
  }
  const send = async () => {
    const r = await lab.forward(op, body);
    const out = r.body ? (JSON.parse(r.body) as Json) : {};
    if (r.status < 300 && WRITES.has(op)) await recordWrite(lab, op, input, out, Date.now());
    return { r, out };
  };
  const { r, out } = WRITES.has(op) ? await lab.serialized(send) : await send();
  if (r.status >= 300)
    return { status: r.status, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: r.body };
  if (op === 'CreateTable') {
    const desc = out.TableDescription as Json;
    lab.track(desc);
    // dynalite drops CreateTable's Tags; DynamoDB keeps them.
    if (Array.isArray(input.Tags) && input.Tags.length > 0) {
      await lab.call('TagResource', { ResourceArn: desc.TableArn, Tags: input.Tags });
    }
  }
  if (op === 'DeleteTable' && table) lab.tables.delete(table);
  if (op === 'DescribeTable' && table) return ddbReply(200, { Table: withRestore(meta, out.Table as Json) });
  return ddbReply(200, out);
}

/** DynamoDB over awsJson1_0 on the lab's API port (`X-Amz-Target: DynamoDB_20120810.<Operation>`). */
export function dynamodbHandler(lab: DynamoLab): (req: ApiRequest) => Promise<ApiReply> {
  return async (req) => {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!target.startsWith(DDB_TARGET_PREFIX)) {
        throw ddbError('UnknownOperationException', `Unknown operation: ${target || '(no X-Amz-Target)'}`);
      }
      const op = target.slice(DDB_TARGET_PREFIX.length);
      if (isReadOnlyKey(req.accessKeyId) && !isRead(op)) throw deniedFor('dynamodb', op);
      let input: Json;
      try {
        input = req.body ? (JSON.parse(req.body) as Json) : {};
      } catch {
        throw ddbError('SerializationException', 'The request body is not valid JSON');
      }
      const mine = await own(lab, op, input);
      if (mine) return ddbReply(200, mine);
      return await forwarded(lab, op, req.body, input);
    } catch (e) {
      if (e instanceof ApiError) {
        return ddbErrorReply(e.code === 'AccessDenied' ? new ApiError('AccessDeniedException', e.message, 400) : e);
      }
      return ddbErrorReply(
        new ApiError('InternalServerError', `internal error in the lab: ${(e as Error)?.message}`, 500),
      );
    }
  };
}
