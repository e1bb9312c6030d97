/** The public library API of drillproof. The CLI is a thin shell over these exports. */
export { DrillproofError, type ErrorSource, formatProblem, type Problem } from './errors.js';
export { ExitCode, errorToExitCode } from './exit-codes.js';
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
export { type Clock, systemClock } from './util/clock.js';
export { formatDurationMs, parseDurationMs, parsePercent, parseRatePerSecond } from './util/units.js';
