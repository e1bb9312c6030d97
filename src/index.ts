/** The public library API of drillproof. The CLI is a thin shell over these exports. */

export { type AwsTarget, createAwsApis, createKmsApi } from './aws/clients.js';
export { DrillproofError, type ErrorSource, formatProblem, type Problem } from './errors.js';
export { ExitCode, errorToExitCode, verifyExitCode } from './exit-codes.js';
export { analyzeDrill } from './experiments/analysis/drill.js';
export { type AnalyzeOptions, analyzeRunDir, parseTimeArg } from './experiments/analysis/run-dir.js';
export { type K6DrillOptions, scenarioK6, withK6Load } from './experiments/compose/k6-load.js';
export { type RunFileOptions, runScenarioFile } from './experiments/compose/run-file.js';
export { type RunSigningFlags, sigstoreUrls } from './experiments/compose/run-signer.js';
export { defaultLabDir, readLabFacts } from './experiments/compose/target.js';
export { DEMO_SCENARIOS, runDemo } from './experiments/demo.js';
export { importLoadIntoRun } from './experiments/external-load.js';
export type { FaultDefinition } from './experiments/faults/definition.js';
export { type FisTemplate, fisTemplateSchema, OBSERVABLE_FIS_ACTIONS } from './experiments/faults/fis/template.js';
export { FAULT_TYPES, FAULTS, faultDefinition } from './experiments/faults/registry.js';
export { expandScenarioArgs } from './experiments/files.js';
export { buildIamPolicy, type IamPolicy } from './experiments/iam-policy.js';
export { completeInterruptedRun, recordInterruptedRun } from './experiments/interrupted.js';
export {
  type LoadedScenario,
  loadFisTemplateFile,
  loadScenarioBytes,
  loadScenarioFile,
  MAX_SCENARIO_BYTES,
  parseScenarioText,
} from './experiments/load.js';
export { buildPlan, type PlanInput } from './experiments/plan/build.js';
export { formatPlanText } from './experiments/plan/text.js';
export type { AwsCall, Plan, PlanStep } from './experiments/plan/types.js';
export { loadScenarioProbes } from './experiments/probe-scenario.js';
export { type RecoverOptions, recoverRun } from './experiments/recover.js';
export { RESOURCE_KINDS } from './experiments/resources/registry.js';
export { type DrillOptions, type DrillResult, runDrill } from './experiments/runner.js';
export {
  type Fault,
  type FaultOf,
  type FaultType,
  type Probe,
  type Resource,
  type Scenario,
  type ScenarioInput,
  scenarioSchema,
} from './experiments/schema/index.js';
export { scenarioJsonSchema } from './experiments/schema/json-schema.js';
export { scenarioReferenceMarkdown } from './experiments/schema/reference.js';
export { sweep } from './experiments/sweep.js';
export { type Message, type MessageSink, message, type Progress, RecordingSink, silentSink } from './io/messages.js';
export type { RedisMode } from './lab/elasticache/part.js';
export {
  type LabStatus,
  type LabUpOptions,
  labClientConfig,
  labDown,
  labEnv,
  labReset,
  labShipLogs,
  labStatus,
  labUp,
  readLabInfo,
  setLabFaults,
  setLabIamPolicy,
} from './lab/lab.js';
export { RDS_EVENT_MESSAGES, rdsEventIdForMessage } from './lab/rds/events.js';
export {
  type ControlPlaneFaults,
  DEFAULT_LAB_OPTIONS,
  LAB_ACCOUNT_ID,
  LAB_REGION,
  type LabInfo,
  type LabOptions,
} from './lab/types.js';
export {
  computeMeasurements,
  formatMeasurements,
  judgeObjectives,
  type ObjectivesSpec,
  objectivesFromScenario,
} from './measurements/index.js';
export {
  httpProbe,
  type ProbeConfig,
  type ProbeRunHandle,
  probeConfigsFromScenario,
  startProbes,
  startScenarioProbes,
} from './probes/index.js';
export {
  classifyK6Exit,
  type ImportK6Options,
  type ImportK6Result,
  importK6Output,
  type K6LoadConfig,
  type K6LoadHandle,
  type K6Prepared,
  type K6Result,
  k6RunRecord,
  prepareK6Load,
  type StartK6LoadOptions,
  startK6Load,
} from './probes/k6/index.js';
export { PROBE_KINDS } from './probes/kinds/registry.js';
export { renderCompareHtml } from './reports/compare/html.js';
export { TOLERANCE_SYNTAX } from './reports/compare/tolerance.js';
export {
  compareEvidence,
  compareRuns,
  DEFAULT_TOLERANCE,
  parseTolerance,
  readComparedRun,
  readEvidenceFile,
} from './reports/compare.js';
export { buildEvidence, serializeEvidence } from './reports/evidence-model.js';
export {
  EVIDENCE_SCHEMA_VERSION,
  type Evidence,
  evidenceSchema,
  PREDICATE_TYPE,
} from './reports/evidence-schema.js';
export { formatHeadline, headlineOf } from './reports/headline.js';
export {
  createEvidenceWriter,
  HTML_FILE,
  PDF_FILE,
  renderPack,
  rerenderRunDir,
  signRunDir,
  writeEvidencePack,
} from './reports/pack.js';
export { printPdf } from './reports/pdf.js';
export { redact, redactText, redactValue } from './reports/redact.js';
export { type LoadedRun, loadRunDir } from './reports/run-dir.js';
export { keylessSigner } from './reports/signing/keyless.js';
export { KEY_TYPES, type KeyType, keyFingerprint, loadPrivateKey, writeKeyPair } from './reports/signing/keys.js';
export { kmsPublicKey, kmsSigner } from './reports/signing/kms-signer.js';
export { BUNDLE_FILE, SUMS_FILE } from './reports/signing/pack-files.js';
export { signPack } from './reports/signing/sign-pack.js';
export { type EvidenceSigner, localSigner } from './reports/signing/signer.js';
export { type SignerOptions, signerFromOptions } from './reports/signing/signer-options.js';
export { loadTrustedRoot } from './reports/signing/trusted-root.js';
export { type VerifyPackResult, verifyPack } from './reports/signing/verify-pack.js';
export type { VerifyPolicy } from './reports/signing/verify-signer.js';
export * from './run/index.js';
export type { Measurements, ObjectiveVerdict, PhaseStats, RpoResult, RtoResult } from './run/measurements.js';
export {
  durationMs,
  percentRatio,
  portNumber,
  probeIntervalMs,
  ratePerSecond,
  recoveryWindowMs,
} from './scenario/helpers.js';
export { collectVars, resolveScenarioVars, type VarSources } from './scenario/vars.js';
export { AnchoredClock, type Clock, isoMs, systemClock } from './util/clock.js';
export { registerEnvSecrets, scrubSecrets } from './util/secrets.js';
export { formatDurationMs, parseDurationMs, parsePercent, parseRatePerSecond } from './util/units.js';
export { toolVersion } from './util/version.js';
