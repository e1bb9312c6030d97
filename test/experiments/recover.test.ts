import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverRun } from '../../src/experiments/recover.js';
import { RecordingSink } from '../../src/io/messages.js';
import { Journal, readJournal } from '../../src/run/journal.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { fakeAws } from '../_helpers/fake-aws.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A journal as a `drillproof run` leaves it when killed right after injecting. */
function crashedRun(
  pid: number,
  target: Record<string, unknown> = { provider: 'lab', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
): string {
  const dir = mkdtempSync(join(tmpdir(), 'dp-recover-'));
  dirs.push(dir);
  const j = Journal.create(join(dir, 'journal.ndjson'), new AnchoredClock());
  j.append('run.started', {
    runId: 'r1',
    pid,
    target,
  });
  j.append('inverse.recorded', {
    stepId: 'stop-one',
    fault: 'ec2-stop',
    inverse: {
      action: 'ec2.start-instances',
      params: { instanceIds: ['i-1'] },
      description: 'start i-1',
      manualSteps: ['x'],
    },
  });
  j.append('fault.requested', { stepId: 'stop-one' });
  j.close();
  return dir;
}

describe('recoverRun', () => {
  it('runs the recorded inverse of a killed run and closes its journal', async () => {
    const dir = crashedRun(999_999);
    const f = fakeAws({ instances: [{ id: 'i-1', az: 'a', state: 'stopped' }] });
    let usedEndpoint: string | undefined;
    const r = await recoverRun(dir, {
      createAws: (t) => {
        usedEndpoint = t.endpoint;
        return f.aws;
      },
      sink: new RecordingSink(),
      pollMs: 5,
      isAlive: () => false,
    });
    expect(r.exitCode).toBe(0);
    expect(usedEndpoint).toBe('http://127.0.0.1:1');
    expect(f.instances.get('i-1')?.state).toBe('running');
    const kinds = readJournal(join(dir, 'journal.ndjson')).entries.map((e) => e.kind);
    expect(kinds.slice(3)).toEqual(['note', 'rollback.started', 'rollback.succeeded', 'note', 'run.finished']);
    // a second recover has nothing to do
    const again = await recoverRun(dir, { createAws: () => f.aws, sink: new RecordingSink(), isAlive: () => false });
    expect(again.nothingToDo).toBe(true);
  });

  it('an AWS drill is recovered at the endpoint it ran against (also one set only by AWS_ENDPOINT_URL)', async () => {
    const dir = crashedRun(999_999, { provider: 'aws', region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' });
    const f = fakeAws({ instances: [{ id: 'i-1', az: 'a', state: 'stopped' }] });
    let used: Record<string, unknown> = {};
    const r = await recoverRun(dir, {
      createAws: (t) => {
        used = { ...t };
        return f.aws;
      },
      sink: new RecordingSink(),
      pollMs: 5,
      isAlive: () => false,
    });
    expect(r.exitCode).toBe(0);
    expect(used).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' });
  });

  it('refuses while the drill process is still alive', async () => {
    const dir = crashedRun(12345);
    const f = fakeAws({ instances: [{ id: 'i-1', az: 'a', state: 'stopped' }] });
    await expect(
      recoverRun(dir, { createAws: () => f.aws, sink: new RecordingSink(), isAlive: () => true }),
    ).rejects.toMatchObject({ code: 'RunStillActive' });
    expect(f.instances.get('i-1')?.state).toBe('stopped');
  });

  it('exits 6 and prints the manual steps when the inverse fails', async () => {
    const dir = crashedRun(999_999);
    const f = fakeAws({ instances: [] });
    const sink = new RecordingSink();
    const r = await recoverRun(dir, { createAws: () => f.aws, sink, pollMs: 5, isAlive: () => false });
    expect(r.exitCode).toBe(6);
    expect(sink.codes()).toContain('DP_RECOVER_E8003');
  });
});
