import type { z } from 'zod';
import type { InverseContext, InverseSpec } from './types.js';

/**
 * One serialisable undo operation, e.g. `ec2.start-instances`. A fault module journals it (an
 * `InverseSpec` built with `spec`) before the step it undoes; rollback and `recover` replay it
 * from the journal alone through the inverse registry (faults/registry.ts). Every handler is
 * idempotent: replaying it after a crash mid-rollback changes nothing that is already undone.
 */
export interface InverseHandler<P = unknown> {
  /** `<service>.<verb>`: the name recorded in `inverse.recorded`. */
  action: string;
  /** The journalled params; checked before a replay, so a damaged journal fails loudly. */
  params: z.ZodType<P>;
  /** Runs the undo; returns the AWS request ids of the calls that changed something. */
  run(ctx: InverseContext, params: P): Promise<string[]>;
  /** The journal record of one use of this handler. */
  spec(params: P, description: string, manualSteps: string[]): InverseSpec;
}

export function defineInverse<P>(h: Omit<InverseHandler<P>, 'spec'>): InverseHandler<P> {
  return {
    ...h,
    spec: (params, description, manualSteps) => ({
      action: h.action,
      params: params as Record<string, unknown>,
      description,
      manualSteps,
    }),
  };
}

/** AWS request ids of SDK answers, for the journal. */
export function requestIds(...answers: ({ $metadata: { requestId?: string } } | undefined)[]): string[] {
  return answers.map((a) => a?.$metadata.requestId).filter((x): x is string => !!x);
}
