import { z } from 'zod';
import { name, percent, positiveDuration, strict, text } from '../../scenario/common.js';
import { region } from './target.js';

export const abortCondition = strict({
  probe: name,
  errorRate: percent.meta({ description: 'Abort when the error rate over the window exceeds this.' }),
  window: positiveDuration.default('5s'),
  phase: z
    .enum(['fault', 'recovery', 'any'])
    .default('any')
    .meta({ description: 'When the condition is armed (any: from the first fault).' }),
});

export const guardrailsSchema = strict({
  allowedRegions: z.array(region).min(1).optional(),
  requiredTag: strict({ key: z.string().min(1), value: text })
    .optional()
    .meta({ description: 'Every EC2 / RDS target must carry this tag, or nothing is injected.' }),
  maxTargets: z.number().int().min(1).optional().meta({ description: 'Most resources one drill may touch.' }),
  maxDuration: positiveDuration
    .default('15m')
    .meta({ description: 'Abort (and roll back) a drill running longer than this.' }),
  abort: z.array(abortCondition).default([]),
  cloudwatchAlarms: z
    .array(text)
    .default([])
    .meta({ description: 'Abort when any of these alarms (ARNs) is in ALARM.' }),
  confirm: z
    .enum(['auto', 'always', 'never'])
    .default('auto')
    .meta({ description: 'auto: ask (or need --yes) for provider aws; always: always ask; never: never ask.' }),
}).meta({ description: 'Safety limits checked before and during the drill.' });

export type Guardrails = z.infer<typeof guardrailsSchema>;
export type AbortCondition = z.infer<typeof abortCondition>;
