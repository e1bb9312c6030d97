import { z } from 'zod';
import { probeSchema } from '../../probes/kinds/registry.js';
import { name, strict } from '../../scenario/common.js';
import { objectivesSchema } from '../../scenario/objectives.js';
import { resourceSchema } from '../resources/registry.js';
import { crossCheck } from './cross-check.js';
import { evidenceSchema } from './evidence.js';
import { guardrailsSchema } from './guardrails.js';
import { loadSchema } from './load.js';
import { metadataSchema } from './metadata.js';
import { rollbackSchema } from './rollback.js';
import { stepsSchema } from './steps.js';
import { targetSchema } from './target.js';

export const SCENARIO_VERSION = 1;

const scenarioShape = strict({
  $schema: z.string().optional().meta({ description: 'JSON Schema location for editors (ignored).' }),
  version: z.literal(SCENARIO_VERSION, {
    error: (iss) => `unsupported scenario version ${JSON.stringify(iss.input)}: write version: 1`,
  }),
  metadata: metadataSchema,
  target: targetSchema,
  resources: z.record(name, resourceSchema).default({}).meta({ description: 'Named resource selectors.' }),
  probes: z.array(probeSchema).default([]).meta({ description: 'Open-loop probes measuring what users feel.' }),
  load: loadSchema.optional(),
  steps: stepsSchema,
  rollback: rollbackSchema.default({ mode: 'auto', steps: [] }),
  objectives: objectivesSchema.default({ latency: [], availability: [], maxErrorRate: [] }),
  guardrails: guardrailsSchema.default({ maxDuration: '15m', abort: [], cloudwatchAlarms: [], confirm: 'auto' }),
  evidence: evidenceSchema.default({ dir: 'runs', signing: { type: 'ecdsa-p256' } }),
});

/** The whole scenario: the single source of truth for the scenario language. */
export const scenarioSchema = scenarioShape.superRefine(crossCheck, { when: () => true }).meta({
  title: 'drillproof scenario',
  description: 'A resilience drill: what to break, what to measure, what must hold, how to undo it.',
});

export type Scenario = z.infer<typeof scenarioSchema>;
/** The scenario as written (before defaults are applied). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
