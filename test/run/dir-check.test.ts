import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DrillproofError } from '../../src/errors.js';
import { checkRunDir, estimateRunBytes } from '../../src/run/dir-check.js';
import { runCli } from '../_helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dp-rundir-'));
  dirs.push(d);
  return d;
};
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    if (DrillproofError.is(err)) return { code: err.code, exit: err.exitCode, message: err.message, hint: err.hint };
    throw err;
  }
  return null;
};

describe('run directory checks before anything runs', () => {
  it('accepts a new directory (also under new parents) and an empty one', () => {
    const d = tmp();
    expect(refusal(() => checkRunDir(join(d, 'a', 'b', 'run'), 1024))).toBeNull();
    mkdirSync(join(d, 'empty'));
    expect(refusal(() => checkRunDir(join(d, 'empty'), 1024))).toBeNull();
  });

  it('refuses a non-empty directory, a file, a path under a file, and too little space (exit 2)', () => {
    const d = tmp();
    mkdirSync(join(d, 'used'));
    writeFileSync(join(d, 'used', 'report.html'), 'mine');
    writeFileSync(join(d, 'file'), 'x');
    expect(refusal(() => checkRunDir(join(d, 'used'), 1024))).toMatchObject({
      code: 'RunDirUnusable',
      exit: 2,
      message: expect.stringContaining('exists and is not empty'),
    });
    expect(refusal(() => checkRunDir(join(d, 'file'), 1024))?.message).toContain('is not a directory');
    expect(refusal(() => checkRunDir(join(d, 'file', 'run'), 1024))?.message).toContain('is a file');
    expect(refusal(() => checkRunDir(join(d, 'new'), Number.MAX_SAFE_INTEGER))?.message).toMatch(
      /MB free on its file system, the drill needs about \d+ MB/,
    );
  });

  it('estimates the samples of every probe over the run, twice over, plus the pack', () => {
    // 20 samples/s for 10 min: 12 000 samples × 300 bytes × 2, plus 20 MB.
    expect(estimateRunBytes({ samplesPerSecond: 20, durationMs: 600_000 })).toBe(12_000 * 300 * 2 + 20 * 1024 * 1024);
  });

  it('`run --out` at a directory holding other files exits 2 with a clear message and writes nothing there', async () => {
    const d = tmp();
    const out = join(d, 'mine');
    mkdirSync(out);
    writeFileSync(join(out, 'report.html'), 'my own report');
    const scenario = resolve(import.meta.dirname, '..', '..', 'scenarios', 'aws', 'ec2-instance-stop.yaml');
    const r = await runCli(['run', scenario, '--out', out, '--yes'], {
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      AWS_REGION: 'us-east-1',
      DRILLPROOF_IMDS_URL: 'off',
      DRILLPROOF_ACCOUNT_ID: '123456789012',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('RunDirUnusable');
    expect(r.stderr).toContain('exists and is not empty');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual(['report.html']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe('my own report');
  });
});
