import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../_helpers/scenario-files.js';

/** docs/errors-and-messages.md is the registry of codes: it must not list codes that do not exist. */
function sources(dir: string): string {
  let all = '';
  for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) all += sources(p);
    else if (e.name.endsWith('.ts')) all += readFileSync(join(repoRoot, p), 'utf8');
  }
  return all;
}

const doc = readFileSync(join(repoRoot, 'docs/errors-and-messages.md'), 'utf8');
const documented = [...doc.matchAll(/^\| `([A-Za-z0-9_]+)` /gm)].map((m) => m[1] as string);
const src = sources('src');

describe('docs/errors-and-messages.md', () => {
  it('documents codes that exist in the source', () => {
    expect(documented.length).toBeGreaterThan(100);
    const missing = documented.filter((c) => !src.includes(`'${c}'`));
    expect(missing).toEqual([]);
  });

  it('names the files each code is in', () => {
    // The rows of the tables with a `where` column (error codes, message codes).
    const tables = doc
      .split(/\n(?=\| code )/)
      .slice(1)
      .filter((t) => /^\| code +\|(?:.*\|)? where +\|/.test(t));
    const rows = tables.flatMap((t) => [...t.split(/\n(?!\|)/)[0]!.matchAll(/^\| `([A-Za-z0-9_]+)` +\|(.*)\|$/gm)]);
    expect(rows.length).toBeGreaterThan(150);
    const wrong: string[] = [];
    for (const [, code, rest] of rows) {
      const paths = [...(rest as string).matchAll(/`([a-z0-9/.-]+\.ts)`/g)].map((m) => m[1] as string);
      if (paths.length === 0) wrong.push(`${code}: no file`);
      for (const p of paths) {
        const file = join(repoRoot, 'src', p);
        if (!existsSync(file) || !readFileSync(file, 'utf8').includes(`'${code}'`)) wrong.push(`${code}: ${p}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents every error and warning code of the scenario language', () => {
    const own = [
      'src/experiments/load.ts',
      'src/scenario',
      'src/experiments/scenario-warnings.ts',
      'src/experiments/schema',
      'src/cli/commands/validate.ts',
    ];
    const text = own.map((p) => (p.endsWith('.ts') ? readFileSync(join(repoRoot, p), 'utf8') : sources(p))).join('\n');
    const codes = new Set([
      ...[...text.matchAll(/DrillproofError\.(?:user|aws|tool)\(\s*'([A-Za-z0-9]+)'/g)].map((m) => m[1] as string),
      ...[...text.matchAll(/code: '([A-Z][A-Za-z0-9]+)'/g)].map((m) => m[1] as string),
    ]);
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((c) => !documented.includes(c))).toEqual([]);
  });
});
