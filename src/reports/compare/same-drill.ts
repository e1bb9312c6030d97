import { DrillproofError } from '../../errors.js';
import type { Evidence } from '../evidence-schema.js';
import { DRILL_SECTIONS, drillIdentity } from '../scenario-facts.js';

/**
 * Two runs compare only when they are runs of the same drill: the same scenario file (its sha256),
 * or the same name and structure (DRILL_SECTIONS: provider, resources, probes, load, steps) when
 * only comments, the description, objectives or guardrails changed. Otherwise `compare` refuses
 * unless forced, and says what differs.
 */
export interface SameDrill {
  same: boolean;
  basis: 'file' | 'structure' | 'forced';
  detail: string;
}

export function sameDrill(a: Evidence, b: Evidence, force = false): SameDrill {
  if (a.scenario.sha256 === b.scenario.sha256)
    return { same: true, basis: 'file', detail: `same scenario file (sha256 ${a.scenario.sha256.slice(0, 12)}…)` };
  const ia = drillIdentity(a.scenario.text, a.scenario.name);
  const ib = drillIdentity(b.scenario.text, b.scenario.name);
  let why: string;
  if (!ia || !ib) why = 'the scenario text of a run cannot be read, so the drills cannot be matched';
  else if (ia.digest === ib.digest)
    return {
      same: true,
      basis: 'structure',
      detail: `same drill ${ia.name}: the scenario files differ, but not in ${DRILL_SECTIONS.join(', ')}`,
    };
  else if (ia.name !== ib.name) why = `different drills: ${JSON.stringify(ia.name)} and ${JSON.stringify(ib.name)}`;
  else {
    const differ = DRILL_SECTIONS.filter((k) => ia.sections[k] !== ib.sections[k]);
    why = `drill ${JSON.stringify(ia.name)} changed between the runs: its ${differ.join(', ')} differ`;
  }
  if (force) return { same: false, basis: 'forced', detail: `${why} (compared anyway: --force)` };
  throw DrillproofError.user('CompareDifferentDrills', `cannot compare ${a.run.id} with ${b.run.id}: ${why}`, {
    hint: 'compare two runs of the same drill; pass --force to compare them anyway (the verdict then says so)',
    details: { old: a.scenario.sha256, new: b.scenario.sha256 },
  });
}
