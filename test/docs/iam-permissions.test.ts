import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderIamPermissionsDoc } from '../../src/experiments/iam-doc.js';
import { runCli } from '../_helpers/cli.js';

describe('docs/iam-permissions.md', () => {
  it('is what the shipped AWS scenarios need today (run `npm run docs:iam` when this fails)', () => {
    expect(readFileSync('docs/iam-permissions.md', 'utf8')).toBe(renderIamPermissionsDoc('scenarios/aws'));
  });

  it('shows the same policy as `drillproof iam-policy` for a scenario', async () => {
    // GIVEN the documented policy block of the az-impairment scenario
    const doc = readFileSync('docs/iam-permissions.md', 'utf8');
    const section = doc.split('## az-impairment')[1] ?? '';
    const documented = JSON.parse(section.split('```json')[1]?.split('```')[0] ?? 'null');
    // WHEN the CLI prints the policy
    const r = await runCli(['iam-policy', 'scenarios/aws/az-impairment.yaml']);
    // THEN they are the same, and it can stop and start instances
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(documented);
    expect(r.stdout).toContain('ec2:StopInstances');
    expect(r.stdout).toContain('ec2:StartInstances');
  });
});
