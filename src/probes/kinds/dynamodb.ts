import type { AwsTarget } from '../../aws/clients.js';
import { type AttributeValue, createDynamoHeartbeatApi, type DynamoHeartbeatApi } from '../../aws/probe-apis.js';
import { DrillproofError } from '../../errors.js';
import type { ProbeCommon } from '../config.js';
import type { HeartbeatDriver } from './heartbeat/runner.js';

/** A heartbeat into a DynamoDB table: the run id goes into the partition key, seq into the sort key. */
export interface DynamoHeartbeatConfig extends ProbeCommon {
  kind: 'dynamodb-heartbeat';
  table: string;
  /** The table's partition key attribute (type S): holds the run id. */
  partitionKey: string;
  /** The table's sort key attribute (type N, or S with the seq zero-padded to 20 digits). */
  sortKey: string;
  aws: AwsTarget;
  /** Connect timeout (defaults to T). */
  connectTimeoutMs: number;
}

type Item = Record<string, AttributeValue>;

const pad = (n: number) => String(n).padStart(20, '0');

/**
 * DynamoDB heartbeat on the SDK's DynamoDB client. Every PutItem is conditional on the item not
 * existing, so an SDK retry of a write that did land cannot duplicate it, and a retry answered
 * ConditionalCheckFailedException proves the earlier attempt was stored (acknowledged). Reads back
 * with consistent Query on the run's partition.
 */
export class DynamoHeartbeatDriver implements HeartbeatDriver {
  readonly source: string;
  private readonly client: DynamoHeartbeatApi;
  private sortType: Promise<'N' | 'S'> | undefined;

  /** `client`: the DynamoDB calls to use instead of the SDK client built from `cfg.aws` (tests). */
  constructor(
    private readonly cfg: DynamoHeartbeatConfig,
    client?: DynamoHeartbeatApi,
  ) {
    this.source = `dynamodb:${cfg.aws.region}/${cfg.table}`;
    this.client =
      client ??
      createDynamoHeartbeatApi(cfg.aws, {
        // Retries are safe (conditional writes) and stay inside the sample's deadline.
        maxAttempts: 3,
        connectTimeoutMs: Math.min(cfg.connectTimeoutMs, cfg.timeoutMs),
        requestTimeoutMs: cfg.timeoutMs,
      });
  }

  /** The sort key's type, from DescribeTable once (before any write is attempted). */
  private keyType(signal?: AbortSignal): Promise<'N' | 'S'> {
    if (!this.sortType) {
      const p = this.client.describeTable({ TableName: this.cfg.table }, { abortSignal: signal }).then((d) => {
        const t = d.Table;
        const hash = t?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
        const range = t?.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
        const type = (n: string | undefined) =>
          t?.AttributeDefinitions?.find((a) => a.AttributeName === n)?.AttributeType;
        if (hash !== this.cfg.partitionKey || type(hash) !== 'S' || range !== this.cfg.sortKey) {
          throw DrillproofError.user(
            'HeartbeatTableKeys',
            `DynamoDB table ${this.cfg.table} has key ${hash ?? '?'} (${type(hash) ?? '?'}) / ${range ?? 'none'}, not ${this.cfg.partitionKey} (S) / ${this.cfg.sortKey}`,
            {
              hint: `set partitionKey and sortKey to the table's key attributes; the partition key must be a string (it holds the run id) and the table needs a sort key (it holds seq)`,
            },
          );
        }
        const st = type(range);
        if (st !== 'N' && st !== 'S') {
          throw DrillproofError.user(
            'HeartbeatTableKeys',
            `the sort key ${range} of ${this.cfg.table} is ${st}, not N or S`,
            {
              hint: 'use a table whose sort key is a number or a string',
            },
          );
        }
        return st;
      });
      this.sortType = p;
      p.catch(() => {
        if (this.sortType === p) this.sortType = undefined;
      });
    }
    return this.sortType;
  }

  private key(runId: string, seq: number, st: 'N' | 'S'): Item {
    return {
      [this.cfg.partitionKey]: { S: runId },
      [this.cfg.sortKey]: st === 'N' ? { N: String(seq) } : { S: pad(seq) },
    };
  }

  async write(row: { runId: string; seq: number }, signal: AbortSignal, onSent: () => number): Promise<void> {
    const st = await this.keyType(signal);
    if (signal.aborted) throw new Error('deadline passed before the write was sent');
    const sentAt = onSent();
    const item: Item = {
      run_id: { S: row.runId },
      seq: { N: String(row.seq) },
      sent_at: { N: String(sentAt) },
      ...this.key(row.runId, row.seq, st),
    };
    try {
      await this.client.putItem(
        {
          TableName: this.cfg.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': this.cfg.partitionKey },
        },
        { abortSignal: signal },
      );
    } catch (err) {
      const e = err as { name?: string; $metadata?: { attempts?: number } };
      // Only this writer writes this (run id, seq): the item exists because an earlier attempt
      // of this very call was stored before its answer was lost.
      if (e.name === 'ConditionalCheckFailedException' && (e.$metadata?.attempts ?? 1) > 1) return;
      throw err;
    }
  }

  /** Every heartbeat of the run in `table` (default: the probe's table), consistent reads, by seq. */
  async readBack(
    runId: string,
    timeoutMs: number,
    table = this.cfg.table,
  ): Promise<{ seqs: number[]; sentAt: number[] }> {
    const signal = AbortSignal.timeout(timeoutMs);
    const rows: { seq: number; sentAt: number }[] = [];
    let start: Item | undefined;
    do {
      const r = await this.client.query(
        {
          TableName: table,
          KeyConditionExpression: '#pk = :run',
          ExpressionAttributeNames: { '#pk': this.cfg.partitionKey },
          ExpressionAttributeValues: { ':run': { S: runId } },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        },
        { abortSignal: signal },
      );
      for (const it of r.Items ?? []) {
        const seq = Number(it.seq?.N);
        const sentAt = Number(it.sent_at?.N);
        if (Number.isFinite(seq) && Number.isFinite(sentAt)) rows.push({ seq, sentAt });
      }
      start = r.LastEvaluatedKey;
    } while (start);
    rows.sort((a, b) => a.seq - b.seq);
    return { seqs: rows.map((r) => r.seq), sentAt: rows.map((r) => r.sentAt) };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
