import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { ApiError } from '../api/errors.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import { type Item, TableHistory } from './history.js';

const require = createRequire(import.meta.url);

export const DDB_TARGET_PREFIX = 'DynamoDB_20120810.';

/** A DynamoDB error as the service names it (`ResourceNotFoundException` ...), sent with `__type`. */
export const ddbError = (code: string, message: string, status = 400) => new ApiError(code, message, status);

export interface PitrState {
  enabledAt: Date;
  recoveryPeriodInDays: number;
}

export interface RestoreState {
  sourceTableArn?: string;
  sourceBackupArn?: string;
  restoreDateTime: Date;
  inProgress: boolean;
}

/** What the lab keeps per table next to dynalite's own state. */
export interface TableMeta {
  name: string;
  arn: string;
  keyNames: string[];
  history: TableHistory;
  pitr?: PitrState;
  restore?: RestoreState;
}

export interface DdbBackup {
  arn: string;
  name: string;
  type: 'USER' | 'SYSTEM' | 'AWS_BACKUP';
  status: 'CREATING' | 'AVAILABLE' | 'DELETED';
  createdAt: Date;
  sizeBytes: number;
  tableName: string;
  tableArn: string;
  /** DescribeTable of the source at backup time (key schema, indexes, billing ...). */
  table: Record<string, unknown>;
  items: Item[];
}

export interface DynamoLabOptions {
  /** LatestRestorableDateTime trails now by this much (AWS: typically about 5 minutes). */
  pitrLagMs: number;
  /** How long a restore or a backup stays CREATING at least. */
  transitionMs: number;
  onError: (what: string, e: unknown) => void;
}

export const tableArn = (name: string) => `arn:aws:dynamodb:${LAB_REGION}:${LAB_ACCOUNT_ID}:table/${name}`;

export function backupArn(table: string, at: Date): string {
  return `${tableArn(table)}/backup/${String(at.getTime()).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
}

/**
 * The lab's DynamoDB: dynalite (an in-memory DynamoDB implementation) serves the table and item
 * operations on a private loopback port; the lab's API port forwards to it and adds what dynalite
 * lacks (continuous backups and point-in-time restore, on-demand backups), recording every write.
 */
export class DynamoLab {
  readonly tables = new Map<string, TableMeta>();
  readonly backups = new Map<string, DdbBackup>();
  private server: Server | undefined;
  private port = 0;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly o: DynamoLabOptions) {}

  async start(): Promise<void> {
    // dynalite names ARNs after these; the lab's account and region, whatever the caller's env says.
    process.env.AWS_ACCOUNT_ID = LAB_ACCOUNT_ID;
    process.env.AWS_REGION = LAB_REGION;
    const dynalite = require('dynalite') as (o: Record<string, unknown>) => Server;
    const fast = Math.min(200, this.o.transitionMs);
    const server = dynalite({ createTableMs: fast, deleteTableMs: fast, updateTableMs: fast });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Sends one operation to dynalite as-is; returns its HTTP answer. */
  async forward(op: string, body: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.port}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${DDB_TARGET_PREFIX}${op}`,
        // dynalite checks that a request is signed, not the signature.
        authorization: `AWS4-HMAC-SHA256 Credential=lab/20260101/${LAB_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
        'x-amz-date': '20260101T000000Z',
      },
      body,
    });
    return { status: res.status, body: await res.text() };
  }

  /** One operation with a JSON result; a dynalite error becomes the same DynamoDB error. */
  async call<T = Record<string, unknown>>(op: string, input: unknown): Promise<T> {
    const r = await this.forward(op, JSON.stringify(input));
    const out = r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
    if (r.status >= 300) {
      const type = String(out.__type ?? 'InternalServerError');
      throw ddbError(type.slice(type.indexOf('#') + 1), String(out.message ?? out.Message ?? ''), r.status);
    }
    return out as T;
  }

  /** Runs writes one at a time, so the recorded order is the order dynalite applied them. */
  serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** Starts tracking a table dynalite just created. */
  track(desc: Record<string, unknown>, extra: Partial<TableMeta> = {}): TableMeta {
    const name = String(desc.TableName);
    const keyNames = ((desc.KeySchema ?? []) as { AttributeName: string; KeyType: string }[])
      .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
      .map((k) => k.AttributeName);
    const meta: TableMeta = {
      name,
      arn: String(desc.TableArn ?? tableArn(name)),
      keyNames,
      history: new TableHistory(keyNames),
      ...extra,
    };
    this.tables.set(name, meta);
    return meta;
  }

  /** TableNotFoundException: what the backup and restore operations answer for a missing table. */
  tableMeta(nameOrArn: string, code = 'TableNotFoundException'): TableMeta {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':table/') + 7) : nameOrArn;
    const t = this.tables.get(name);
    if (!t) throw ddbError(code, `Table not found: ${name}`);
    return t;
  }

  async describe(name: string): Promise<Record<string, unknown>> {
    const r = await this.call<{ Table: Record<string, unknown> }>('DescribeTable', { TableName: name });
    return r.Table;
  }

  /** LatestRestorableDateTime: now minus the lag, never before the earliest restorable time. */
  restorableWindow(p: PitrState, now = Date.now()): { earliest: Date; latest: Date } {
    const earliest = Math.max(p.enabledAt.getTime(), now - p.recoveryPeriodInDays * 86_400_000);
    return { earliest: new Date(earliest), latest: new Date(Math.max(earliest, now - this.o.pitrLagMs)) };
  }
}
