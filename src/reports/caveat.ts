/**
 * What keeps a run's numbers from being evidence about its fault: faulted resources no probe
 * exercised, faults AWS did not confirm or declined. A probe that saw no failed sample then
 * shows nothing, so the reports say why instead of headlining "RTO 0s" (one wording for the
 * console, Markdown and HTML).
 */

interface Unproven {
  coverage?: { unexercised: readonly string[] } | null;
  faults: readonly { stepId: string; confirmation?: { status: string } | null }[];
}

/** The reasons, e.g. `no probe exercised db`, `fault not confirmed (fail-db)`; empty when none. */
export function unprovenReasons(rec: Unproven): string[] {
  const out: string[] = [];
  const unexercised = rec.coverage?.unexercised ?? [];
  if (unexercised.length) out.push(`no probe exercised ${unexercised.join(', ')}`);
  const ids = (status: string) => rec.faults.filter((f) => f.confirmation?.status === status).map((f) => f.stepId);
  const notConfirmed = ids('not-confirmed');
  if (notConfirmed.length) out.push(`fault not confirmed (${notConfirmed.join(', ')})`);
  const declined = ids('declined');
  if (declined.length) out.push(`fault declined by AWS (${declined.join(', ')})`);
  return out;
}

/**
 * What stands in place of an RTO that shows no outage when nothing proves the fault reached a
 * probe; null when the RTO stands as measured (an outage was seen, or the run is proven).
 */
export function rtoCaveat(
  rec: Unproven,
  rto: { seconds: number | null; noOutage: boolean } | null | undefined,
): string | null {
  if (!rto || !(rto.noOutage || rto.seconds === 0)) return null;
  const reasons = unprovenReasons(rec);
  return reasons.length ? reasons.join('; ') : null;
}
