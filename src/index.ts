/** The public library API of drillproof. The CLI is a thin shell over these exports. */
export { DrillproofError, type ErrorSource, formatProblem, type Problem } from './errors.js';
export { ExitCode, errorToExitCode } from './exit-codes.js';
export { type FisTemplate, fisTemplateSchema, OBSERVABLE_FIS_ACTIONS } from './experiments/fis-template.js';
export { buildIamPolicy, type IamPolicy } from './experiments/iam-policy.js';
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
export {
  durationMs,
  percentRatio,
  portNumber,
  probeIntervalMs,
  ratePerSecond,
  recoveryWindowMs,
} from './experiments/schema/helpers.js';
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
export { collectVars, resolveScenarioVars, type VarSources } from './experiments/vars.js';
export { type Message, type MessageSink, type Progress, RecordingSink, silentSink } from './io/messages.js';
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
  analyzeDrill,
  analyzeRunDir,
  computeMeasurements,
  formatMeasurements,
  judgeObjectives,
  type Measurements,
  type ObjectivesSpec,
  type ObjectiveVerdict,
  objectivesFromScenario,
  type PhaseStats,
  type RpoResult,
  type RtoResult,
} from './measurements/index.js';
export {
  type HeartbeatReadback,
  type ProbeConfig,
  type ProbeRunHandle,
  probeConfigsFromScenario,
  type Sample,
  type SampleFileHeader,
  startProbes,
  startScenarioProbes,
} from './probes/index.js';
export {
  classifyK6Exit,
  type ImportK6Options,
  type ImportK6Result,
  importK6Output,
  type K6DrillOptions,
  type K6LoadConfig,
  type K6LoadHandle,
  type K6Prepared,
  type K6Result,
  k6RunRecord,
  prepareK6Load,
  type StartK6LoadOptions,
  startK6Load,
  withK6Load,
} from './probes/k6/index.js';
export { renderCompareHtml } from './reports/compare/html.js';
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
export { createEvidenceWriter, renderPack, rerenderRunDir, writeEvidencePack } from './reports/pack.js';
export { printPdf } from './reports/pdf.js';
export { redact, redactText, redactValue } from './reports/redact.js';
export { type LoadedRun, loadRunDir } from './reports/run-dir.js';
export { RUN_RECORD_FILE, type RunRecord } from './reports/run-record.js';
export { keyFingerprint, loadPrivateKey, writeKeyPair } from './reports/signing/keys.js';
export { kmsSigner } from './reports/signing/kms-signer.js';
export { signPack } from './reports/signing/sign-pack.js';
export { type EvidenceSigner, localSigner } from './reports/signing/signer.js';
export { type SignerOptions, signerFromOptions } from './reports/signing/signer-options.js';
export { verifyPack } from './reports/signing/verify-pack.js';
export { AnchoredClock, type Clock, systemClock } from './util/clock.js';
export { formatDurationMs, parseDurationMs, parsePercent, parseRatePerSecond } from './util/units.js';
