import { DrillproofError } from '../../../errors.js';
import type { HeartbeatReadback } from '../../../run/samples.js';
import type { AnchoredClock } from '../../../util/clock.js';
import { errorDetail } from '../../classify.js';
import type { DbConnectionConfig, ProbeCommon } from '../../config.js';
import type { ProbeAttempt, ProbeOutcome, ProbeRunner } from '../../runner.js';

export interface HeartbeatProbeConfig extends ProbeCommon {
  /** The scenario probe kind, e.g. `postgres-heartbeat`. */
  kind: string;
  /** Schema (PostgreSQL) or database (MySQL) holding the heartbeat table; created if missing. */
  schema: string;
  table: string;
  connection: DbConnectionConfig;
  /** Connect timeout (defaults to T). */
  connectTimeoutMs: number;
}

/** A database behind the heartbeat writer (PostgreSQL or MySQL). */
export interface HeartbeatDriver {
  /** host:port/database, never credentials. */
  readonly source: string;
  /**
   * Inserts one row in its own transaction. Calls `onSent` just before the statement goes to the
   * server (after a connection is available) and writes the sent_at (epoch ms) it returns: from
   * then on the write is attempted. Rejects on any error and then drops the connection, so the
   * next write reconnects.
   */
  write(row: { runId: string; seq: number }, signal: AbortSignal, onSent: () => number): Promise<void>;
  readBack(runId: string, timeoutMs: number): Promise<{ seqs: number[]; sentAt: number[] }>;
  close(): Promise<void>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkIdentifier(what: string, name: string): string {
  if (!IDENT.test(name)) {
    throw DrillproofError.user('HeartbeatIdentifierInvalid', `${what} "${name}" is not a plain sql identifier`, {
      hint: 'use letters, digits and underscores, starting with a letter (e.g. drillproof)',
    });
  }
  return name;
}

/**
 * Heartbeat writer: every Δw inserts (run_id, seq, sent_at) through the application's endpoint.
 * Every write is attempted (statement sent), acknowledged (commit returned) or indeterminate
 * (error or timeout after sending). A write that could not even get a connection is not attempted.
 */
/** What the heartbeat writer needs of its probe's configuration (SQL, DynamoDB or Redis). */
export type HeartbeatWriterConfig = Pick<ProbeCommon, 'name' | 'timeoutMs'> & {
  kind: HeartbeatProbeConfig['kind'] | 'dynamodb-heartbeat' | 'redis-heartbeat';
};

export class HeartbeatProbe implements ProbeRunner {
  readonly kind: HeartbeatWriterConfig['kind'];
  private readonly sent = new Map<number, number>();

  constructor(
    private readonly cfg: HeartbeatWriterConfig,
    private readonly driver: HeartbeatDriver,
    private readonly runId: string,
    private readonly clock: AnchoredClock,
  ) {
    this.kind = cfg.kind;
  }

  async attempt(a: ProbeAttempt): Promise<ProbeOutcome> {
    let sentAt: number | null = null;
    try {
      await this.driver.write({ runId: this.runId, seq: a.seq }, a.signal, () => {
        const t = Math.round(this.clock.nowMs());
        sentAt = t;
        this.sent.set(a.seq, t);
        return t;
      });
      this.sent.delete(a.seq);
      return { ok: true, status: null, error: null, write: { outcome: 'acknowledged', sentAt: sentAt ?? 0 } };
    } catch (err) {
      this.sent.delete(a.seq);
      const out: ProbeOutcome = {
        ok: false,
        status: null,
        error: a.signal.aborted ? 'timeout' : classifyDbError(err),
        detail: errorDetail(err),
      };
      if (sentAt !== null) out.write = { outcome: 'indeterminate', sentAt };
      return out;
    }
  }

  timeoutOutcome(a: ProbeAttempt): ProbeOutcome {
    const sentAt = this.sent.get(a.seq);
    const out: ProbeOutcome = { ok: false, status: null, error: 'timeout' };
    if (sentAt !== undefined) out.write = { outcome: 'indeterminate', sentAt };
    return out;
  }

  /**
   * Reads back every row of this run (after recovery, from the new primary). Three attempts, one
   * timeout apart: the endpoint may still be settling right after recovery.
   */
  async readback(kind: 'failover' | 'restore' = 'failover'): Promise<HeartbeatReadback> {
    let rows: { seqs: number[]; sentAt: number[] } | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        rows = await this.driver.readBack(this.runId, this.cfg.timeoutMs * 5);
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await this.clock.clock.sleep(this.cfg.timeoutMs);
      }
    }
    return {
      probe: this.cfg.name,
      runId: this.runId,
      readAt: Math.round(this.clock.nowMs()),
      source: this.driver.source,
      kind,
      seqs: rows.seqs,
      sentAt: rows.sentAt,
    };
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/** Connection-level failures are `refused`/`reset`/`timeout`/`dns`; the rest is `db_error`. */
function classifyDbError(err: unknown): ProbeOutcome['error'] {
  const code = (err as { code?: unknown })?.code;
  const msg = String((err as Error)?.message ?? '');
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /terminated unexpectedly|connection lost|closed/i.test(msg)) {
    return 'reset';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT' || /timeout/i.test(msg)) return 'timeout';
  return 'db_error';
}
