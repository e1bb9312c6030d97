/** Probes: open-loop probe kinds (one module each, kinds/), the scheduler, the sample store, k6. */
export * from './config.js';
export { type CredentialContext, passwordProvider } from './credentials.js';
export {
  type ErrorRateRule,
  formatLive,
  type ProbeRunHandle,
  type ProbeRunResult,
  type StartProbesOptions,
  startProbes,
} from './engine.js';
export type { ProbeDefinition, ProbeEndpoint, RunnerContext } from './kinds/definition.js';
export { httpProbe } from './kinds/http/definition.js';
export type { HttpProbeConfig } from './kinds/http/runner.js';
export {
  createProbeRunner,
  PROBE_KINDS,
  PROBE_TYPES,
  type Probe,
  type ProbeConfig,
  type ProbeType,
  probeKind,
  probeSchema,
} from './kinds/registry.js';
export type { LiveProbeStats } from './live.js';
export type { ProbeAttempt, ProbeOutcome, ProbeRunner } from './runner.js';
export { probeConfigFromScenario, probeConfigsFromScenario } from './scenario-config.js';
export { type ScenarioProbeSession, startScenarioProbes } from './session.js';
export { SampleWriter } from './store.js';
