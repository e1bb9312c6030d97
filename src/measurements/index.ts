/** The measurement core: pure functions of samples, read-backs and times (docs/measurements.md). */
export { type ComputeInput, computeMeasurements, defaultRtoProbes, headlineRto } from './compute.js';
export { formatMeasurements, formatRpo, formatRto, formatVerdicts } from './format.js';
export { judgeObjectives, type ObjectivesSpec, objectivesFromScenario } from './objectives.js';
export { nearestRank } from './percentiles.js';
export { phaseBounds, phaseStats } from './phases.js';
export { restoreRto } from './restore.js';
export { failoverRpo, restoreRpo } from './rpo.js';
export { computeRto } from './rto.js';
export { type ProbeSeries, SeriesBuilder, seriesFromSamples } from './series.js';
