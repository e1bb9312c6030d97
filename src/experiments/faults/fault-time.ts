import type { FaultContext } from './types.js';

/**
 * F of a step, as the measurements define it (docs/measurements.md §10): when AWS accepted its
 * fault call (`fault.acknowledged`), else when it was issued (`fault.requested`), else `fallback`.
 * Restores measure their RTO (verified − F) from it, so RTO and RPO share one F.
 */
export function stepFaultTime(c: FaultContext, stepId: string, fallback: number): number {
  const of = (kind: string) => c.journal.entries.findLast((x) => x.kind === kind && x.data.stepId === stepId)?.t;
  return of('fault.acknowledged') ?? of('fault.requested') ?? fallback;
}
