/** The scenario language: zod schemas (single source of truth) and their inferred types. */
export * from '../../scenario/common.js';
export * from '../../scenario/helpers.js';
export * from '../../scenario/objectives.js';
export * from './evidence.js';
export * from './faults.js';
export * from './guardrails.js';
export * from './json-schema.js';
export * from './load.js';
export * from './metadata.js';
export * from './probes.js';
export * from './reference.js';
export * from './resources.js';
export * from './rollback.js';
export * from './scenario.js';
export * from './steps.js';
export * from './target.js';
