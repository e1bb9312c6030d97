import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'drillproof.js');

/** Runs the CLI with stdout closed by the reader right away, as `drillproof schema | head -1` does. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.destroy();
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('a reader that closes stdout early', () => {
  it('`schema | head -1`: exit 0, no stack trace', async () => {
    const r = await withClosedStdout(['schema']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('`schema --reference | head -1` and `validate --json` the same', async () => {
    for (const args of [
      ['schema', '--reference'],
      ['validate', 'scenarios', '--json'],
    ]) {
      const r = await withClosedStdout(args);
      expect(r.stderr).not.toContain('EPIPE');
      expect(r.stderr).not.toContain('    at ');
      expect(r.code).toBe(0);
    }
  });
});
