import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from any cwd). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Every shipped scenario: scenarios/**\/*.yaml, relative to the repository root. */
export function shippedScenarios(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) out.push(p);
    }
  };
  walk('scenarios');
  return out.sort();
}

export const badFixturesDir = join(repoRoot, 'test/_fixtures/scenarios');
export const fisFixturesDir = join(repoRoot, 'test/_fixtures/fis-templates');
