import { z } from 'zod';
import { duration, name, percent, positiveDuration, strict } from './common.js';

export const phase = z
  .enum(['baseline', 'fault', 'recovery', 'all'])
  .meta({ description: 'baseline: before F; fault: [F, R); recovery: [R, end]; all: the whole run.' });

export const latencyObjective = strict({
  probe: name,
  phase: phase.default('all'),
  p50: positiveDuration.optional(),
  p95: positiveDuration.optional(),
  p99: positiveDuration.optional(),
  max: positiveDuration.optional(),
  basis: z
    .enum(['all', 'ok'])
    .default('all')
    .meta({ description: 'all: failures counted at the timeout (honest, default); ok: ok samples only.' }),
}).superRefine((o, ctx) => {
  if (o.p50 === undefined && o.p95 === undefined && o.p99 === undefined && o.max === undefined) {
    ctx.addIssue({ code: 'custom', message: 'give at least one of p50, p95, p99, max', input: o });
  }
});

export const availabilityObjective = strict({
  probe: name,
  phase: phase.default('all'),
  min: percent.meta({ description: 'Minimum ok samples / scheduled samples.' }),
});

export const errorRateObjective = strict({
  probe: name,
  phase: phase.default('all'),
  max: percent.meta({ description: 'Maximum failed samples / scheduled samples.' }),
});

export const objectivesSchema = strict({
  rto: duration.optional().meta({ description: 'Maximum RTO (first failed sample after F to recovery R, minus F).' }),
  rpo: duration
    .optional()
    .meta({ description: 'Maximum RPO (data lost, in time); needs a heartbeat probe or an rds-restore fault.' }),
  latency: z.array(latencyObjective).default([]),
  availability: z.array(availabilityObjective).default([]),
  maxErrorRate: z.array(errorRateObjective).default([]),
}).meta({ description: 'What must hold for the drill to pass (exit 4 otherwise).' });

export type Objectives = z.infer<typeof objectivesSchema>;
export type LatencyObjective = z.infer<typeof latencyObjective>;
export type Phase = z.infer<typeof phase>;
