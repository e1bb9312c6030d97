import { probeKind } from '../probes/kinds/registry.js';

/**
 * The probes that must hold for recovery (observe) and for the steady state after rollback
 * (verify): `steps.observe.recovery.probes`, else every probe whose kind can show an outage (all
 * but DNS answers), as the plan and the scenario reference say.
 */
export function recoveryProbes(s: {
  probes?: readonly { name: string; type: string }[];
  steps: { observe?: { recovery?: { probes?: string[] | undefined } } };
}): string[] {
  return (
    s.steps.observe?.recovery?.probes ??
    (s.probes ?? []).filter((p) => probeKind(p.type)?.measures.rto !== 'none').map((p) => p.name)
  );
}
