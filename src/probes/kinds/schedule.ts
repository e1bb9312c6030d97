import { name, positiveDuration } from '../../scenario/common.js';

/**
 * The schedule every probe kind's scenario entry has: each probe runs open-loop on a fixed
 * schedule, so it gives `interval` (or `rate`, for kinds that have one).
 */
export const probeScheduleShape = {
  name: name.meta({ description: 'Probe name, used by objectives, recovery and abort conditions.' }),
  interval: positiveDuration.optional().meta({ description: 'Time between scheduled samples (Δ).' }),
  timeout: positiveDuration.default('2s').meta({ description: 'A sample not complete after this counts as failed.' }),
  recoveryWindow: positiveDuration
    .optional()
    .meta({ description: 'Recovery window W (default max(10 × interval, 5s)).' }),
};
