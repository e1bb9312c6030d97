import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/render.js';
import { FlakyServer } from '../_helpers/flaky-server.js';

let srv: FlakyServer;
beforeAll(async () => {
  srv = await FlakyServer.start();
});
afterAll(async () => {
  await srv.close();
});

/** A terminal: raw-mode stdin we can type into, a TTY stderr that shows the live line. */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[] });
  const rawStdin = Object.assign(stdin, { setRawMode: (on: boolean) => stdin.raw.push(on) });
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const io: CliIo = { stdin: rawStdin, stdout, stderr, env: {} };
  return { io, stdin: rawStdin, out: () => out, err: () => err };
}

describe('drillproof probe on a terminal', () => {
  it('records F when f is pressed, shows the live line, stops on q', async () => {
    const t = terminal();
    const dir = mkdtempSync(join(tmpdir(), 'dp-keys-'));
    const run = main(['probe', srv.url, '--rate', '20/s', '--out', dir], t.io);
    await new Promise((r) => setTimeout(r, 1300));
    const before = Date.now();
    t.stdin.write('f');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(join(dir, 'fault.json'))).toBe(true);
    const f = JSON.parse(readFileSync(join(dir, 'fault.json'), 'utf8'));
    expect(f.source).toBe('key');
    expect(Math.abs(f.faultAtMs - before)).toBeLessThan(200);
    t.stdin.write('q');
    expect(await run).toBe(0);
    expect(t.stdin.raw).toEqual([true, false]);
    // The live line is redrawn in place: carriage return, erase line, then the figures.
    expect(t.err()).toContain('\r\x1b[2Kprobing ');
    expect(t.err()).toMatch(/probing \d+s http \d+\/s ok \d+\.\d% p95 /);
    expect(t.err()).toContain('fault time recorded');
    expect(t.out()).toMatch(/RTO \d/);
  });
});
