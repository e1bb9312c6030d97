import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RollbackStack } from '../../src/experiments/rollback.js';
import { silentSink } from '../../src/io/messages.js';
import { SampleWriter } from '../../src/probes/store.js';
import { describeWriteFailure, RunWrites, realWrites, type WriteFailure, type WriteOps } from '../../src/run/disk.js';
import { Journal, readJournal } from '../../src/run/journal.js';
import type { Sample, SampleFileHeader } from '../../src/run/samples.js';
import { AnchoredClock, isoMs } from '../../src/util/clock.js';
import { FakeClock } from '../probes/_fake-clock.js';

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/** The real file system until `broken` is set, then `code` for the chosen operation. */
function breakable(op: 'write' | 'fsync', code: string) {
  const state = { broken: false, calls: 0 };
  const ops: WriteOps = {
    write(path, fd, buf) {
      if (state.broken && op === 'write') throw errno(code);
      state.calls++;
      return realWrites.write(path, fd, buf);
    },
    fsync(path, fd) {
      if (state.broken && op === 'fsync') throw errno(code);
      realWrites.fsync(path, fd);
    },
  };
  return { ops, state };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'dp-disk-'));
const inverse = {
  action: 'ec2.start-instances',
  params: { instanceIds: ['i-1'] },
  description: 'start',
  manualSteps: ['aws ec2 start-instances'],
};

describe('journal on a failing disk', () => {
  it('a failed fsync is reported once, never thrown, and later entries stay in memory only', () => {
    const path = join(tmp(), 'journal.ndjson');
    const { ops, state } = breakable('fsync', 'EIO');
    const writes = new RunWrites(ops);
    const seen: WriteFailure[] = [];
    writes.onFailure((f) => seen.push(f));
    const clock = new AnchoredClock(new FakeClock());
    const j = Journal.create(path, clock, writes);
    j.append('run.started', { runId: 'r' });
    state.broken = true;
    const lost = j.append('note', { message: 'lost' });
    j.append('rollback.succeeded', { stepId: 's' });
    expect(j.durable).toBe(false);
    expect(j.entries.map((e) => e.kind)).toEqual(['run.started', 'note', 'rollback.succeeded']);
    expect(seen).toEqual([{ file: path, op: 'fsync', code: 'EIO', lostFrom: lost.t, lost: 'journal entries' }]);
    // Nothing was written after the failed line: the file holds no gap-ridden tail.
    expect(readFileSync(path, 'utf8')).not.toContain('rollback.succeeded');
    expect(describeWriteFailure(seen[0] as WriteFailure)).toBe(
      `cannot fsync ${path} (EIO): journal entries from ${isoMs(lost.t)} are lost`,
    );
  });

  it('an inverse that cannot reach the disk stops the step it undoes, and is not stacked', () => {
    const path = join(tmp(), 'journal.ndjson');
    const { ops, state } = breakable('write', 'ENOSPC');
    const j = Journal.create(path, new AnchoredClock(new FakeClock()), new RunWrites(ops));
    const stack = new RollbackStack(j, silentSink);
    stack.record('a', 'ec2-stop', inverse);
    state.broken = true;
    expect(() => stack.record('b', 'ec2-stop', inverse)).toThrow(/inverse of b could not be journaled/);
    expect(stack.pending().map((p) => p.stepId)).toEqual(['a']);
    expect(readJournal(path).entries.map((e) => e.kind)).toEqual(['inverse.recorded']);
  });
});

describe('sample writer on a full disk', () => {
  const header: SampleFileHeader = {
    type: 'header',
    formatVersion: 1,
    probe: 'web',
    kind: 'http',
    intervalMs: 100,
    timeoutMs: 1000,
    t0: 1_800_000_000_000,
  };
  const sample = (seq: number): Sample => ({
    probe: 'web',
    seq,
    scheduled: header.t0 + seq * 100,
    ok: true,
    latencyMs: 5,
    serviceMs: 5,
    status: 200,
    error: null,
  });

  it('reports the file and the first lost sample, counts what it drops, and leaves the file ungzipped', async () => {
    const dir = tmp();
    const { ops, state } = breakable('write', 'ENOSPC');
    const writes = new RunWrites(ops);
    const w = new SampleWriter(dir, header, writes);
    w.write(sample(0));
    w.flush();
    state.broken = true;
    w.write(sample(1));
    w.write(sample(2));
    expect(() => w.flush()).not.toThrow();
    w.write(sample(3));
    const path = await w.close();
    expect(path).toBe(join(dir, 'samples', 'web.ndjson'));
    expect(w.count).toBe(4);
    expect(w.lost).toBe(3);
    expect(writes.failure).toEqual({
      file: path,
      op: 'write',
      code: 'ENOSPC',
      lostFrom: header.t0 + 100,
      lost: 'samples of probe web (samples/web.ndjson)',
    });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq ?? 'header')).toEqual(['header', 0]);
  });
});
