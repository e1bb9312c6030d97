import type { AwsApis } from '../aws/apis.js';
import { DrillproofError } from '../errors.js';
import { faultedResources } from './coverage.js';
import { type Lease, type LeaseKind, leaseValue, parseLease } from './faults/lease-kind.js';
import { LEASE_KINDS, leaseKind } from './faults/lease-kinds.js';
import type { PreflightCheckResult } from './faults/types.js';
import { call, type PlanContext, tagged } from './plan/context.js';
import type { AwsCall } from './plan/types.js';
import type { ResolvedResource } from './resources/registry.js';
import type { RollbackStack } from './rollback.js';
import type { Scenario } from './schema/scenario.js';

/**
 * One drill per resource: a drill leases the resources its faults impair (EC2 instances, RDS DB
 * instances, Aurora clusters, ElastiCache replication groups, ECS services, Lambda functions: the
 * tag `drillproof:lease` =
 * `<run id>@<expiry>`, each type through its own service's tag calls, faults/lease-kinds.ts)
 * after preflight passed and before anything is injected, its release journaled first, so
 * rollback and `recover` release it. A drill refuses resources another drill's unexpired lease
 * holds. Tags have no conditional write, so a lease is read back after it is written and again
 * just before the first fault: of two drills that wrote at once, the one whose value was
 * overwritten stops (exit 3) before injecting.
 */

/** How long a lease outlives the drill's longest allowed run, for its rollback. */
export const LEASE_MARGIN_MS = 10 * 60_000;

/** The rollback stack entry that releases the EC2 lease (the other kinds: `lease.<kind>`). */
export const LEASE_STEP = 'lease';

/** What one drill leased of one kind. */
export interface LeaseHold {
  kind: LeaseKind;
  ids: string[];
}

type LeaseScenario = Pick<Scenario, 'probes' | 'steps'> & { resources?: Scenario['resources'] };

/** Scenario resources of a leased type that a fault impairs: those a drill leases. */
export function leasedResources(s: LeaseScenario): string[] {
  return faultedResources(s, new Map()).filter((r) => leaseKind(s.resources?.[r]?.type) !== undefined);
}

/** The ids to lease, per kind, once resolved (kinds in LEASE_KINDS order, empty ones left out). */
export function leaseHolds(s: LeaseScenario, resources: ReadonlyMap<string, ResolvedResource>): LeaseHold[] {
  const names = leasedResources(s);
  return LEASE_KINDS.map((kind) => {
    const ids = new Set<string>();
    for (const n of names) {
      const r = resources.get(n);
      if (r?.type === kind.resourceType) for (const id of kind.ids(r)) ids.add(id);
    }
    return { kind, ids: [...ids] };
  }).filter((h) => h.ids.length > 0);
}

/** The plan's calls: read and write the lease tag, and the inverse that removes it. */
export function leasePlanCalls(s: Scenario, ctx: PlanContext): { take: AwsCall[]; release: AwsCall[] } {
  const take: AwsCall[] = [];
  const release: AwsCall[] = [];
  const names = leasedResources(s);
  for (const kind of LEASE_KINDS) {
    const { plan } = kind;
    const arns = [
      ...new Set(
        names.filter((r) => s.resources[r]?.type === kind.resourceType).flatMap((r) => plan.arns(ctx, s.resources[r])),
      ),
    ];
    if (arns.length === 0) continue;
    if (plan.read) take.push(call(plan.service, plan.read, arns, { note: 'the current lease (drillproof:lease)' }));
    take.push(
      call(plan.service, plan.take, arns, {
        ...tagged(ctx),
        note: 'the lease tag drillproof:lease (one drill per resource)',
      }),
    );
    for (const op of plan.release) {
      release.push(
        call(plan.service, op, arns, {
          ...(op === plan.read ? {} : tagged(ctx)),
          note:
            op === plan.read
              ? 'is the lease still this run’s?'
              : 'release the lease (only where it is still this run’s)',
        }),
      );
    }
  }
  return { take, release };
}

/** Another drill's lease that has not expired, on any of the resources. */
function heldByOther(leases: Map<string, string>, runId: string, nowMs: number): (Lease & { id: string }) | null {
  for (const [id, v] of leases) {
    const l = parseLease(v);
    if (l && l.runId !== runId && l.expiresAtMs > nowMs) return { ...l, id };
  }
  return null;
}

function heldCheck(held: Lease & { id: string }): PreflightCheckResult {
  return {
    check: 'lease',
    ok: false,
    detail: `${held.id} is held by drill ${held.runId} until ${new Date(held.expiresAtMs).toISOString()}`,
    hint: `wait for drill ${held.runId} to finish (or run \`drillproof recover\` on its run directory); an expired lease no longer blocks and \`drillproof sweep\` removes it`,
  };
}

/** Preflight: the targets' current lease tags block nothing. */
export async function leaseCheck(
  s: LeaseScenario,
  resources: ReadonlyMap<string, ResolvedResource>,
  aws: AwsApis,
  runId: string,
  nowMs: number,
): Promise<PreflightCheckResult | null> {
  const leases = new Map<string, string>();
  for (const name of leasedResources(s)) {
    const r = resources.get(name);
    const kind = leaseKind(r?.type);
    if (r && kind) for (const [id, v] of await kind.held(aws, r)) leases.set(id, v);
  }
  const held = heldByOther(leases, runId, nowMs);
  return held ? heldCheck(held) : null;
}

function lost(held: Lease & { id: string }): DrillproofError {
  const c = heldCheck(held);
  return DrillproofError.user('PreflightFailed', `preflight failed: lease: ${c.detail}; nothing was injected`, {
    exitCode: 3,
    ...(c.hint ? { hint: c.hint } : {}),
    details: { checks: [c] },
  });
}

/**
 * Takes the lease: per kind, its release journaled first, then the tag, then read back.
 * @returns the lease value, null when there is nothing to lease
 * @throws DrillproofError `PreflightFailed` (exit 3) when another drill's lease is there
 */
export async function takeLease(i: {
  aws: AwsApis;
  holds: LeaseHold[];
  runId: string;
  nowMs: number;
  maxDurationMs: number;
  rollback: RollbackStack;
}): Promise<string | null> {
  if (i.holds.length === 0) return null;
  const value = leaseValue(i.runId, i.nowMs + i.maxDurationMs + LEASE_MARGIN_MS);
  for (const { kind, ids } of i.holds) {
    i.rollback.record(kind.stepId, LEASE_STEP, kind.releaseSpec(ids, value, i.aws.region));
    await kind.write(i.aws, ids, value);
  }
  await verifyLease(i.aws, i.holds, i.runId, i.nowMs);
  return value;
}

/** The lease is still this drill's on every resource. @throws DrillproofError exit 3 otherwise. */
export async function verifyLease(aws: AwsApis, holds: LeaseHold[], runId: string, nowMs: number): Promise<void> {
  for (const { kind, ids } of holds) {
    const held = heldByOther(await kind.read(aws, ids), runId, nowMs);
    if (held) throw lost(held);
  }
}
