export { type ComputeInput, computeMeasurements, defaultRtoProbes, headlineRto } from './compute.js';
export { analyzeDrill, type DrillAnalysisScenario, faultTimeFromJournal } from './drill.js';
export { formatMeasurements, formatRpo, formatRto, formatVerdicts } from './format.js';
export { judgeObjectives, type ObjectivesSpec, objectivesFromScenario } from './objectives.js';
export { nearestRank } from './percentiles.js';
export { phaseBounds, phaseStats } from './phases.js';
export { failoverRpo, restoreRpo } from './rpo.js';
export { computeRto } from './rto.js';
export {
  type AnalyzeOptions,
  type AnalyzeResult,
  analyzeRunDir,
  loadRunSamples,
  parseTimeArg,
  resolveFaultTime,
  writeFaultFile,
  writeMeasurementsFile,
} from './run-dir.js';
export { type ProbeSeries, SeriesBuilder, seriesFromSamples } from './series.js';
export * from './types.js';
