/** k6 load during drills: preflight, run, samples, import. */

export { inspectK6Binary, type K6BinarySources, resolveK6Binary } from './binary.js';
export { type K6GenerateSpec, type K6LoadConfig, resolveGenerateSpec } from './config.js';
export { K6SampleConverter, type K6SampleSource, OK_RATE_METRIC, WALL_LATENCY_METRIC } from './convert.js';
export { classifyK6Exit, type K6Classification, type K6ExitInfo } from './exit-codes.js';
export { type ImportK6Options, type ImportK6Result, importK6Output } from './import.js';
export { LineSplitter, parseK6Line, rfc3339ToEpochMs } from './ndjson.js';
export { K6_DEFAULT_TIMEOUT_MS, type K6Prepared, type PrepareK6Options, prepareK6Load } from './prepare.js';
export { type K6LoadHandle, type K6Result, k6RunRecord, type StartK6LoadOptions, startK6Load } from './runner.js';
export { GENERATED_SCRIPT, planGeneratedScript } from './script.js';
export { type K6Summary, parseK6Summary } from './summary.js';
export {
  checkK6Binary,
  type K6BinaryInfo,
  parseK6VersionJson,
  parseK6VersionText,
  scriptExtensionImports,
} from './version.js';
