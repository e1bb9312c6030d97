import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/run/measurements.js';
import { runCli } from '../_helpers/cli.js';
import { FlakyServer } from '../_helpers/flaky-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let srv: FlakyServer;
beforeAll(async () => {
  // `npm test` builds first; a bare `vitest run` of this file builds when dist is missing.
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
    });
  }
  srv = await FlakyServer.start();
});
afterAll(async () => {
  await srv?.close();
});

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

describe('kill -9 during probe', () => {
  it('leaves a sample file that analyze reads, losing at most about a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-kill9-'));
    const file = join(dir, 'samples', 'http.ndjson');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/drillproof.js'), 'probe', srv.url, '--rate', '50/s', '--duration', '60s', '--out', dir],
      { stdio: 'ignore' },
    );
    try {
      // Wait until samples flow, then let it run a while longer.
      const started = Date.now();
      while (!(existsSync(file) && lines(file).length > 10)) {
        if (Date.now() - started > 15_000) throw new Error('probe did not start writing samples');
        await sleep(50);
      }
      await sleep(1500);
    } finally {
      child.kill('SIGKILL');
    }
    const killedAt = Date.now();
    await new Promise((r) => child.once('exit', r));
    expect(readdirSync(join(dir, 'samples'))).toEqual(['http.ndjson']);

    const a = await runCli(['analyze', dir, '--json', '--fault-at', String(killedAt - 1000)]);
    expect(a.code, a.stderr).toBe(0);
    const m = JSON.parse(a.stdout) as Measurements;
    const all = m.probes.http?.phases.all;
    expect(all?.scheduled).toBeGreaterThan(50);
    // Every sample on disk succeeded, except slots a busy machine made the engine miss.
    const failed = lines(file)
      .slice(1)
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((x) => !x.ok);
    expect(failed.filter((x) => x.error !== 'late')).toEqual([]);
    expect(all?.failed).toBe(failed.length);
    // The last sample on disk was scheduled less than about a second before the kill.
    const last = (all?.endMs as number) - 20;
    expect(killedAt - last).toBeLessThan(1000);
    // Seqs on disk run from 0 with no hole except, at most, samples in flight at the last flush.
    const seqs = lines(file)
      .slice(1)
      .filter(Boolean)
      .map((l) => JSON.parse(l).seq as number)
      .sort((x, y) => x - y);
    expect(seqs[0]).toBe(0);
    expect((seqs[seqs.length - 1] as number) - (seqs.length - 1)).toBeLessThanOrEqual(2);
  });
});
