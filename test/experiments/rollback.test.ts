import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RollbackStack } from '../../src/experiments/rollback.js';
import { RecordingSink } from '../../src/io/messages.js';
import { Journal } from '../../src/run/journal.js';
import { AnchoredClock, systemClock } from '../../src/util/clock.js';
import { fakeAws } from '../_helpers/fake-aws.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const d = mkdtempSync(join(tmpdir(), 'dp-rb-'));
  dirs.push(d);
  const journal = Journal.create(join(d, 'journal.ndjson'), new AnchoredClock());
  const f = fakeAws({
    instances: [
      { id: 'i-1', az: 'a', state: 'stopped' },
      { id: 'i-2', az: 'b', state: 'stopped' },
    ],
  });
  const ctx = { aws: f.aws, clock: systemClock, pollMs: 5, waitTimeoutMs: 2000, env: {}, scenarioDir: d };
  return { journal, f, ctx, stack: new RollbackStack(journal, new RecordingSink()) };
}

const start = (ids: string[]) => ({
  action: 'ec2.start-instances' as const,
  params: { instanceIds: ids },
  description: `start ${ids}`,
  manualSteps: [`aws ec2 start-instances --instance-ids ${ids.join(' ')}`],
});

describe('RollbackStack', () => {
  it('journals the inverse before returning and drains newest first', async () => {
    const { journal, f, ctx, stack } = setup();
    stack.record('one', 'ec2-stop', start(['i-1']));
    expect(journal.entries.at(-1)?.kind).toBe('inverse.recorded');
    stack.record('two', 'ec2-stop', start(['i-2']));
    const out = await stack.drain(ctx);
    expect(out.map((o) => [o.stepId, o.status])).toEqual([
      ['two', 'succeeded'],
      ['one', 'succeeded'],
    ]);
    expect(f.instances.get('i-1')?.state).toBe('running');
    expect(f.instances.get('i-2')?.state).toBe('running');
    const kinds = journal.entries.filter((e) => e.kind.startsWith('rollback')).map((e) => `${e.kind}:${e.data.stepId}`);
    expect(kinds).toEqual([
      'rollback.started:two',
      'rollback.succeeded:two',
      'rollback.started:one',
      'rollback.succeeded:one',
    ]);
  });

  it('keeps going after a failed inverse and reports its manual steps', async () => {
    const { ctx, stack, f } = setup();
    stack.record('gone', 'ec2-stop', start(['i-missing']));
    stack.record('ok', 'ec2-stop', start(['i-1']));
    const out = await stack.drain(ctx);
    expect(out[0]).toMatchObject({ stepId: 'ok', status: 'succeeded' });
    expect(out[1]).toMatchObject({ stepId: 'gone', status: 'failed' });
    expect(out[1]?.manualSteps?.[0]).toContain('start-instances --instance-ids i-missing');
    expect(f.instances.get('i-1')?.state).toBe('running');
  });

  it('skips remaining inverses when told to (second interrupt) and says so in the journal', async () => {
    const { ctx, stack, journal, f } = setup();
    stack.record('one', 'ec2-stop', start(['i-1']));
    const out = await stack.drain(ctx, { skip: () => true });
    expect(out).toEqual([expect.objectContaining({ stepId: 'one', status: 'skipped' })]);
    expect(f.instances.get('i-1')?.state).toBe('stopped');
    expect(journal.entries.at(-1)).toMatchObject({
      kind: 'rollback.failed',
      data: { error: 'skipped by a second interrupt' },
    });
  });
});
