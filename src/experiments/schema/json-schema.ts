import { z } from 'zod';
import { scenarioSchema } from './scenario.js';

export const SCENARIO_SCHEMA_ID = 'https://drillproof.dev/schema/scenario.schema.json';

/**
 * The scenario JSON Schema (draft 2020-12), generated from the zod schema: what editors use through
 * yaml-language-server. It describes the input (defaults are optional). Cross-references between
 * sections (a fault naming a resource) are checked only by drillproof itself.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return { ...schema, $id: SCENARIO_SCHEMA_ID };
}
