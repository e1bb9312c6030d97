export { computeMeasurements, defaultRtoProbes, headlineRto, type ComputeInput } from './compute.js';
export { formatMeasurements, formatRpo, formatRto, formatVerdicts } from './format.js';
export { judgeObjectives, type ObjectivesSpec } from './objectives.js';
export { nearestRank } from './percentiles.js';
export { phaseBounds, phaseStats } from './phases.js';
export { failoverRpo, restoreRpo } from './rpo.js';
export { computeRto } from './rto.js';
export {
  analyzeRunDir,
  loadRunSamples,
  resolveFaultTime,
  writeFaultFile,
  writeMeasurementsFile,
  type AnalyzeOptions,
  type AnalyzeResult,
} from './run-dir.js';
export { type ProbeSeries, SeriesBuilder, seriesFromSamples } from './series.js';
export * from './types.js';
