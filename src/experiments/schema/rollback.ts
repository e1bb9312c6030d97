import { z } from 'zod';
import { describeInput, strict } from '../../scenario/common.js';
import { execFault } from '../faults/exec.js';
import { httpFault } from '../faults/http.js';

/** Explicit rollback steps: commands or HTTP calls (their own `inverse` is not used). */
export const rollbackStep = z.discriminatedUnion(
  'type',
  [execFault.omit({ inverse: true }), httpFault.omit({ inverse: true })],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown rollback step type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use exec or http`
        : undefined,
  },
);

export const rollbackSchema = strict({
  mode: z.enum(['auto', 'explicit']).default('auto').meta({
    description:
      "auto: run every fault's own inverse (then steps, if any); explicit: run only the listed steps, in order.",
  }),
  steps: z.array(rollbackStep).default([]),
})
  .superRefine((r, ctx) => {
    if (r.mode === 'explicit' && r.steps.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'rollback mode explicit needs steps (or use mode: auto to run the faults\u2019 own inverses)',
        input: r.steps,
      });
    }
  })
  .meta({ description: 'How the drill is undone. Rollback always runs, also after errors and aborts.' });

export type Rollback = z.infer<typeof rollbackSchema>;
export type RollbackStep = z.infer<typeof rollbackStep>;
