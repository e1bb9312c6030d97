import { z } from 'zod';
import { fisExperimentFault } from './faults.js';
import { k6Load } from './load.js';
import { dnsProbe, httpProbe, mysqlHeartbeatProbe, postgresHeartbeatProbe, tcpProbe } from './probes.js';
import { ec2InstanceSelector, targetGroupSelector } from './resources.js';
import { scenarioSchema } from './scenario.js';

export const SCENARIO_SCHEMA_ID = 'https://drillproof.dev/schema/scenario.schema.json';

type Json = Record<string, unknown>;

/**
 * "One of these keys" rules live in zod refinements, which JSON Schema output cannot see; they are
 * added here so editors (and any JSON Schema validator) reject the same selectors drillproof does.
 */
const oneOfKeys = (keys: string[]) => (js: Json) => {
  js.oneOf = keys.map((k) => ({ required: [k] }));
};
const anyOfKeys = (keys: string[]) => (js: Json) => {
  js.anyOf = keys.map((k) => ({ required: [k] }));
};
const requireKey = (key: string) => (js: Json) => {
  js.required = [...new Set([...((js.required as string[] | undefined) ?? []), key])];
};

const OVERRIDES = new Map<unknown, (js: Json) => void>([
  [ec2InstanceSelector, anyOfKeys(['ids', 'tags', 'targetGroup'])],
  [targetGroupSelector, oneOfKeys(['arn', 'name'])],
  [fisExperimentFault, oneOfKeys(['templateId', 'templateFile', 'template'])],
  [k6Load, oneOfKeys(['script', 'generate', 'external'])],
  [httpProbe, oneOfKeys(['interval', 'rate'])],
  [tcpProbe, requireKey('interval')],
  [dnsProbe, requireKey('interval')],
  [postgresHeartbeatProbe, requireKey('interval')],
  [mysqlHeartbeatProbe, requireKey('interval')],
]);

/**
 * The scenario JSON Schema (draft 2020-12), generated from the zod schema: what editors use through
 * yaml-language-server. It describes the input (defaults are optional). Cross-references between
 * sections (a fault naming a resource) are checked only by drillproof itself.
 */
export function scenarioJsonSchema(): Json {
  const schema = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => OVERRIDES.get(ctx.zodSchema)?.(ctx.jsonSchema as Json),
  });
  // Top-level `x-` keys are ignored by the loader (a place for YAML anchors).
  return { ...schema, patternProperties: { '^x-': {} }, $id: SCENARIO_SCHEMA_ID };
}
