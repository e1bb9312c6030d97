import { closeSync, existsSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { DrillproofError } from '../errors.js';
import type { AnchoredClock } from '../util/clock.js';
import { isoMs } from '../util/clock.js';
import { scrubSecrets } from '../util/secrets.js';
import { errnoOf, RunWrites, writeAll } from './disk.js';
import { journalPath } from './files.js';
import type { JournalEntry, JournalKind, RecordedInverse, RestoreVerification } from './journal-types.js';

/**
 * The write-ahead journal of a run (`journal.ndjson`). `append` returns only after the line is
 * written and fsynced, so an entry announcing a step is on disk before the step runs; a crash
 * right after leaves enough for `drillproof recover` to undo it.
 *
 * A write or fsync that fails (full disk, I/O error) is reported once to `writes` and never
 * thrown: from then on entries are kept in memory only (the file would have a gap), so the
 * rollback that follows runs and is recorded without needing the disk. `durable` says so.
 */
export class Journal {
  private readonly fd: number;
  private seq: number;
  private closed = false;
  readonly entries: JournalEntry[] = [];
  /** Called after every append (the runner mirrors entries into live views). */
  onAppend?: (e: JournalEntry) => void;

  /** False once a write failed: later entries are in memory only. */
  durable = true;

  private constructor(
    readonly path: string,
    private readonly clock: AnchoredClock,
    existing: JournalEntry[],
    readonly writes: RunWrites,
  ) {
    this.fd = openSync(path, 'a');
    this.entries.push(...existing);
    this.seq = existing.length === 0 ? 0 : (existing[existing.length - 1]?.seq ?? -1) + 1;
  }

  /** Creates a new journal; refuses to overwrite an existing run. */
  static create(path: string, clock: AnchoredClock, writes = new RunWrites()): Journal {
    if (existsSync(path)) {
      throw DrillproofError.user('RunDirExists', `a journal already exists at ${path}`, {
        hint: 'choose another --out directory; a run directory holds exactly one run',
      });
    }
    return new Journal(path, clock, [], writes);
  }

  /**
   * Reopens a journal to continue it (recover). Sequence numbers continue where it stopped. A torn
   * last line (a crash or a full disk mid-write) is cut first: appended after, it would join the
   * next entry into one damaged line in the middle, and the whole journal would become unreadable.
   * Cutting needs no space; `tornBytesCut` says how much went, for the record.
   */
  static reopen(path: string, clock: AnchoredClock, writes = new RunWrites()): Journal {
    const { entries, truncated } = readJournal(path);
    const cut = truncated ? cutTornLine(path) : 0;
    const j = new Journal(path, clock, entries, writes);
    j.tornBytesCut = cut;
    return j;
  }

  /** Bytes of a torn last line `reopen` removed (0 when the journal ended cleanly). */
  tornBytesCut = 0;

  append<D extends Record<string, unknown>>(kind: JournalKind, data: D): JournalEntry<D> {
    if (this.closed) throw DrillproofError.tool('JournalClosed', `journal ${this.path} is closed`);
    const t = this.clock.nowMs();
    const entry: JournalEntry<D> = { seq: this.seq++, time: isoMs(t), t: Math.round(t * 1000) / 1000, kind, data };
    if (this.durable) this.persist(entry);
    this.entries.push(entry);
    try {
      this.onAppend?.(entry);
    } catch {
      // Observers never break the record.
    }
    return entry;
  }

  private persist(entry: JournalEntry): void {
    const buf = Buffer.from(`${scrubSecrets(JSON.stringify(entry))}\n`, 'utf8');
    let op: 'write' | 'fsync' = 'write';
    try {
      writeAll(this.writes.ops, this.path, this.fd, buf);
      op = 'fsync';
      this.writes.ops.fsync(this.path, this.fd);
    } catch (err) {
      this.durable = false;
      // After a failed fsync the kernel may have dropped the line: treat it as not written.
      this.writes.fail({ file: this.path, op, code: errnoOf(err), lostFrom: entry.t, lost: 'journal entries' });
    }
  }

  /** False once closed: late writers (AWS call records of a stray poll) check before appending. */
  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Cuts the file after its last complete line (the torn line readJournal ignored); bytes removed. */
function cutTornLine(path: string): number {
  const buf = readFileSync(path);
  let end = buf.length;
  while (end > 0 && /\s/.test(String.fromCharCode(buf[end - 1] as number))) end--;
  const keep = buf.lastIndexOf(0x0a, end - 1) + 1;
  truncateSync(path, keep);
  return buf.length - keep;
}

/**
 * Reads a journal. A torn last line (crash mid-write) is ignored and reported as `truncated`;
 * a damaged line elsewhere is an error, because the record would be unreliable, unless
 * `skipBadLines` (looking for one fact, such as F, in whatever is readable).
 * @throws DrillproofError `JournalUnreadable`
 */
export function readJournal(
  path: string,
  opts: { skipBadLines?: boolean } = {},
): { entries: JournalEntry[]; truncated: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw DrillproofError.user('JournalUnreadable', `cannot read journal ${path}`, {
      cause,
      hint: 'pass a run directory that contains journal.ndjson',
    });
  }
  const lines = text.split('\n');
  const entries: JournalEntry[] = [];
  let truncated = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (cause) {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      if (last) {
        truncated = true;
        break;
      }
      if (opts.skipBadLines) continue;
      throw DrillproofError.user('JournalUnreadable', `journal ${path} line ${i + 1} is not valid JSON`, { cause });
    }
  }
  return { entries, truncated };
}

