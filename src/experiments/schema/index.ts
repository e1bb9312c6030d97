/** The scenario language: zod schemas (single source of truth) and their inferred types. */
export * from './common.js';
export * from './evidence.js';
export * from './faults.js';
export * from './guardrails.js';
export * from './helpers.js';
export * from './json-schema.js';
export * from './load.js';
export * from './metadata.js';
export * from './objectives.js';
export * from './probes.js';
export * from './reference.js';
export * from './resources.js';
export * from './rollback.js';
export * from './scenario.js';
export * from './steps.js';
export * from './target.js';
