import { z } from 'zod';
import { duration, name, positiveDuration, strict } from '../../scenario/common.js';
import { faultSchema } from '../faults/registry.js';

export const observeSchema = strict({
  timeout: positiveDuration.meta({
    description: 'Longest time to wait for recovery after the first fault; not recovered by then = RTO unmeasured.',
  }),
  recovery: strict({
    probes: z
      .array(name)
      .min(1)
      .optional()
      .meta({ description: 'Probes that must all be ok (default: every http, tcp and heartbeat probe).' }),
    hold: duration.default('10s').meta({ description: 'How long they must stay ok to call it recovered.' }),
  })
    .default({ hold: '10s' })
    .meta({ description: 'The recovery condition.' }),
  watch: strict({
    interval: positiveDuration
      .optional()
      .meta({ description: 'How often AWS state watchers poll (default 2s on AWS, 200ms in the lab).' }),
  })
    .default({})
    .meta({ description: 'AWS state watchers (instance states, target health, RDS events, FIS states).' }),
}).meta({ description: 'What happens after injection.' });

export const stepsSchema = strict({
  baseline: duration.meta({ description: 'Steady-state measurement before the first fault.' }),
  faults: z.array(faultSchema).min(1, { error: 'a drill needs at least one fault' }),
  observe: observeSchema,
}).meta({ description: 'The drill: baseline, faults in order, observe.' });

export type Steps = z.infer<typeof stepsSchema>;
export type Observe = z.infer<typeof observeSchema>;
