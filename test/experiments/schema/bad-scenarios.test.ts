import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import { loadScenarioFile, MAX_SCENARIO_BYTES } from '../../../src/experiments/load.js';
import { runCli } from '../../_helpers/cli.js';
import { badFixturesDir } from '../../_helpers/scenario-files.js';

/** Each bad fixture: a problem that must be reported at this line:col, with this field path. */
const CASES: { file: string; line: number; col: number; path: string; text: RegExp }[] = [
  { file: 'wrong-types.yaml', line: 8, col: 57, path: 'resources.web.count', text: /expected a number, got "one"/ },
  { file: 'wrong-types.yaml', line: 18, col: 57, path: 'steps.faults[0].force', text: /expected true or false/ },
  {
    file: 'unknown-keys.yaml',
    line: 4,
    col: 3,
    path: 'metadata.ownr',
    text: /unknown key "ownr"\n\s+hint: did you mean "owner"\?/,
  },
  {
    file: 'unknown-keys.yaml',
    line: 13,
    col: 50,
    path: 'steps.faults[0].startAftr',
    text: /did you mean "startAfter"/,
  },
  {
    file: 'bad-durations.yaml',
    line: 10,
    col: 68,
    path: 'probes[0].interval',
    text: /a duration needs a unit, got number 100\n\s+hint: write "100s"/,
  },
  { file: 'bad-durations.yaml', line: 10, col: 82, path: 'probes[0].timeout', text: /invalid duration "2 seconds"/ },
  { file: 'bad-durations.yaml', line: 15, col: 23, path: 'steps.observe.timeout', text: /invalid duration "5min"/ },
  {
    file: 'missing-targets.yaml',
    line: 8,
    col: 8,
    path: 'resources.web',
    text: /selects nothing: give ids, tags or targetGroup/,
  },
  {
    file: 'missing-targets.yaml',
    line: 12,
    col: 45,
    path: 'steps.faults[0].resource',
    text: /unknown resource "webs"/,
  },
  { file: 'missing-sections.yaml', line: 1, col: 1, path: 'target', text: /missing required field "target"/ },
  { file: 'malformed.yaml', line: 6, col: 1, path: 'metadata.description', text: /YAML syntax error/ },
  { file: 'duplicate-keys.yaml', line: 9, col: 3, path: 'steps.baseline', text: /duplicate key "baseline"/ },
  {
    file: 'inline-password.yaml',
    line: 11,
    col: 84,
    path: 'probes[0].connection.password',
    text: /secrets are never written inline.*\n\s+hint: write \{env: NAME\}/,
  },
  {
    file: 'unknown-fault-type.yaml',
    line: 12,
    col: 29,
    path: 'steps.faults[0].type',
    text: /did you mean "rds-failover"/,
  },
  { file: 'empty.yaml', line: 1, col: 1, path: '', text: /file is empty/ },
  { file: 'binary-garbage.yaml', line: 1, col: 1, path: '', text: /not UTF-8 text \(byte 0x89 at offset 0\)/ },
];

const STACK = /\n\s+at .+\(|node:internal|\.ts:\d+:\d+\)/;

describe('bad scenarios exit 2 with file:line:col and the field path', () => {
  it.each(CASES)('$file: $path at $line:$col', async (c) => {
    const file = join(badFixturesDir, c.file);
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    const where = `${file}:${c.line}:${c.col}: ${c.path ? `${c.path}: ` : ''}`;
    const line = r.stdout.split('\n').findIndex((l) => l.startsWith(where));
    expect(line, r.stdout).toBeGreaterThanOrEqual(0);
    expect(r.stdout.split('\n').slice(line).join('\n')).toMatch(c.text);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  });

  it('run and plan refuse them the same way (plan exits 2, prints problems on stderr, no stack)', async () => {
    const r = await runCli(['plan', join(badFixturesDir, 'unknown-keys.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown-keys\.yaml:4:3: metadata\.ownr: unknown key "ownr"/);
    expect(r.stderr).toContain('error [ScenarioInvalid]');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('reports every problem of every file in one run', async () => {
    const r = await runCli(['validate', badFixturesDir]);
    expect(r.code).toBe(2);
    const files = new Set(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('invalid '))
        .map((l) => l.split(':')[0]),
    );
    expect(files.size).toBe(11);
    expect(r.stderr).toContain('0 valid, 11 invalid');
  });

  describe('a 5 MB file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-big-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is refused before parsing, with a position and no stack', async () => {
      const file = join(dir, 'big.yaml');
      const line = `# ${'x'.repeat(98)}\n`;
      writeFileSync(file, `version: 1\n${line.repeat(Math.ceil((5 * 1024 * 1024) / line.length))}`);
      const started = performance.now();
      const r = await runCli(['validate', file]);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(
        new RegExp(`${file}:1:1: file is 5\\.0 MB; a scenario may be at most ${MAX_SCENARIO_BYTES / 1048576} MB`),
      );
      expect(r.stdout + r.stderr).not.toMatch(STACK);
    });
  });

  it('a missing file is a user error with the path', async () => {
    const r = await runCli(['validate', join(badFixturesDir, 'no-such-file.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/no-such-file\.yaml:1:1: file not found/);
  });

  it('the loader throws only DrillproofError ScenarioInvalid with source user', () => {
    let caught: unknown;
    try {
      loadScenarioFile(join(badFixturesDir, 'wrong-types.yaml'));
    } catch (err) {
      caught = err;
    }
    expect(DrillproofError.is(caught)).toBe(true);
    const e = caught as DrillproofError;
    expect(e.code).toBe('ScenarioInvalid');
    expect(e.source).toBe('user');
    expect(e.problems.map((p) => p.path)).toEqual([
      'resources.web.count',
      'probes[0].maxInFlight',
      'steps.faults[0].force',
    ]);
  });

  it('--json gives the problems as data', async () => {
    const r = await runCli(['validate', '--json', join(badFixturesDir, 'unknown-keys.yaml')]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      files: { problems: { path: string; hint?: string; position: { line: number } }[] }[];
    };
    expect(doc.ok).toBe(false);
    expect(doc.files[0]?.problems.map((p) => [p.path, p.position.line, p.hint])).toEqual([
      ['metadata.ownr', 4, 'did you mean "owner"?'],
      ['steps.faults[0].startAftr', 13, 'did you mean "startAfter"?'],
    ]);
  });
});
