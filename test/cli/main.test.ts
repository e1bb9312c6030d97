import { describe, expect, it } from 'vitest';
import { runCli } from '../_helpers/cli.js';

describe('cli', () => {
  it('prints the version from package.json', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['no-such-command'])).code).toBe(2);
    expect((await runCli(['--no-such-flag'])).code).toBe(2);
  });
});
