import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../../../src/experiments/load.js';
import { repoRoot } from '../../../_helpers/scenario-files.js';

/**
 * A restore's verification queries connect with a database heartbeat probe's settings, so a
 * scenario with queries and no such probe is refused by validate, not at preflight.
 */
const withoutProbes = (rel: string) => {
  const text = readFileSync(join(repoRoot, rel), 'utf8');
  // Drop the top-level probes block and every heartbeatProbe reference to it.
  const stripped = text.replace(/^probes:\n(?:[ #].*\n|\n)*?(?=^\S)/m, '').replace(/^\s*heartbeatProbe: \w+.*\n/m, '');
  expect(stripped).not.toMatch(/^probes:/m);
  return stripped;
};

function problemsOf(text: string, file: string): string {
  try {
    parseScenarioText(text, file);
    return '';
  } catch (e) {
    return JSON.stringify((e as { problems?: unknown }).problems ?? String(e));
  }
}

describe('restore verification needs a database heartbeat probe', () => {
  for (const rel of ['scenarios/aws/rds-snapshot-restore.yaml', 'scenarios/aws/backup-restore-rds.yaml']) {
    it(`${rel} validates with its probe and is refused without one, naming verify and the fix`, () => {
      const file = join(repoRoot, rel);
      expect(problemsOf(readFileSync(file, 'utf8'), file)).toBe('');
      const p = problemsOf(withoutProbes(rel), file);
      expect(p).toContain('verify');
      expect(p).toContain('add a postgres-heartbeat or mysql-heartbeat probe');
    });
  }
});
