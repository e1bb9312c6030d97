import { describe, expect, it } from 'vitest';
import { DrillproofError, type Problem } from '../../src/errors.js';
import { parseScenarioText } from '../../src/experiments/load.js';
import { closest, levenshtein } from '../../src/experiments/suggest.js';
import { durationMs, percentRatio, probeIntervalMs, recoveryWindowMs } from '../../src/scenario/helpers.js';

const BASE = `version: 1
metadata: { name: t }
target: { provider: lab, region: us-east-1 }
resources:
  web: { type: ec2-instance, tags: { app: web } }
  db: { type: rds-instance, id: lab-db }
probes:
  - { name: web, type: http, url: "http://127.0.0.1:1/", rate: 20/s }
steps:
  baseline: 5s
  faults:
    - { id: stop, type: ec2-stop, resource: web }
    - { id: fo, type: rds-failover, resource: db }
  observe: { timeout: 60s }
objectives: { rto: 30s }
`;

function problems(text: string): Problem[] {
  try {
    parseScenarioText(text, 's.yaml');
  } catch (err) {
    if (DrillproofError.is(err)) return err.problems;
    throw err;
  }
  return [];
}

const at = (p: Problem) =>
  `${p.position?.line}:${p.position?.col} ${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`;

describe('loader', () => {
  it('applies defaults and gives typed values', () => {
    const { scenario, warnings } = parseScenarioText(BASE, 's.yaml');
    // The http probe declares no dependsOn: nothing says it exercises web or db.
    expect(warnings.map((w) => `${w.code} ${w.path}`)).toEqual([
      'NoProbeExercises resources.web',
      'NoProbeExercises resources.db',
    ]);
    const covered = BASE.replace('rate: 20/s }', 'rate: 20/s, dependsOn: [web, db] }');
    expect(parseScenarioText(covered, 's.yaml').warnings).toEqual([]);
    const web = scenario.probes[0];
    expect(web?.type).toBe('http');
    expect(web && probeIntervalMs(web)).toBe(50);
    expect(web && recoveryWindowMs(web)).toBe(5000);
    expect(web?.timeout).toBe('2s');
    expect(scenario.steps.observe.recovery.hold).toBe('10s');
    expect(scenario.rollback).toEqual({ mode: 'auto', steps: [] });
    expect(scenario.guardrails.maxDuration).toBe('15m');
    expect(scenario.evidence.signing).toEqual({ type: 'ecdsa-p256' });
    expect(durationMs('1m30s')).toBe(90_000);
    expect(percentRatio('99.9%')).toBeCloseTo(0.999, 10);
  });

  it('points unknown keys at the key, with the closest allowed key or the list', () => {
    const ps = problems(
      BASE.replace('baseline: 5s', 'baseline: 5s\n  obsrve: {}').replace('{ name: t }', '{ name: t, zzzzzz: 1 }'),
    );
    expect(ps.map(at)).toEqual([
      '2:22 metadata.zzzzzz: unknown key "zzzzzz" (allowed keys here: name, description, owner, ftr, labels)',
      '11:3 steps.obsrve: unknown key "obsrve" (did you mean "observe"?)',
    ]);
  });

  it('says to quote account ids YAML reads as numbers', () => {
    const ps = problems(BASE.replace('region: us-east-1 }', 'region: us-east-1, allowedAccounts: [000000000000] }'));
    expect(ps.map(at)).toEqual([
      '3:63 target.allowedAccounts[0]: account id 0 was read as a number (quote 12-digit account ids, e.g. "000000000000")',
    ]);
  });

  it('checks references between sections, and reports them with the other problems', () => {
    const text = BASE.replace('resource: db }', 'resource: web }')
      .replace('objectives: { rto: 30s }', 'objectives: { rto: 30s, rpo: 0s, latency: [{ probe: api, p95: 1s }] }')
      .replace('baseline: 5s', 'baseline: 5 s');
    expect(problems(text).map(at)).toEqual([
      '10:13 steps.baseline: invalid duration "5 s" (write a number and a unit (ms, s, m, h), e.g. "500ms", "30s", "2m", "1m30s")',
      '13:47 steps.faults[1].resource: rds-failover needs a rds-instance resource, but "web" is ec2-instance',
      '15:30 objectives.rpo: an rpo objective needs a postgres-heartbeat / mysql-heartbeat probe (or an rds-restore fault) to measure it',
      '15:53 objectives.latency[0].probe: unknown probe "api" (probes: web)',
    ]);
  });

  it('refuses lab variables on AWS and AWS without allowed accounts', () => {
    const text = BASE.replace('provider: lab', 'provider: aws').replace('"http://127.0.0.1:1/"', `"\${lab.appUrl}/"`);
    expect(problems(text).map(at)).toEqual([
      '3:9 target.allowedAccounts: provider aws needs allowedAccounts: list the 12-digit account ids this drill may break, e.g. ["123456789012"]',
      `8:35 probes[0].url: \${lab.appUrl} only resolves with target.provider: lab; write the AWS value or \${env.NAME}`,
    ]);
  });

  it('rejects bad rates, percentages and probe schedules', () => {
    const text = BASE.replace('rate: 20/s', 'rate: 0/s, interval: 1s').replace(
      'objectives: { rto: 30s }',
      'objectives: { availability: [{ probe: web, min: 101% }] }',
    );
    expect(problems(text).map(at)).toEqual([
      '8:64 probes[0].rate: a rate must be greater than zero, e.g. "20/s"',
      '8:64 probes[0].rate: give rate or interval, not both',
      '15:49 objectives.availability[0].min: a percentage must be between 0% and 100%',
    ]);
  });

  it('warns (does not fail) about things worth a look', () => {
    const text = BASE.replace(
      'faults:\n',
      'faults:\n    - { id: kill, type: ec2-terminate, resource: web }\n    - { id: x, type: exec, command: [touch, /tmp/x] }\n',
    )
      .replace('rate: 20/s }', 'rate: 20/s, headers: { Authorization: "Bearer abc" } }')
      .replace(
        '  db: { type: rds-instance, id: lab-db }\n',
        '  db: { type: rds-instance, id: lab-db }\n  spare: { type: rds-instance, id: other }\n',
      );
    const { warnings } = parseScenarioText(text, 's.yaml');
    expect(warnings.map((w) => `${w.position?.line}:${w.position?.col} ${w.code} ${w.path}`)).toEqual([
      '13:25 FaultIrreversible steps.faults[0].type',
      '14:37 FaultWithoutInverse steps.faults[1].command',
      '7:10 ResourceUnused resources.spare',
      '5:8 NoProbeExercises resources.web',
      '6:7 NoProbeExercises resources.db',
      '9:96 SecretInline probes[0].headers.Authorization',
    ]);
    expect(warnings.every((w) => w.severity === 'warning')).toBe(true);
  });
});

