import type { Evidence } from './evidence-schema.js';
import { fmtSeconds } from './format.js';

type Confirmation = Evidence['faults'][number]['confirmation'];

/** How a fault's confirmation reads in the reports (one wording for HTML and Markdown). */
export function confirmationText(c: Confirmation): { status: string; detail: string } {
  if (!c) return { status: 'not recorded', detail: 'run recorded before fault confirmation existed' };
  const status = {
    confirmed: 'confirmed by AWS',
    'not-confirmed': 'NOT confirmed',
    declined: 'DECLINED by AWS',
    unconfirmable: 'no AWS confirmation possible',
  }[c.status];
  return { status, detail: c.detail };
}

/** The coverage sentence: which faulted resources no probe exercised (empty when all were). */
export function coverageText(ev: Evidence): string {
  const u = ev.coverage?.unexercised ?? [];
  return u.length
    ? `No probe exercised ${u.join(', ')}: the measurements say nothing about ${u.length === 1 ? 'it' : 'them'}.`
    : '';
}

type Replacement = Evidence['replacements'][number];

const where = (xs: { task: string; az?: string | undefined }[]) =>
  xs.length ? xs.map((x) => `${x.task} (${x.az ?? 'AZ unknown'})`).join(', ') : 'none';

/**
 * How a service's recovery after a task stop reads in the reports (one wording for HTML and
 * Markdown): the headline figure next to the RTO, then what was stopped and where it was replaced.
 */
export function replacementText(r: Replacement): { headline: string; stopped: string; replaced: string } {
  // az-impairment: a replacement back in the impaired AZ means the AZ loss was not really survived.
  const into = r.intoImpairedAz?.length
    ? `; replaced into the impaired AZ ${r.impairedAz}: ${r.intoImpairedAz.join(', ')}`
    : '';
  return {
    headline: `service ${r.service} back at ${r.desiredCount} healthy tasks ${fmtSeconds(r.seconds)} after F${into}`,
    stopped: where(r.stopped),
    replaced: `${where(r.replacements)}${into}`,
  };
}
