import { faultedResources, probeDependencies } from './coverage.js';
import type { ScenarioWarning } from './faults/definition.js';
import { faultDefinition } from './faults/registry.js';
import type { Scenario } from './schema/scenario.js';

export type { ScenarioWarning };

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token']);

/**
 * Things that are allowed but deserve a look: each fault type's own (FIS actions drillproof
 * cannot observe, irreversible faults ...), resources no fault uses, missing safety nets, secrets
 * written inline. `attachments` holds the files the faults name (FIS templates), by fault id.
 */
export function scenarioWarnings(s: Scenario, attachments: Record<string, unknown>): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const used = new Set<string>();

  s.steps.faults.forEach((f, i) => {
    const def = faultDefinition(f.type);
    if (!def) return;
    for (const ref of def.resourceRefs) {
      const v = (f as Record<string, unknown>)[ref.key];
      for (const name of Array.isArray(v) ? v : [v]) if (typeof name === 'string') used.add(name);
    }
    out.push(
      ...(def.warnings?.(f as never, { scenario: s, at: ['steps', 'faults', i], attachment: attachments[f.id] }) ?? []),
    );
  });

  for (const name of Object.keys(s.resources)) {
    if (!used.has(name)) {
      out.push({
        code: 'ResourceUnused',
        message: `resource "${name}" is not used by any fault`,
        path: ['resources', name],
      });
    }
  }

  out.push(...coverageWarnings(s));

  s.probes.forEach((p, i) => {
    if (p.type !== 'http') return;
    for (const [h, v] of Object.entries(p.headers ?? {})) {
      if (SECRET_HEADERS.has(h.toLowerCase()) && !v.includes('${env.')) {
        out.push({
          code: 'SecretInline',
          message: `header ${h} looks like a credential written inline; the scenario is copied into the evidence pack`,
          path: ['probes', i, 'headers', h],
          hint: `write ${h}: "\${env.NAME}" and set NAME in the environment`,
        });
      }
    }
  });

  if (s.target.provider === 'aws' && !s.guardrails.requiredTag) {
    out.push({
      code: 'GuardrailMissing',
      message: 'no guardrails.requiredTag: any resource matching the selectors can be broken',
      path: ['target', 'provider'],
      hint: 'add guardrails.requiredTag {key: drillproof, value: allowed} and tag the resources a drill may touch',
    });
  }
  if (s.rollback.mode === 'explicit') {
    out.push({
      code: 'RollbackExplicit',
      message: "rollback mode explicit: the faults' own inverses will not run",
      path: ['rollback', 'mode'],
    });
  }
  const o = s.objectives;
  if (!o.rto && !o.rpo && !o.latency.length && !o.availability.length && !o.maxErrorRate.length) {
    out.push({
      code: 'NoObjectives',
      message: 'no objectives: the drill passes whenever it completes and rolls back',
      path: [],
      hint: 'add objectives such as rto: 60s',
    });
  }
  return out;
}

/**
 * Faulted resources no probe names in `dependsOn`. Before preflight resolves the resources only
 * the declared dependencies are known; a probe on a database endpoint is still found at run time.
 */
function coverageWarnings(s: Scenario): ScenarioWarning[] {
  const none = new Map();
  const deps = [...probeDependencies(s, none).values()];
  return faultedResources(s, none)
    .filter((r) => !deps.some((d) => d.has(r)))
    .map((r) => ({
      code: 'NoProbeExercises',
      message: `no probe declares dependsOn: [${r}], which a fault impairs; unless a probe's host and port turn out to be ${r}'s endpoint, the drill ends inconclusive ("no probe exercised ${r}")`,
      path: ['resources', r],
      hint: `add dependsOn: [${r}] to the probe whose requests go through ${r}`,
    }));
}
