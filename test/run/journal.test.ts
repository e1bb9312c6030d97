import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingInverses } from '../../src/experiments/rollback.js';
import { Journal, readJournal } from '../../src/run/journal.js';
import { AnchoredClock } from '../../src/util/clock.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dp-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const inverse = (ids: string[]) => ({
  action: 'ec2.start-instances',
  params: { instanceIds: ids },
  description: 'start',
  manualSteps: ['aws ec2 start-instances'],
});

describe('Journal', () => {
  it('writes each entry to disk before append returns, with increasing seq', () => {
    const path = join(tmp(), 'journal.ndjson');
    const j = Journal.create(path, new AnchoredClock());
    j.append('run.started', { runId: 'r1' });
    // THEN the line is on disk already (another reader sees it without close)
    const onDisk = readFileSync(path, 'utf8').trim().split('\n');
    expect(onDisk).toHaveLength(1);
    j.append('note', { message: 'x' });
    const { entries } = readJournal(path);
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [0, 'run.started'],
      [1, 'note'],
    ]);
    expect(entries[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    j.close();
  });

  it('refuses to overwrite an existing run', () => {
    const path = join(tmp(), 'journal.ndjson');
    Journal.create(path, new AnchoredClock()).close();
    expect(() => Journal.create(path, new AnchoredClock())).toThrow(/already exists/);
  });

  it('ignores a torn last line after a crash but rejects damage in the middle', () => {
    const path = join(tmp(), 'journal.ndjson');
    const j = Journal.create(path, new AnchoredClock());
    j.append('run.started', {});
    j.close();
    appendFileSync(path, '{"seq":1,"ti');
    expect(readJournal(path)).toMatchObject({ truncated: true, entries: [{ seq: 0 }] });
    appendFileSync(path, '\n{"seq":2}\n');
    expect(() => readJournal(path)).toThrow(/line 2/);
  });

  it('reopening cuts a torn last line, so the next entry does not damage the journal', () => {
    const path = join(tmp(), 'journal.ndjson');
    const j = Journal.create(path, new AnchoredClock());
    j.append('run.started', {});
    j.close();
    const whole = readFileSync(path, 'utf8');
    const torn = '{"seq":1,"time":"2026-01-01T00:00:0';
    appendFileSync(path, torn);
    const k = Journal.reopen(path, new AnchoredClock());
    expect(k.tornBytesCut).toBe(Buffer.byteLength(torn));
    expect(readFileSync(path, 'utf8')).toBe(whole);
    expect(k.append('note', { message: 'after' }).seq).toBe(1);
    k.close();
    expect(readJournal(path)).toMatchObject({ truncated: false, entries: [{ seq: 0 }, { seq: 1, kind: 'note' }] });
    // A clean journal is left as it is.
    const again = Journal.reopen(path, new AnchoredClock());
    expect(again.tornBytesCut).toBe(0);
    again.close();
    expect(readJournal(path).entries).toHaveLength(2);
  });

  it('reopens and continues the sequence', () => {
    const path = join(tmp(), 'journal.ndjson');
    const j = Journal.create(path, new AnchoredClock());
    j.append('run.started', {});
    j.append('note', {});
    j.close();
    const k = Journal.reopen(path, new AnchoredClock());
    expect(k.append('note', {}).seq).toBe(2);
    k.close();
  });
});

describe('pendingInverses', () => {
  it('keeps the latest inverse of each step not yet rolled back, in recording order', () => {
    const path = join(tmp(), 'journal.ndjson');
    const j = Journal.create(path, new AnchoredClock());
    j.append('inverse.recorded', { stepId: 'a', fault: 'ec2-stop', inverse: inverse(['i-1']) });
    j.append('inverse.recorded', { stepId: 'b', fault: 'fis-experiment', inverse: inverse(['i-2']) });
    j.append('inverse.recorded', { stepId: 'b', fault: 'fis-experiment', inverse: inverse(['i-3']) });
    j.append('inverse.recorded', { stepId: 'c', fault: 'ec2-stop', inverse: inverse(['i-4']) });
    j.append('rollback.succeeded', { stepId: 'c', requestIds: [] });
    j.append('rollback.failed', { stepId: 'a', error: 'x', manualSteps: [] });
    j.close();
    const p = pendingInverses(readJournal(path).entries);
    expect(p.map((x) => [x.stepId, (x.inverse.params.instanceIds as string[])[0]])).toEqual([
      ['a', 'i-1'],
      ['b', 'i-3'],
    ]);
  });
});
