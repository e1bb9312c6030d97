import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsApis } from '../../src/aws/clients.js';
import { runScenarioFile } from '../../src/experiments/compose/run-file.js';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { realWrites, type WriteOps } from '../../src/run/disk.js';
import { readJournal } from '../../src/run/journal.js';
import { drill, killedWhen, labState, useDrillLab, variant } from './_drill.js';

/**
 * A disk that fills up or fails while the fault is in place: a real full file system needs a
 * mount (root), so the failing writes are injected. The drill must abort, roll back from memory
 * and leave the lab as found, and say which file lost what from when.
 */
const lab = useDrillLab({ aurora: false }, { leavesAsFoundWithinMs: 30_000 });

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/**
 * The file system, until the journal line acknowledging the fault has been written: from then on
 * `fail(path, op)` decides (the fault is really in place when the disk goes).
 */
function failingAfterInjection(fail: (path: string, op: 'write' | 'fsync') => string | null) {
  let armed = false;
  const failures: string[] = [];
  const ops: WriteOps = {
    write(path, fd, buf) {
      const code = armed ? fail(path, 'write') : null;
      if (code) {
        failures.push(`${basename(path)} write ${code}`);
        throw errno(code);
      }
      const n = realWrites.write(path, fd, buf);
      if (basename(path) === 'journal.ndjson' && buf.toString('utf8').includes('"kind":"fault.acknowledged"'))
        armed = true;
      return n;
    },
    fsync(path, fd) {
      const code = armed ? fail(path, 'fsync') : null;
      if (code) {
        failures.push(`${basename(path)} fsync ${code}`);
        throw errno(code);
      }
      realWrites.fsync(path, fd);
    },
  };
  return { ops, failures };
}

const quickStop = () =>
  variant('ec2-instance-stop', (d) => {
    d.steps.baseline = '2s';
  });

describe('a write failure mid-drill', { timeout: 150_000 }, () => {
  it('a full disk under the sample file aborts the drill, rolls back and names the file (exit 5)', async () => {
    const { ops, failures } = failingAfterInjection((path, op) =>
      op === 'write' && path.endsWith('web.ndjson') ? 'ENOSPC' : null,
    );
    const { result, sink, runDir } = await drill(quickStop(), lab.dir(), { writeOps: ops });

    expect(failures[0]).toBe('web.ndjson write ENOSPC');
    expect(result.exitCode).toBe(5);
    expect(result.record.verdict).toBe('aborted');
    const msg = sink.messages.find((m) => m.code === 'DP_RUN_E1801');
    expect(msg?.message).toContain(join(runDir, 'samples', 'web.ndjson'));
    expect(msg?.message).toContain('ENOSPC');
    expect(msg?.message).toMatch(/samples of probe web \(samples\/web\.ndjson\) from \d{4}-\d\d-\d\dT/);
    expect(result.record.reason).toContain('web.ndjson');
    // The stopped instance was started again by the rollback (the journal still works here).
    expect(result.record.faults.map((f) => f.rollback)).toEqual(['succeeded']);
    const journal = readJournal(join(runDir, 'journal.ndjson')).entries;
    expect(journal.some((e) => e.kind === 'rollback.succeeded')).toBe(true);
    // The file is left as written, ungzipped: samples up to the failure are there.
    expect(existsSync(join(runDir, 'samples', 'web.ndjson'))).toBe(true);
    await lab.expectAsFound(30_000);
  });

  it('a failed fsync of the journal aborts the drill and rolls back from memory (exit 5)', async () => {
    const { ops, failures } = failingAfterInjection((path, op) =>
      op === 'fsync' && path.endsWith('journal.ndjson') ? 'EIO' : null,
    );
    // evidence.dir is relative to the scenario file, whatever the current directory.
    const file = variant('ec2-instance-stop', (d) => {
      d.steps.baseline = '2s';
      d.evidence.dir = 'evidence-here';
    });
    const sink = new RecordingSink();
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'dp-cwd-')));
    let result: Awaited<ReturnType<typeof runScenarioFile>>;
    try {
      result = await runScenarioFile(file, { yes: true, env: process.env, sink, labDir: lab.dir(), writeOps: ops });
    } finally {
      process.chdir(cwd);
    }
    expect(dirname(result.runDir)).toBe(resolve(dirname(file), 'evidence-here'));

    expect(failures).toEqual(['journal.ndjson fsync EIO']);
    expect(result.exitCode).toBe(5);
    const msg = sink.messages.find((m) => m.code === 'DP_RUN_E1801');
    expect(msg?.message).toContain(`cannot fsync ${join(result.runDir, 'journal.ndjson')} (EIO): journal entries from`);
    // Nothing after the failure reached the journal file; the rollback ran from memory anyway.
    const onDisk = readFileSync(join(result.runDir, 'journal.ndjson'), 'utf8');
    expect(onDisk).not.toContain('"kind":"rollback.started"');
    expect(result.record.faults.map((f) => f.rollback)).toEqual(['succeeded']);
    await lab.expectAsFound(30_000);
  });
});

