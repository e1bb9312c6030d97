import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeDrill } from '../../../src/experiments/analysis/drill.js';
import { parseTimeArg } from '../../../src/experiments/analysis/run-dir.js';
import { resolveFaultTime } from '../../../src/run/fault-file.js';
import type { JournalEntry } from '../../../src/run/journal-types.js';
import type { Measurements } from '../../../src/run/measurements.js';
import type { Sample, SampleFileHeader } from '../../../src/run/samples.js';
import { runCli } from '../../_helpers/cli.js';

const t0 = Date.parse('2026-11-22T10:00:00.000Z');

/** A run directory: 14 samples 1 s apart, failing at seq 5–7 and 9 (example A of the docs). */
function runDir(extra: { journalFault?: number; journalAccepted?: number; faultJson?: number } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dp-run-'));
  mkdirSync(join(dir, 'samples'));
  const header: SampleFileHeader = {
    type: 'header',
    formatVersion: 1,
    probe: 'web',
    kind: 'http',
    intervalMs: 1000,
    timeoutMs: 2000,
    t0,
    recoveryWindowMs: 3000,
  };
  const lines = [JSON.stringify(header)];
  for (let seq = 0; seq <= 13; seq++) {
    const ok = ![5, 6, 7, 9].includes(seq);
    const s: Sample = {
      probe: 'web',
      seq,
      scheduled: t0 + seq * 1000,
      ok,
      latencyMs: ok ? 10 + seq : 2000,
      serviceMs: null,
      status: ok ? 200 : 503,
      error: ok ? null : 'http_status',
    };
    lines.push(JSON.stringify(s));
  }
  writeFileSync(join(dir, 'samples', 'web.ndjson'), `${lines.join('\n')}\n`);
  if (extra.journalFault !== undefined) {
    const entries: JournalEntry[] = [
      { seq: 0, time: new Date(t0).toISOString(), t: t0, kind: 'run.started', data: {} },
      {
        seq: 1,
        time: new Date(extra.journalFault).toISOString(),
        t: extra.journalFault,
        kind: 'fault.requested',
        data: { stepId: 'first' },
      },
      // A later step's acceptance is not the first fault's.
      { seq: 2, time: '', t: t0 + 8000, kind: 'fault.acknowledged', data: { stepId: 'second' } },
      { seq: 3, time: '', t: t0 + 9000, kind: 'fault.requested', data: { stepId: 'second' } },
      ...(extra.journalAccepted === undefined
        ? []
        : [
            {
              seq: 4,
              time: '',
              t: extra.journalAccepted,
              kind: 'fault.acknowledged' as const,
              data: { stepId: 'first' },
            },
          ]),
    ];
    writeFileSync(join(dir, 'journal.ndjson'), `${entries.map((e) => JSON.stringify(e)).join('\n')}\n{"seq":3,"ti`);
  }
  if (extra.faultJson !== undefined) {
    writeFileSync(
      join(dir, 'fault.json'),
      JSON.stringify({ faultAt: new Date(extra.faultJson).toISOString(), faultAtMs: extra.faultJson }),
    );
  }
  return dir;
}

