import { z } from 'zod';
import { PROBE_KINDS } from '../../probes/kinds/registry.js';
import type { JsonSchemaOverride } from '../../scenario/json-schema.js';
import { oneOfKeys } from '../../scenario/json-schema.js';
import { FAULTS } from '../faults/registry.js';
import { RESOURCE_KINDS } from '../resources/registry.js';
import { k6Load } from './load.js';
import { scenarioSchema } from './scenario.js';

export const SCENARIO_SCHEMA_ID = 'https://drillproof.dev/schema/scenario.schema.json';

type Json = Record<string, unknown>;

/**
 * "One of these keys" rules live in zod refinements, which JSON Schema output cannot see; each
 * probe kind, resource type and fault type adds its own (its definition's `jsonSchema`), so
 * editors (and any JSON Schema validator) reject the same entries drillproof does.
 */
function overrides(): Map<unknown, JsonSchemaOverride> {
  const m = new Map<unknown, JsonSchemaOverride>([[k6Load, oneOfKeys(['script', 'generate', 'external'])]]);
  for (const d of [...RESOURCE_KINDS, ...PROBE_KINDS, ...FAULTS]) if (d.jsonSchema) m.set(d.schema, d.jsonSchema);
  return m;
}

/**
 * The scenario JSON Schema (draft 2020-12), generated from the zod schema: what editors use through
 * yaml-language-server. It describes the input (defaults are optional). Cross-references between
 * sections (a fault naming a resource) are checked only by drillproof itself.
 */
export function scenarioJsonSchema(): Json {
  const o = overrides();
  const schema = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => o.get(ctx.zodSchema)?.(ctx.jsonSchema as Json),
  });
  // Top-level `x-` keys are ignored by the loader (a place for YAML anchors).
  return { ...schema, patternProperties: { '^x-': {} }, $id: SCENARIO_SCHEMA_ID };
}