/** The journal of a run directory; no entries when there is none. */
export function readRunJournal(runDir: string, opts: { skipBadLines?: boolean } = {}): JournalEntry[] {
  const path = journalPath(runDir);
  return existsSync(path) ? readJournal(path, opts).entries : [];
}

/** When the first fault call was issued and when AWS accepted it (epoch ms on the run timeline). */
export interface FaultTimes {
  /** `t` of the first `fault.requested`: the call issued, before any SDK retry. */
  issuedMs: number;
  /** `t` of that step's `fault.acknowledged`: AWS's successful answer; null when none came. */
  acceptedMs: number | null;
}

function entryMs(e: JournalEntry): number | null {
  if (typeof e.t === 'number') return e.t;
  return typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time)) ? Date.parse(e.time) : null;
}

/** The first fault's issued and accepted times; null when nothing was injected. */
export function faultTimesFromJournal(journal: readonly JournalEntry[]): FaultTimes | null {
  const req = journal.find((x) => x.kind === 'fault.requested');
  const issuedMs = req ? entryMs(req) : null;
  if (!req || issuedMs === null) return null;
  const stepId = (req.data as { stepId?: unknown }).stepId;
  const ack = journal.find(
    (x) => x.kind === 'fault.acknowledged' && (x.data as { stepId?: unknown }).stepId === stepId,
  );
  return { issuedMs, acceptedMs: ack ? entryMs(ack) : null };
}

/**
 * F = when AWS accepted the first fault call (its `fault.acknowledged`), so throttled and retried
 * attempts do not count as outage; the issued time when no acceptance was recorded (the call
 * failed or the run was killed while it was in flight: the fault may have started at any point
 * after it was issued). null when nothing was injected.
 */
export function faultTimeFromJournal(journal: readonly JournalEntry[]): number | null {
  const f = faultTimesFromJournal(journal);
  return f === null ? null : (f.acceptedMs ?? f.issuedMs);
}

/**
 * The inverses of a journal that never completed: the latest recorded inverse of each step
 * without a later `rollback.succeeded`, in recording order.
 */
export function pendingInverses(entries: readonly JournalEntry[]): RecordedInverse[] {
  const order: string[] = [];
  const latest = new Map<string, RecordedInverse>();
  for (const e of entries) {
    const d = e.data as Record<string, unknown>;
    const stepId = d.stepId as string;
    if (e.kind === 'inverse.recorded') {
      if (!latest.has(stepId)) order.push(stepId);
      latest.set(stepId, { stepId, fault: d.fault as string, inverse: d.inverse as RecordedInverse['inverse'] });
    } else if (e.kind === 'rollback.succeeded') {
      latest.delete(stepId);
    }
  }
  return order.filter((s) => latest.has(s)).map((s) => latest.get(s) as RecordedInverse);
}

/** The first restore verification a follow-up recorded (restore drills), or null. */
export function restoreVerificationOf(entries: readonly JournalEntry[]): RestoreVerification | null {
  for (const e of entries) {
    const fu = (e.data as { followUp?: { data?: Partial<RestoreVerification> } }).followUp?.data;
    if (e.kind !== 'note' || !fu || typeof fu.restoredInstance !== 'string') continue;
    return fu as RestoreVerification;
  }
  return null;
}
