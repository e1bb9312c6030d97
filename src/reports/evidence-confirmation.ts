import { z } from 'zod';

/** Evidence (format 3): a fault's confirmation from AWS's answers (src/experiments/phases/confirmation.ts). */
export const confirmationSchema = z.object({
  status: z.enum(['confirmed', 'not-confirmed', 'declined', 'unconfirmable']),
  detail: z.string(),
  /** The AWS answers of the last check. */
  answers: z.array(z.unknown()),
  at: z.string().nullable(),
  checks: z.number().int().nonnegative(),
});

/** Evidence (format 3): the scenario resources the faults impaired, and those no probe depended on. */
export const coverageSchema = z.object({ affected: z.array(z.string()), unexercised: z.array(z.string()) });

/**
 * Evidence: each service's recovery after a task stop (back at desired count with healthy
 * targets, from F) and where its replacements were placed; empty when no task was stopped.
 */
export const replacementSchema = z.object({
  stepId: z.string(),
  service: z.string(),
  seconds: z.number(),
  desiredCount: z.number().int(),
  stopped: z.array(z.object({ task: z.string(), az: z.string().optional() })),
  replacements: z.array(z.object({ task: z.string(), az: z.string().optional(), ip: z.string().optional() })),
  impairedAz: z.string().optional(),
  intoImpairedAz: z.array(z.string()).optional(),
});
