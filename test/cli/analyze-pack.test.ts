import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PERCENTILE_COLUMNS } from '../../src/measurements/format.js';
import type { Measurements } from '../../src/run/measurements.js';
import { runCli } from '../_helpers/cli.js';
import { cleanupTempDirs, signedPack, tempDir } from '../_helpers/evidence.js';

afterAll(cleanupTempDirs);

describe('drillproof analyze on a signed evidence pack', () => {
  it('never writes into the pack: --json prints and warns, --out writes elsewhere, verify still passes', async () => {
    const { dir } = await signedPack('az-impairment-failed');
    const before = await readFile(join(dir, 'measurements.json'), 'utf8');
    expect((await runCli(['verify', dir])).code).toBe(0);

    const r = await runCli(['analyze', dir, '--json', '--window', '2s']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as Measurements;
    expect(m.probes.web?.rto?.windowSeconds).toBe(2);
    expect(r.stderr).toContain('is a signed evidence pack: its measurements.json was left as signed');
    expect(r.stderr).toContain('--out <file>');
    expect(await readFile(join(dir, 'measurements.json'), 'utf8')).toBe(before);
    expect((await runCli(['verify', dir])).code).toBe(0);

    const out = join(await tempDir(), 'm.json');
    const w = await runCli(['analyze', dir, '--json', '--window', '2s', '--out', out]);
    expect(w.code, w.stderr).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(m);
    expect((await runCli(['verify', dir])).code).toBe(0);

    const inside = await runCli(['analyze', dir, '--window', '2s', '--out', join(dir, 'samples', 'm.json')]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('SignedPackReadOnly');
    expect(inside.stderr).toContain('is inside the signed evidence pack');
    expect((await runCli(['verify', dir])).code).toBe(0);
  });

  it('prints both percentile flavours under the labels the report uses', async () => {
    const { dir } = await signedPack('ec2-stop-passed');
    const r = await runCli(['analyze', dir]);
    expect(r.code, r.stderr).toBe(0);
    const head = r.stdout.split('\n').find((l) => l.startsWith('probe / phase')) ?? '';
    for (const c of PERCENTILE_COLUMNS) expect(head).toContain(c.label);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    for (const c of PERCENTILE_COLUMNS) expect(html).toContain(`<th class="num">${c.label}</th>`);
    // The web fault phase: P95 counts the timeouts (2000 ms), "P95 ok only" does not.
    const ev = JSON.parse(await readFile(join(dir, 'evidence.json'), 'utf8'));
    const fault = ev.measurements.probes.web.phases.fault;
    expect(fault.p95WithFailuresMs).toBe(2000);
    expect(fault.p95Ms).toBeLessThan(2000);
  });
});
