/**
 * The scenario language: zod schemas (single source of truth) and their inferred types. The
 * probe, resource and fault sections are unions assembled from their registries.
 */

export { PROBE_TYPES, type Probe, type ProbeType, probeSchema } from '../../probes/kinds/registry.js';
export * from '../../scenario/common.js';
export * from '../../scenario/helpers.js';
export * from '../../scenario/objectives.js';
export { FAULT_TYPES, type Fault, type FaultOf, type FaultType, faultSchema } from '../faults/registry.js';
export { RESOURCE_TYPES, type Resource, type ResourceType, resourceSchema } from '../resources/registry.js';
export * from './evidence.js';
export * from './guardrails.js';
export * from './json-schema.js';
export * from './load.js';
export * from './metadata.js';
export * from './reference.js';
export * from './rollback.js';
export * from './scenario.js';
export * from './steps.js';
export * from './target.js';
