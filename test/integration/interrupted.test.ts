import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/run/journal.js';
import { listSampleFiles } from '../../src/run/sample-reader.js';
import { runCli } from '../_helpers/cli.js';
import { tempDir } from '../_helpers/evidence.js';
import { killedWhen, labState, useDrillLab, variant } from './_drill.js';

/**
 * kill -9 of `drillproof run` mid-observe, then report, recover, report, sign and verify from the
 * CLI: the interrupted drill still ends with a signed evidence pack, marked interrupted.
 */
const lab = useDrillLab({ aurora: false });

/** ok and failed samples of a sample file (plain after a kill -9), counted without the readers. */
function countSamples(path: string): { ok: number; failed: number } {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  let ok = 0;
  let failed = 0;
  for (const line of text.split('\n')) {
    let s: { type?: string; ok?: boolean };
    try {
      s = JSON.parse(line);
    } catch {
      continue; // the torn last line of a kill -9
    }
    if (s.type === 'header') continue;
    if (s.ok === true) ok++;
    else if (s.ok === false) failed++;
  }
  return { ok, failed };
}

const evidenceOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8'));

describe('an interrupted drill gets its evidence pack', { timeout: 150_000 }, () => {
  it('kill -9 mid-observe → recover → report → sign → verify: the pack is marked interrupted and verifies', async () => {
    const file = variant('ec2-instance-stop', (d) => {
      d.steps.baseline = '2s';
    });
    // AWS's answers confirmed the stop: observe is under way.
    const dir = await killedWhen(file, lab.dir(), '"kind":"fault.confirmation"');
    expect(await labState(lab.info())).not.toEqual(lab.asFound());
    // The kill lands up to a poll later than the marker: entries after it (a watcher's event) may be
    // there too. The last one written before the kill is where the drill stopped.
    const killed = readJournal(join(dir, 'journal.ndjson')).entries;
    const confirmedAt = killed.findIndex((e) => e.kind === 'fault.confirmation');
    expect(confirmedAt).toBeGreaterThanOrEqual(0);
    const lastKind = killed[killed.length - 1]?.kind;

    // Before recover the fault is still in place, and the pack says so.
    const early = await runCli(['report', dir]);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stderr).toContain(`${dir} is a drill that never finished (during observe`);
    expect(evidenceOf(dir).run).toMatchObject({ verdict: 'error', exitCode: 6 });
    expect(evidenceOf(dir).run.reason).toContain(`not rolled back: run drillproof recover ${dir}`);

    const rec = await runCli(['recover', dir, '--lab', lab.dir()]);
    expect(rec.code, rec.stderr).toBe(0);
    await lab.expectAsFound(30_000);

    const rep = await runCli(['report', dir]);
    expect(rep.code, rep.stderr).toBe(0);
    const ev = evidenceOf(dir);
    expect(ev.run.verdict).toBe('aborted');
    expect(ev.run.exitCode).toBe(5);
    expect(ev.run.interrupted).toMatchObject({
      phase: 'observe',
      inside: true,
      lastEntry: { kind: lastKind },
    });
    expect(ev.run.interrupted.recoveredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(ev.run.reason).toContain('interrupted during observe');

    // What the samples allow is measured: every sample on disk is counted.
    const files = listSampleFiles(dir);
    expect(files.map((f) => f.probe)).toEqual(['web']);
    const counted = countSamples(files[0]?.path as string);
    expect(counted.ok).toBeGreaterThan(20);
    const m = JSON.parse(readFileSync(join(dir, 'measurements.json'), 'utf8'));
    const all = m.probes.web.phases.all;
    expect({ ok: all.ok, failed: all.failed }).toEqual(counted);
    // An RTO of 0 means "no outage seen", never "unknown" (that is null).
    if (m.rto?.seconds === 0) expect(m.rto.noOutage).toBe(true);

    const keys = await tempDir();
    const gen = JSON.parse((await runCli(['keygen', '--out', keys, '--json'])).stdout);
    const sign = await runCli(['sign', dir, '--key', gen.privateKeyPath]);
    expect(sign.code, sign.stderr).toBe(0);
    const ok = await runCli(['verify', dir, '--key', gen.publicKeyPath]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(evidenceOf(dir).run.interrupted.phase).toBe('observe');
  });
});
