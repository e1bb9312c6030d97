import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../../../src/experiments/schema/json-schema.js';
import { scenarioReferenceMarkdown } from '../../../src/experiments/schema/reference.js';
import { runCli } from '../../_helpers/cli.js';
import { badFixturesDir, repoRoot, shippedScenarios } from '../../_helpers/scenario-files.js';

// Enough structure to edit a parsed scenario in tests.
type Scn = { resources: Record<string, unknown>; probes: Record<string, unknown>[] };

/** Bad fixtures that parse as YAML: an independent validator must reject each of them. */
const SCHEMA_REJECTS = [
  'wrong-types.yaml',
  'unknown-keys.yaml',
  'bad-durations.yaml',
  'missing-targets.yaml',
  'missing-sections.yaml',
  'inline-password.yaml',
  'unknown-fault-type.yaml',
];

let cache: ReturnType<typeof compile> | undefined;
const compiled = () => {
  cache ??= compile();
  return cache;
};

async function compile() {
  const r = await runCli(['schema']);
  expect(r.code).toBe(0);
  const schema = JSON.parse(r.stdout) as Record<string, unknown>;
  // ajv (not zod) is the independent judge here.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return { schema, validate: ajv.compile(schema) };
}

describe('drillproof schema', () => {
  it('prints a valid draft 2020-12 JSON Schema', async () => {
    const { schema } = await compiled();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'metadata', 'target', 'steps']));
  });

  it.each(shippedScenarios())('accepts %s', async (file) => {
    const { validate } = await compiled();
    const ok = validate(parse(readFileSync(join(repoRoot, file), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(SCHEMA_REJECTS)('rejects %s', async (file) => {
    const { validate } = await compiled();
    expect(validate(parse(readFileSync(join(badFixturesDir, file), 'utf8')))).toBe(false);
  });

  it('rejects the selector and schedule mistakes drillproof rejects', async () => {
    const { validate } = await compiled();
    const base = parse(readFileSync(join(repoRoot, 'scenarios/lab/az-impairment.yaml'), 'utf8')) as Scn;
    expect(validate(base)).toBe(true);
    const noSelector = structuredClone(base);
    noSelector.resources.web = { type: 'ec2-instance' };
    expect(validate(noSelector)).toBe(false);
    const twoSchedules = structuredClone(base);
    (twoSchedules.probes[0] as Record<string, unknown>).interval = '50ms';
    expect(validate(twoSchedules)).toBe(false);
    const noSchedule = structuredClone(base);
    delete (noSchedule.probes[1] as Record<string, unknown>).interval;
    expect(validate(noSchedule)).toBe(false);
  });

  it('the committed schema/scenario.schema.json is the generated one (npm run schema)', () => {
    const committed = JSON.parse(readFileSync(join(repoRoot, 'schema/scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(scenarioJsonSchema());
  });

  it('docs/scenario-reference.md is generated from the schema (npm run schema)', () => {
    expect(readFileSync(join(repoRoot, 'docs/scenario-reference.md'), 'utf8')).toBe(scenarioReferenceMarkdown());
  });

  it('the reference documents every fault and probe type', () => {
    const md = scenarioReferenceMarkdown();
    for (const t of ['ec2-stop', 'rds-restore', 'fis-experiment', 'az-impairment', 'exec', 'http']) {
      expect(md).toContain(`### steps.faults[] (type: ${t})`);
    }
    for (const t of ['http', 'tcp', 'dns', 'postgres-heartbeat', 'mysql-heartbeat']) {
      expect(md).toContain(`### probes[] (type: ${t})`);
    }
  });
});
