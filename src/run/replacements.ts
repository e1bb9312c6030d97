import type { JournalEntry } from './journal-types.js';

/**
 * The service side of a task stop's recovery (ecs-stop-tasks, az-impairment `services:`): when the
 * service was back at its desired count with every task healthy in its target groups, which tasks
 * were stopped and where the replacements were placed. The probes' RTO is the user side.
 */
export interface ServiceReplacement {
  stepId: string;
  service: string;
  /** From F (the first fault requested) to the first poll that saw the service recovered. */
  seconds: number;
  desiredCount: number;
  stopped: { task: string; az?: string | undefined }[];
  replacements: { task: string; az?: string | undefined; ip?: string | undefined }[];
  /** az-impairment: the AZ it impaired, and the replacements the scheduler placed back into it. */
  impairedAz?: string;
  intoImpairedAz?: string[];
}

function isReplacement(v: unknown): v is ServiceReplacement {
  const r = v as Partial<ServiceReplacement> | undefined;
  return (
    typeof r?.stepId === 'string' &&
    typeof r.service === 'string' &&
    typeof r.seconds === 'number' &&
    Array.isArray(r.stopped) &&
    Array.isArray(r.replacements)
  );
}

/** The replacements the follow-ups journaled (their `note` entries), in journal order. */
export function replacementsFromJournal(entries: readonly JournalEntry[]): ServiceReplacement[] {
  const out: ServiceReplacement[] = [];
  for (const e of entries) {
    if (e.kind !== 'note') continue;
    const r = (e.data as { followUp?: { data?: { replacement?: unknown } } }).followUp?.data?.replacement;
    if (isReplacement(r)) out.push(r);
  }
  return out;
}
