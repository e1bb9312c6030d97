import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, signedPack } from '../../_helpers/evidence.js';

afterAll(cleanupTempDirs);

const run = promisify(execFile);

/** The ```bash block of VERIFY.md, exactly as an auditor would copy it. */
async function recipe(dir: string): Promise<string> {
  const md = await readFile(join(dir, 'VERIFY.md'), 'utf8');
  const blocks = [...md.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
  expect(blocks).toHaveLength(1);
  return blocks[0] as string;
}

async function runRecipe(dir: string, script: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run('bash', ['-c', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('the VERIFY.md recipe (openssl, jq, coreutils)', () => {
  it('checks an Ed25519 pack with openssl pkeyutl -rawin, and rejects a changed signature', async () => {
    const { dir } = await signedPack('ec2-stop-passed', 'ed25519');
    const script = await recipe(dir);
    expect(script).toContain('openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin');
    const ok = await runRecipe(dir, script);
    expect(ok.out).toContain('OK: evidence pack verified');
    expect(ok.code).toBe(0);
    const bundlePath = join(dir, 'evidence.sigstore.json');
    const bundle = JSON.parse(await readFile(bundlePath, 'utf8'));
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    sig[10] = (sig[10] as number) ^ 0x01;
    bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    await writeFile(bundlePath, JSON.stringify(bundle));
    const bad = await runRecipe(dir, script);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('FAIL: signature does not verify');
  });

  it('verifies an untouched ECDSA pack and fails, naming the problem, after each kind of tampering', async () => {
    const { dir } = await signedPack('az-impairment-failed', 'ecdsa-p256');
    const script = await recipe(dir);
    const ok = await runRecipe(dir, script);
    expect(ok.out).toContain('OK: evidence pack verified');
    expect(ok.code).toBe(0);

    // One changed byte in the HTML report.
    const html = await readFile(join(dir, 'report.html'));
    const changed = Buffer.from(html);
    changed[100] = (changed[100] as number) ^ 0x20;
    await writeFile(join(dir, 'report.html'), changed);
    let r = await runRecipe(dir, script);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('report.html: FAILED');
    await writeFile(join(dir, 'report.html'), html);

    // A removed sample file.
    const samples = await readFile(join(dir, 'samples/heartbeat.ndjson'));
    await rm(join(dir, 'samples/heartbeat.ndjson'));
    r = await runRecipe(dir, script);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/samples\/heartbeat\.ndjson: FAILED open or read/);
    await writeFile(join(dir, 'samples/heartbeat.ndjson'), samples);

    // An added file.
    await writeFile(join(dir, 'extra.txt'), 'not signed\n');
    r = await runRecipe(dir, script);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('> extra.txt');
    await rm(join(dir, 'extra.txt'));

    // A swapped signature (one byte of the signature changed).
    const bundlePath = join(dir, 'evidence.sigstore.json');
    const bundleText = await readFile(bundlePath, 'utf8');
    const bundle = JSON.parse(bundleText);
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 3] = (sig[sig.length - 3] as number) ^ 0x01;
    bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    await writeFile(bundlePath, JSON.stringify(bundle));
    r = await runRecipe(dir, script);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('FAIL: signature does not verify');
    await writeFile(bundlePath, bundleText);

    // A different trusted fingerprint.
    r = await runRecipe(dir, `EXPECTED_FINGERPRINT=${'0'.repeat(64)}\n${script}`);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('is not the trusted one');

    expect((await runRecipe(dir, script)).code).toBe(0);
  });
});
