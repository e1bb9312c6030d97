import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../src/experiments/load.js';
import { runCli } from '../../_helpers/cli.js';
import { repoRoot, shippedScenarios } from '../../_helpers/scenario-files.js';

const REQUIRED = [
  'ec2-instance-stop',
  'rds-multi-az-failover',
  'aurora-cluster-failover',
  'rds-snapshot-restore',
  'rds-pitr-restore',
  'az-impairment',
  'fis-template',
];

describe('shipped scenarios', () => {
  const files = shippedScenarios();

  it('ships every required drill for AWS and for the lab', () => {
    for (const name of REQUIRED) {
      expect(files).toContain(`scenarios/aws/${name}.yaml`);
      expect(files).toContain(`scenarios/lab/${name}.yaml`);
    }
  });

  it.each(files)('%s loads without errors, with the schema modeline and comments', (file) => {
    const loaded = loadScenarioFile(join(repoRoot, file));
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/scenario.schema.json');
    // Commented: every scenario explains itself before the first key.
    expect(loaded.text.split('\n').filter((l) => l.startsWith('#')).length).toBeGreaterThanOrEqual(3);
    const lab = file.startsWith('scenarios/lab/');
    expect(loaded.scenario.target.provider).toBe(lab ? 'lab' : 'aws');
    // Lab drills take about a minute: short baseline, observe timeout at most 90 s.
    if (lab) {
      expect(['5s', '10s']).toContain(loaded.scenario.steps.baseline);
      expect(['60s', '90s']).toContain(loaded.scenario.steps.observe.timeout);
    }
    // No warnings on the lab ones; AWS ones only about missing things they cannot know.
    if (lab) expect(loaded.warnings).toEqual([]);
  });

  it('lab database connections use the lab variables and the lab password variable', () => {
    for (const file of shippedScenarios().filter((f) => f.startsWith('scenarios/lab/'))) {
      const { scenario } = loadScenarioFile(join(repoRoot, file));
      for (const p of scenario.probes) {
        if (p.type !== 'postgres-heartbeat') continue;
        // lab-db, or lab-aurora's writer endpoint (same user, database and password).
        const db = (p.connection as { host?: string }).host?.includes('lab.aurora.') ? 'aurora' : 'db';
        const lab = (field: string) => `\${lab.${db}.${field}}`;
        expect(p.connection).toMatchObject({
          host: db === 'aurora' ? lab('writer.host') : lab('host'),
          port: db === 'aurora' ? lab('writer.port') : lab('port'),
          database: lab('database'),
          user: lab('user'),
          password: { env: 'DRILLPROOF_LAB_DB_PASSWORD' },
        });
      }
      for (const r of Object.values(scenario.resources)) {
        if (r.type === 'rds-instance') expect(r.id).toBe('lab-db');
        if (r.type === 'aurora-cluster') expect(['lab-aurora', 'lab-aurora-mysql']).toContain(r.id);
      }
    }
  });

  it('`drillproof validate scenarios` exits 0 (directories are searched recursively)', async () => {
    const r = await runCli(['validate', join(repoRoot, 'scenarios')]);
    expect(r.stderr).toContain(`${shippedScenarios().length} valid, 0 invalid`);
    expect(r.code).toBe(0);
  });

  it('`validate scenarios/*.yaml` (left unexpanded by the shell) includes the sub-folders', async () => {
    const r = await runCli(['validate', `${join(repoRoot, 'scenarios')}/*.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^ok /gm)?.length).toBe(shippedScenarios().length);
    const lab = await runCli(['validate', `${join(repoRoot, 'scenarios/lab')}/az-*.yaml`]);
    expect(lab.stdout.trim().split('\n')).toEqual([`ok ${join(repoRoot, 'scenarios/lab/az-impairment.yaml')}`]);
  });

  it('expands quoted globs', async () => {
    const r = await runCli(['validate', `${join(repoRoot, 'scenarios')}/**/*.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^ok /gm)?.length).toBe(shippedScenarios().length);
  });
});
