import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  engineInverseNames,
  FAULT_TYPES,
  FAULTS,
  faultSchema,
  inverseActionNames,
} from '../../../src/experiments/faults/registry.js';
import { resourceSchema } from '../../../src/experiments/resources/registry.js';
import { jsonSchemaTypes, referenceHeadings, referenceRowTypes, unionTypes } from '../../_helpers/registry-lists.js';
import { repoRoot } from '../../_helpers/scenario-files.js';

/** One fault type is one module: every list of fault types users see is the registry's. */
const pagesDir = join(repoRoot, 'docs/faults');
const pages = readdirSync(pagesDir).filter((f) => f.endsWith('.md'));

describe('fault registry', () => {
  it('the scenario schema union is the registry, in its order', () => {
    expect(unionTypes(faultSchema)).toEqual([...FAULT_TYPES]);
    expect(FAULT_TYPES.length).toBeGreaterThanOrEqual(11);
  });

  it('the generated JSON Schema and docs/scenario-reference.md list exactly the registered types', () => {
    expect(jsonSchemaTypes(['steps', 'faults'])).toEqual([...FAULT_TYPES]);
    expect(referenceRowTypes('steps.faults')).toEqual([...FAULT_TYPES]);
    expect(referenceHeadings('steps.faults[]')).toEqual([...FAULT_TYPES]);
  });

  it('docs/faults has one page per registered type, and its example is a valid step of that type', () => {
    expect(pages.map((p) => p.replace(/\.md$/, '')).sort()).toEqual([...FAULT_TYPES].sort());
    for (const type of FAULT_TYPES) {
      const text = readFileSync(join(pagesDir, `${type}.md`), 'utf8');
      expect(text.split('\n')[0], type).toMatch(new RegExp(`^# \`${type}\`: `));
      const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
      expect(yaml, `${type}.md has a yaml example`).toBeDefined();
      // A list of steps, or a scenario fragment whose resources are checked too.
      const doc = parse(yaml as string) as
        | unknown[]
        | { resources?: Record<string, unknown>; steps: { faults: unknown[] } };
      const steps = Array.isArray(doc) ? doc : doc.steps.faults;
      expect(steps.length, `${type}.md example`).toBeGreaterThan(0);
      for (const step of steps) {
        const r = faultSchema.safeParse(step);
        expect(r.success ? r.data.type : r.error.message, `${type}.md example`).toBe(type);
      }
      for (const [name, sel] of Object.entries(Array.isArray(doc) ? {} : (doc.resources ?? {}))) {
        const r = resourceSchema.safeParse(sel);
        expect(r.success || r.error.message, `${type}.md resource ${name}`).toBe(true);
      }
    }
  });

  it('every registered inverse belongs to a fault module, and every module lists the inverses its plan names', () => {
    const owned = new Set(FAULTS.flatMap((f) => f.inverses.map((h) => h.action)));
    // Besides the modules' own, only the engine's lease releases (test/experiments/lease.test.ts).
    expect(engineInverseNames()).toEqual([
      'ec2.release-lease',
      'rds.release-lease',
      'elasticache.release-lease',
      'ecs.release-lease',
      'lambda.release-lease',
    ]);
    expect([...owned, ...engineInverseNames()].sort()).toEqual(inverseActionNames().sort());
    for (const f of FAULTS) {
      for (const h of f.inverses) expect(h.action, f.type).toMatch(/^(?:[a-z0-9]+\.[a-z0-9-]+|exec|http)$/);
    }
  });
});
