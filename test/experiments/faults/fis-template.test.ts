import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import { loadFisTemplateFile, loadScenarioFile, parseScenarioText } from '../../../src/experiments/load.js';
import { fisFixturesDir } from '../../_helpers/scenario-files.js';

// Every template fixture; drillproof's own (lab-*.json, drillproof-*.json) sit next to the twelve real ones.
const templates = readdirSync(fisFixturesDir).filter((f) => f.endsWith('.json'));
const real = templates.filter((f) => !f.startsWith('lab-') && !f.startsWith('drillproof-'));
const dir = mkdtempSync(join(tmpdir(), 'dp-fis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioWith(fault: string, provider = 'lab'): string {
  return `version: 1
metadata: { name: fis }
target: { provider: ${provider}, region: us-east-1, allowedAccounts: ["000000000000"] }
probes: [{ name: web, type: http, url: "http://127.0.0.1:1/", interval: 100ms }]
steps:
  baseline: 5s
  faults:
${fault}
  observe: { timeout: 60s }
objectives: { rto: 30s }
`;
}

describe('real FIS templates (aws-samples/fis-template-library)', () => {
  it('there are a dozen real ones', () => expect(real.length).toBe(12));

  it.each(templates)('%s validates as it is, as a file', (file) => {
    const r = loadFisTemplateFile(join(fisFixturesDir, file));
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.template?.actions ?? {}).length).toBeGreaterThan(0);
  });

  it.each(templates)('%s validates inline (as JSON in YAML) and by templateFile', (file) => {
    const json = readFileSync(join(fisFixturesDir, file), 'utf8');
    const inline = parseScenarioText(
      scenarioWith(`    - id: t\n      type: fis-experiment\n      template: ${json.replace(/\n/g, '\n        ')}`),
      'inline.yaml',
    );
    expect(inline.scenario.steps.faults[0]?.type).toBe('fis-experiment');
    copyFileSync(join(fisFixturesDir, file), join(dir, file));
    writeFileSync(
      join(dir, `${file}.yaml`),
      scenarioWith(`    - { id: t, type: fis-experiment, templateFile: ${file} }`),
    );
    const byFile = loadScenarioFile(join(dir, `${file}.yaml`));
    expect((byFile.attachments.t as { description?: string } | undefined)?.description).toBe(
      JSON.parse(json).description,
    );
  });

  it('actions drillproof cannot watch are accepted with a warning, not rejected', () => {
    copyFileSync(join(fisFixturesDir, 'mysql-rds-loadtest-failover-template.json'), join(dir, 'mysql.json'));
    writeFileSync(
      join(dir, 'mysql.yaml'),
      scenarioWith('    - { id: t, type: fis-experiment, templateFile: mysql.json }', 'aws'),
    );
    const r = loadScenarioFile(join(dir, 'mysql.yaml'));
    const codes = r.warnings.map((w) => w.code);
    expect(codes.filter((c) => c === 'FisActionNotObservable')).toHaveLength(2);
    expect(r.warnings.find((w) => w.code === 'FisActionNotObservable')?.message).toMatch(
      /"RunLoadTest" \(aws:ssm:send-command\)/,
    );
    expect(r.warnings.find((w) => w.code === 'FisActionNotObservable')?.position).toEqual({
      file: join(dir, 'mysql.yaml'),
      line: 8,
      col: 52,
    });
    // On AWS, placeholders left in the role ARN are pointed out.
    expect(r.warnings.find((w) => w.code === 'FisTemplatePlaceholder')?.message).toContain('<YOUR AWS ACCOUNT>');
    // startAfterDelay is not in the FIS API: accepted, dropped before sending, and said so.
    const delay = r.warnings.filter((w) => w.code === 'FisStartAfterDelayUnsupported');
    expect(delay.map((w) => w.message)).toEqual([expect.stringContaining('AWS FIS does not support')]);
    expect(delay[0]?.hint).toMatch(/aws:fis:wait action with duration PT5M/);
  });

  it('a broken template file is reported at its own file:line:col', () => {
    writeFileSync(
      join(dir, 'broken.json'),
      JSON.stringify(
        {
          description: 'x',
          targets: { t: { resourceType: 'aws:ec2:instance', resourceTags: { a: 'b' }, selectionMode: 'SOME' } },
          actions: {
            a: {
              actionId: 'aws:ec2:stop-instances',
              parameters: { startInstancesAfterDuration: 5 },
              targets: { Instances: 'nope' },
            },
          },
          stopConditions: [{ source: 'none' }],
          roleArn: 'arn:aws:iam::000000000000:role/r',
          extra: true,
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(dir, 'broken.yaml'),
      scenarioWith('    - { id: t, type: fis-experiment, templateFile: broken.json }'),
    );
    let err: unknown;
    try {
      loadScenarioFile(join(dir, 'broken.yaml'));
    } catch (e) {
      err = e;
    }
    expect(DrillproofError.is(err)).toBe(true);
    const lines = (err as DrillproofError).problems.map(
      (p) => `${p.position?.file}:${p.position?.line}:${p.position?.col}: ${p.path}: ${p.message}`,
    );
    expect(lines[0]).toMatch(
      /broken\.yaml:8:52: steps\.faults\[0\]\.templateFile: FIS template file broken\.json is not valid/,
    );
    const rest = lines.slice(1).join('\n');
    expect(rest).toMatch(/broken\.json:9:24: targets\.t\.selectionMode: invalid selectionMode "SOME"/);
    expect(rest).toMatch(
      /broken\.json:16:40: actions\.a\.parameters\.startInstancesAfterDuration: FIS parameters are strings: write "5"/,
    );
    expect(rest).toMatch(/broken\.json:29:3: extra: unknown key "extra"/);
    expect(rest).toMatch(/actions\.a\.targets\.Instances: action "a" uses target "nope"/);
  });

  it('exactly one of templateId, templateFile, template', () => {
    expect(() => parseScenarioText(scenarioWith('    - { id: t, type: fis-experiment }'), 's.yaml')).toThrow(
      /1 problem/,
    );
    expect(() =>
      parseScenarioText(
        scenarioWith('    - { id: t, type: fis-experiment, templateId: EXT1, templateFile: a.json }'),
        's.yaml',
      ),
    ).toThrow(/1 problem/);
  });
});
