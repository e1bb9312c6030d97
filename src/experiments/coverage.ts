import type { ProbeEndpoint } from '../probes/kinds/definition.js';
import { probeKind } from '../probes/kinds/registry.js';
import { faultDefinition } from './faults/registry.js';
import type { ResolvedResource } from './resources/registry.js';
import type { Scenario } from './schema/scenario.js';

/**
 * Probe coverage: a fault only says something about the part it breaks when a probe exercises
 * that part. Faults name what they impair (`FaultDefinition.affects`), probes what they depend on
 * (`dependsOn`, or derived from what preflight resolved: a probe whose host and port are a
 * database's or replication group's endpoint depends on it; an http probe whose URL host is the
 * DNS name of a load balancer in front of the target group an ec2-instance or ecs-service
 * resource is selected through depends on that resource; a probe calling a DynamoDB table or a
 * Lambda function through its API depends on that dynamodb-table / lambda-function resource).
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

function urlHost(url: string): { host: string; hostname: string } | null {
  try {
    const u = new URL(url);
    return { host: u.host.toLowerCase(), hostname: u.hostname.toLowerCase() };
  } catch {
    return null;
  }
}

/** Whether a URL goes to one of the load balancers in front of the resource's target groups. */
function behindLoadBalancer(r: ResolvedResource, url: string): boolean {
  const lbs = 'loadBalancers' in r ? r.loadBalancers : [];
  const u = lbs.length ? urlHost(url) : null;
  // A DNS name is a host name on AWS; the lab's carries its port (one loopback address).
  return !!u && lbs.some((lb) => [u.hostname, u.host].includes(lb.dnsName.toLowerCase()));
}

/** The table or function name in a name, partial ARN or full ARN (a Lambda qualifier dropped). */
function apiName(ref: string, kind: 'table' | 'function'): string {
  const m = kind === 'table' ? /:table\/([^/]+)/.exec(ref) : /(?:^|:)function:([A-Za-z0-9_-]+)/.exec(ref);
  return m?.[1] ?? ref;
}

/** Whether a probe calling `ref` through an AWS API calls this resource. */
function callsResource(r: ResolvedResource, ref: string): boolean {
  if (r.type === 'dynamodb-table') return ref === r.arn || apiName(ref, 'table') === r.id;
  if (r.type === 'lambda-function') return ref === r.arn || apiName(ref, 'function') === r.functionName;
  return false;
}

function derivedDependency(r: ResolvedResource, ep: ProbeEndpoint): boolean {
  if ('url' in ep) return behindLoadBalancer(r, ep.url);
  if ('resource' in ep) return callsResource(r, ep.resource);
  const db = endpointOf(r);
  return !!db && db.host === ep.host && (ep.port === undefined || Number(ep.port) === db.port);
}

/** What each probe depends on: its `dependsOn`, plus the resources derived from where it goes. */
export function probeDependencies(
  s: ScenarioParts,
  resources: ReadonlyMap<string, ResolvedResource>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of s.probes) {
    const deps = new Set<string>((p as { dependsOn?: string[] }).dependsOn ?? []);
    const ep = probeKind(p.type)?.endpoint(p as never);
    if (ep) for (const [name, r] of resources) if (derivedDependency(r, ep)) deps.add(name);
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