describe('YAML conveniences', () => {
  it('x- keys hold anchors that probes merge with <<', () => {
    const text = BASE.replace(
      'probes:\n  - { name: web, type: http, url: "http://127.0.0.1:1/", rate: 20/s }',
      'x-http: &http { type: http, rate: 20/s, timeout: 1s }\nprobes:\n  - { <<: *http, name: web, url: "http://127.0.0.1:1/" }',
    );
    expect(text).toContain('<<: *http');
    const { scenario } = parseScenarioText(text, 's.yaml');
    expect(scenario.probes[0]).toMatchObject({ name: 'web', type: 'http', rate: '20/s', timeout: '1s' });
    expect(Object.keys(scenario)).not.toContain('x-http');
  });

  it('other unknown top-level keys are still errors', () => {
    expect(problems(`${BASE}extras: 1\n`).map(at)).toEqual([
      '16:1 extras: unknown key "extras" (allowed keys here: $schema, version, metadata, target, resources, probes, load, steps, rollback, objectives, guardrails, evidence)',
    ]);
  });
});

describe('did you mean', () => {
  it('levenshtein distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('suggests only plausible typos', () => {
    expect(closest('timout', ['timeout', 'interval'])).toBe('timeout');
    expect(closest('start_after', ['startAfter', 'force'])).toBe('startAfter');
    expect(closest('zzzzzz', ['name', 'owner'])).toBeUndefined();
  });
});
