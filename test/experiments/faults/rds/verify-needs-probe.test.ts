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
  for (const rel of [
    'scenarios/aws/rds-snapshot-restore.yaml',
    'scenarios/aws/backup-restore-rds.yaml',
    'scenarios/aws/backup-restore-aurora.yaml',
  ]) {
    it(`${rel} validates with its probe and is refused without one, naming verify and the fix`, () => {
      const file = join(repoRoot, rel);
      expect(problemsOf(readFileSync(file, 'utf8'), file)).toBe('');
      const p = problemsOf(withoutProbes(rel), file);
      expect(p).toContain('verify');
      expect(p).toContain('add a postgres-heartbeat or mysql-heartbeat probe');
    });
  }
});

describe('backup-restore of an Aurora cluster names its source', () => {
  const rel = 'scenarios/aws/backup-restore-aurora.yaml';
  const file = join(repoRoot, rel);
  const text = readFileSync(file, 'utf8');
  it('is refused without resource or resourceArn, naming the aurora-cluster resource', () => {
    const p = problemsOf(text.replace(/^ {6}resource: cluster\n/m, ''), file);
    expect(p).toContain('name the backed-up cluster: resource (an aurora-cluster) or resourceArn');
  });
  it('accepts a cluster ARN instead of the resource', () => {
    const arn = 'arn:aws:rds:us-east-1:123456789012:cluster:shop-aurora';
    expect(problemsOf(text.replace(/^( {6})resource: cluster\n/m, `$1resourceArn: ${arn}\n`), file)).toBe('');
  });
  it('still refuses the types not restored yet', () => {
    const p = problemsOf(text.replace('resourceType: aurora-cluster', 'resourceType: efs-file-system'), file);
    expect(p).toContain('backup-restore of efs-file-system is not supported yet');
  });
});