describe('fault time F', () => {
  it('comes from --fault-at, else the first fault.requested of the journal, else fault.json', async () => {
    const both = runDir({ journalFault: t0 + 4500, faultJson: t0 + 3000 });
    expect(await resolveFaultTime(both, t0 + 100)).toEqual({ faultMs: t0 + 100, source: 'flag' });
    expect(await resolveFaultTime(both)).toEqual({ faultMs: t0 + 4500, source: 'journal', issuedMs: t0 + 4500 });
    expect(await resolveFaultTime(runDir({ faultJson: t0 + 3000 }))).toEqual({
      faultMs: t0 + 3000,
      source: 'fault.json',
    });
    expect(await resolveFaultTime(runDir())).toEqual({ faultMs: null, source: 'none' });
  });

  it('from the journal is when AWS accepted the first fault call, the issued time kept beside it', async () => {
    // Throttled and retried for 3.2 s: the fault began when the call was accepted, not issued.
    const dir = runDir({ journalFault: t0 + 1300, journalAccepted: t0 + 4500 });
    expect(await resolveFaultTime(dir)).toEqual({ faultMs: t0 + 4500, source: 'journal', issuedMs: t0 + 1300 });
    const r = await runCli(['analyze', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as Measurements;
    expect(m).toMatchObject({
      faultAt: '2026-11-22T10:00:04.500Z',
      faultAtMs: t0 + 4500,
      faultIssuedAt: '2026-11-22T10:00:01.300Z',
      faultIssuedAtMs: t0 + 1300,
    });
    // Example A's RTO (docs/measurements.md §4), not 3.2 s more.
    expect(m.rto?.seconds).toBe(5.5);
  });

  it('parses RFC 3339 with a zone and epoch ms, nothing else', () => {
    expect(parseTimeArg('2026-11-22T10:00:04.500Z')).toBe(t0 + 4500);
    expect(parseTimeArg('2026-11-22T11:00:04.500+01:00')).toBe(t0 + 4500);
    expect(parseTimeArg(String(t0 + 4500))).toBe(t0 + 4500);
    expect(parseTimeArg('2026-11-22 10:00')).toBeUndefined();
    expect(parseTimeArg('2026-11-22T10:00:04')).toBeUndefined();
    expect(parseTimeArg('yesterday')).toBeUndefined();
  });
});

describe('drillproof analyze', () => {
  it('--json prints and writes measurements recomputed from the raw files (F from the journal)', async () => {
    const dir = runDir({ journalFault: t0 + 4500 });
    const r = await runCli(['analyze', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as Measurements;
    expect(m.faultAt).toBe('2026-11-22T10:00:04.500Z');
    expect(m.rto).toMatchObject({ seconds: 5.5, resolutionSeconds: 1, noOutage: false, flaps: 2 });
    expect(m.rpo).toBeNull();
    expect(m.probes.web?.phases.fault).toMatchObject({ scheduled: 5, ok: 1, failed: 4, availability: 0.2 });
  });

  it('prints a readable summary table', async () => {
    const r = await runCli(['analyze', runDir(), '--fault-at', '2026-11-22T10:00:04.500Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('RTO 5.5s ± 1s');
    expect(r.stdout).toMatch(/web fault\s+5\s+1\s+20%/);
    expect(r.stdout).toContain('(fault time from flag)');
  });

  it('--window changes W; a window the data cannot confirm gives RTO unmeasured', async () => {
    const r = await runCli(['analyze', runDir(), '--fault-at', String(t0 + 4500), '--window', '5s', '--json']);
    expect((JSON.parse(r.stdout) as Measurements).rto).toMatchObject({ seconds: null, windowSeconds: 5 });
  });

  it('warns without a fault time and still reports every phase as baseline', async () => {
    const r = await runCli(['analyze', runDir(), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no fault time');
    const m = JSON.parse(r.stdout) as Measurements;
    expect(m.rto).toBeNull();
    expect(m.probes.web?.phases.baseline.scheduled).toBe(14);
  });

  it('rejects a bad --fault-at and a directory without samples (exit 2)', async () => {
    const bad = await runCli(['analyze', runDir(), '--fault-at', 'noon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fault-at "noon" is not a time');
    const empty = await runCli(['analyze', mkdtempSync(join(tmpdir(), 'dp-empty-'))]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('SamplesNotFound');
  });
});

describe('drill analysis', () => {
  it('takes F from the journal, the headline RTO from the recovery probes, and judges objectives', async () => {
    const dir = runDir();
    const journal: JournalEntry[] = [
      { seq: 0, time: '', t: t0 + 4500, kind: 'fault.requested', data: {} },
      { seq: 1, time: '', t: t0 + 6000, kind: 'fault.requested', data: {} },
    ];
    const { measurements, objectives } = await analyzeDrill({
      runDir: dir,
      journal,
      scenario: {
        steps: { observe: { recovery: { probes: ['web'] } } },
        objectives: {
          rto: '5s',
          latency: [{ probe: 'web', phase: 'recovery', p95: '100ms', basis: 'all' }],
          availability: [],
          maxErrorRate: [],
        },
      },
    });
    expect(measurements.faultAtMs).toBe(t0 + 4500);
    expect(objectives.map((o) => [o.name, o.measured, o.ok])).toEqual([
      ['rto', 5.5, false],
      ['p95:web:recovery', 23, true],
    ]);
  });
});
