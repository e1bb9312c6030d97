export type { HeartbeatReadback, Sample, SampleFileHeader } from '../run/samples.js';
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
export type { LiveProbeStats } from './live.js';
export type { ProbeAttempt, ProbeOutcome, ProbeRunner } from './runner.js';
export { loadScenarioProbes, probeConfigFromScenario, probeConfigsFromScenario } from './scenario-config.js';
export { type ScenarioProbeSession, startScenarioProbes } from './session.js';
export { SampleWriter } from './store.js';
