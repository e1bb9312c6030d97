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
export { listSampleFiles, readSampleFile } from './read.js';
export type { ProbeAttempt, ProbeOutcome, ProbeRunner } from './runner.js';
export * from './sample.js';
export { loadScenarioProbes, probeConfigFromScenario, probeConfigsFromScenario } from './scenario-config.js';
export { type ScenarioProbeSession, startScenarioProbes } from './session.js';
export { SampleWriter, sampleFilePath, samplesDir } from './store.js';
