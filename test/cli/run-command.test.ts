import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../_helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dp-cli-'));
  dirs.push(d);
  return d;
};
const SCENARIO = resolve(import.meta.dirname, '..', '..', 'scenarios', 'lab', 'ec2-instance-stop.yaml');

describe('drillproof run / recover / sweep (CLI)', () => {
  it('an invalid scenario exits 2 and names the problem', async () => {
    const d = tmp();
    const f = join(d, 'bad.yaml');
    writeFileSync(f, 'version: 1\nmetadata: { name: x }\n');
    const r = await runCli(['run', f, '--out', join(d, 'run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ScenarioInvalid');
  });

  it('a lab scenario without a running lab exits 3 before anything runs', async () => {
    const d = tmp();
    const r = await runCli(['run', SCENARIO, '--lab', join(d, 'no-lab'), '--out', join(d, 'run')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LabNotRunning');
    expect(r.stderr).toContain('drillproof lab up');
  });

  it('recover of a directory without a journal is a usage error', async () => {
    const r = await runCli(['recover', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('JournalUnreadable');
  });

  it('sweep needs a region or the lab', async () => {
    const r = await runCli(['sweep', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--region');
  });
});
