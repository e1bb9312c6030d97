import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordInterruptedRun } from '../../src/experiments/interrupted.js';

/** A journal written by hand: one line per [kind, data], one second apart. */
function runDirWith(entries: [string, Record<string, unknown>][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dp-intr-'));
  const t0 = Date.parse('2026-11-30T10:00:00.000Z');
  const lines = entries.map(([kind, data], seq) => {
    const t = t0 + seq * 1000;
    return JSON.stringify({ seq, time: new Date(t).toISOString(), t, kind, data });
  });
  writeFileSync(join(dir, 'journal.ndjson'), `${lines.join('\n')}\n`);
  return dir;
}

const started: [string, Record<string, unknown>] = [
  'run.started',
  {
    runId: 'r-1',
    toolVersion: '0.1.0',
    scenarioName: 's',
    scenarioSha256: 'a'.repeat(64),
    scenarioPath: 's.yaml',
    target: { provider: 'lab', region: 'us-east-1' },
    clock: { source: 'test', driftMs: 0.1 },
  },
];
const inverse = {
  action: 'ec2.start-instances',
  params: {},
  description: 'start',
  manualSteps: ['aws ec2 start-instances'],
};

describe('the record of an interrupted drill', () => {
  it('killed while its pack was written: the verdict the drill reached, marked interrupted at evidence', async () => {
    const dir = runDirWith([
      started,
      ['phase.started', { phase: 'inject' }],
      ['inverse.recorded', { stepId: 'stop', fault: 'ec2-stop', inverse }],
      ['fault.requested', { stepId: 'stop', fault: 'ec2-stop', action: 'ec2:StopInstances', targets: ['i-1'] }],
      ['fault.acknowledged', { stepId: 'stop', requestIds: ['req-1'] }],
      ['phase.finished', { phase: 'inject', ok: true }],
      ['rollback.succeeded', { stepId: 'stop', requestIds: ['req-2'] }],
      ['run.finished', { verdict: 'passed', exitCode: 0, reason: null }],
    ]);
    const rec = await recordInterruptedRun(dir);
    expect(rec?.verdict).toBe('passed');
    expect(rec?.exitCode).toBe(0);
    expect(rec?.interrupted).toEqual({
      phase: 'evidence',
      inside: true,
      lastEntry: { seq: 7, kind: 'run.finished', time: '2026-11-30T10:00:07.000Z' },
      recoveredAt: null,
    });
    expect(rec?.faults).toEqual([
      {
        stepId: 'stop',
        type: 'ec2-stop',
        action: 'ec2:StopInstances',
        targets: ['i-1'],
        injectedAt: '2026-11-30T10:00:03.000Z',
        acknowledgedAt: '2026-11-30T10:00:04.000Z',
        rolledBackAt: '2026-11-30T10:00:06.000Z',
        rollback: 'succeeded',
        requestIds: ['req-1', 'req-2'],
      },
    ]);
    // No samples: nothing is measured, and nothing is invented.
    expect(rec?.measurements.rto).toBeNull();
    expect(rec?.measurements.faultAt).toBeNull();
    expect(existsSync(join(dir, 'run.json'))).toBe(true);
  });

  it('killed mid-fault and never recovered: exit 6, the fault pending, recover named', async () => {
    const dir = runDirWith([
      started,
      ['phase.started', { phase: 'inject' }],
      ['inverse.recorded', { stepId: 'stop', fault: 'ec2-stop', inverse }],
      ['fault.requested', { stepId: 'stop', fault: 'ec2-stop', action: 'ec2:StopInstances', targets: ['i-1'] }],
    ]);
    const rec = await recordInterruptedRun(dir);
    expect(rec).toMatchObject({ verdict: 'error', exitCode: 6 });
    expect(rec?.reason).toBe(
      `interrupted during inject at 2026-11-30T10:00:03.000Z; not rolled back: run drillproof recover ${dir}`,
    );
    expect(rec?.faults.map((f) => f.rollback)).toEqual(['pending']);
    // A record rebuilt before is rebuilt again; the engine's own run.json never is.
    expect(await recordInterruptedRun(dir)).not.toBeNull();
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId: 'r-1', verdict: 'passed' }));
    expect(await recordInterruptedRun(dir)).toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).verdict).toBe('passed');
  });
});
