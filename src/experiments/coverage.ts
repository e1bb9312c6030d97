import { probeKind } from '../probes/kinds/registry.js';
import { faultDefinition } from './faults/registry.js';
import type { ResolvedResource } from './resources/registry.js';
import type { Scenario } from './schema/scenario.js';

/**
 * Probe coverage: a fault only says something about the part it breaks when a probe exercises
 * that part. Faults name what they impair (`FaultDefinition.affects`), probes what they depend on
 * (`dependsOn`, or derived: a probe whose host and port are a database resource's endpoint
 * depends on that database).
 */

type ScenarioParts = Pick<Scenario, 'probes' | 'steps'>;

/** The scenario resources the faults impair, in scenario order, each once. */
export function faultedResources(s: ScenarioParts, resources: ReadonlyMap<string, ResolvedResource>): string[] {
  const out = new Set<string>();
  for (const f of s.steps.faults) {
    for (const r of faultDefinition(f.type)?.affects?.(f as never, resources) ?? []) out.add(r);
  }
  return [...out];
}

function endpointOf(r: ResolvedResource): { host: string; port: number } | null {
  return 'endpoint' in r && r.endpoint ? r.endpoint : null;
}

/** What each probe depends on: its `dependsOn`, plus the databases whose endpoint it talks to. */
export function probeDependencies(
  s: ScenarioParts,
  resources: ReadonlyMap<string, ResolvedResource>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of s.probes) {
    const deps = new Set<string>((p as { dependsOn?: string[] }).dependsOn ?? []);
    const ep = probeKind(p.type)?.endpoint(p as never);
    if (ep && 'host' in ep) {
      for (const [name, r] of resources) {
        const db = endpointOf(r);
        if (db && db.host === ep.host && (ep.port === undefined || Number(ep.port) === db.port)) deps.add(name);
      }
    }
    out.set(p.name, deps);
  }
  return out;
}

/** Faulted resources no probe depends on: a drill with any is inconclusive. */
export function unexercisedResources(
  s: ScenarioParts,
  resources: ReadonlyMap<string, ResolvedResource>,
): { affected: string[]; unexercised: string[] } {
  const affected = faultedResources(s, resources);
  const deps = [...probeDependencies(s, resources).values()];
  return { affected, unexercised: affected.filter((r) => !deps.some((d) => d.has(r))) };
}