describe('recover on a full disk', { timeout: 150_000 }, () => {
  it('kill -9 after injection, then recover with every run-directory write failing: the undo runs and says what it could not record', async () => {
    const runDir = await killedWhen(quickStop(), lab.dir(), '"kind":"fault.acknowledged"');
    expect(await labState(lab.info())).not.toEqual(lab.asFound());
    const before = readFileSync(join(runDir, 'journal.ndjson'), 'utf8');
    const failures: string[] = [];
    const full = (path: string, op: string) => {
      if (!path.startsWith(runDir)) return;
      failures.push(`${basename(path)} ${op}`);
      throw errno('ENOSPC');
    };
    // As a real full disk does: the last free bytes take part of the first line, then ENOSPC.
    let lastBytes = true;
    const ops: WriteOps = {
      write(path, fd, buf) {
        if (lastBytes && path.startsWith(runDir)) {
          lastBytes = false;
          return realWrites.write(path, fd, buf.subarray(0, Math.floor(buf.length / 2)));
        }
        full(path, 'write');
        return realWrites.write(path, fd, buf);
      },
      fsync(path, fd) {
        full(path, 'fsync');
        realWrites.fsync(path, fd);
      },
    };
    const recover = (o: { sink: RecordingSink; writeOps?: WriteOps }) =>
      recoverRun(runDir, { createAws: (t, rec) => createAwsApis(t, rec), pollMs: 200, waitTimeoutMs: 60_000, ...o });
    const sink = new RecordingSink();
    const r = await recover({ sink, writeOps: ops });

    // The instance runs again and the drill's lease is released: the undo needed no disk.
    await lab.expectAsFound(20_000);
    expect(r.outcomes.map((o) => [o.stepId, o.status])).toEqual([
      ['stop-one', 'succeeded'],
      ['lease', 'succeeded'],
    ]);
    expect(r.exitCode).toBe(0);
    // The first append failed (half a line reached the disk) and nothing more was tried on it.
    expect(failures).toEqual(['journal.ndjson write']);
    const torn = readFileSync(join(runDir, 'journal.ndjson'), 'utf8');
    expect(torn.startsWith(before) && torn.length > before.length && !torn.endsWith('\n')).toBe(true);
    expect(r.unrecorded?.code).toBe('ENOSPC');
    const w = sink.messages.find((m) => m.code === 'DP_RECOVER_W8301');
    expect(w?.level).toBe('warn');
    expect(w?.message).toContain(`cannot write ${join(runDir, 'journal.ndjson')} (ENOSPC): journal entries from`);
    expect(w?.message).toContain('undone but recorded as pending: stop-one, lease');
    expect(w?.message).toContain("the run's end");
    expect(w?.message).toMatch(/\d+ AWS call record\(s\)/);
    expect(sink.messages.find((m) => m.code === 'DP_RECOVER_I8004')?.message).toBe('recovered 2 step(s)');

    // With space again, a second recover repeats the (idempotent) undo and records it.
    const again = await recover({ sink: new RecordingSink() });
    expect(again.exitCode).toBe(0);
    expect(again.unrecorded).toBeNull();
    // The torn half line was cut before the second recover appended: the journal reads whole.
    const { entries: journal, truncated } = readJournal(join(runDir, 'journal.ndjson'));
    expect(truncated).toBe(false);
    expect(journal.find((e) => e.kind === 'note' && e.data.tornLineCut)?.data.tornLineCut).toBe(
      `${torn.length - before.length} bytes of a torn last line removed`,
    );
    expect(journal.filter((e) => e.kind === 'rollback.succeeded').map((e) => e.data.stepId)).toEqual([
      'stop-one',
      'lease',
    ]);
    expect(journal.some((e) => e.kind === 'run.finished')).toBe(true);
    await lab.expectAsFound(20_000);
  });
});
