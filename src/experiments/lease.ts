import type { AwsApis } from '../aws/apis.js';
import { DrillproofError } from '../errors.js';
import { faultedResources } from './coverage.js';
import {
  LEASE_TAG,
  type Lease,
  leaseValue,
  parseLease,
  readLeases,
  releaseLeaseSpec,
  writeLease,
} from './faults/ec2/lease.js';
import type { PreflightCheckResult } from './faults/types.js';
import { call, type PlanContext, tagged } from './plan/context.js';
import type { AwsCall } from './plan/types.js';
import { instanceArns } from './resources/ec2-instance.js';
import type { ResolvedResource } from './resources/registry.js';
import type { RollbackStack } from './rollback.js';
import type { Scenario } from './schema/scenario.js';

/**
 * One drill per resource: a drill leases the EC2 instances its faults impair (the tag
 * `drillproof:lease` = `<run id>@<expiry>`) after preflight passed and before anything is
 * injected, its release journaled first, so rollback and `recover` release it. A drill refuses
 * instances another drill's unexpired lease holds. Tags have no conditional write, so a lease is
 * read back after it is written and again just before the first fault: of two drills that
 * wrote at once, the one whose value was overwritten stops (exit 3) before injecting.
 */

/** How long a lease outlives the drill's longest allowed run, for its rollback. */
export const LEASE_MARGIN_MS = 10 * 60_000;

/** The rollback stack entry that releases the lease. */
export const LEASE_STEP = 'lease';

type LeaseScenario = Pick<Scenario, 'probes' | 'steps'> & { resources?: Scenario['resources'] };

/** Scenario resources of type ec2-instance that a fault impairs: those a drill leases. */
export function leasedResources(s: LeaseScenario): string[] {
  return faultedResources(s, new Map()).filter((r) => s.resources?.[r]?.type === 'ec2-instance');
}

/** The instance ids of the leased resources, once resolved. */
export function leasedInstanceIds(s: LeaseScenario, resources: ReadonlyMap<string, ResolvedResource>): string[] {
  const ids = new Set<string>();
  for (const name of leasedResources(s)) {
    const r = resources.get(name);
    if (r?.type === 'ec2-instance') for (const i of r.instances) ids.add(i.id);
  }
  return [...ids];
}

/** The plan's calls: tag the instances with the lease, and the inverse that removes the tag. */
export function leasePlanCalls(s: Scenario, ctx: PlanContext): { take: AwsCall[]; release: AwsCall[] } {
  const arns = [...new Set(leasedResources(s).flatMap((r) => instanceArns(ctx, s.resources[r])))];
  if (arns.length === 0) return { take: [], release: [] };
  return {
    take: [
      call('ec2', 'CreateTags', arns, {
        ...tagged(ctx),
        note: 'the lease tag drillproof:lease (one drill per resource)',
      }),
    ],
    release: [
      call('ec2', 'DeleteTags', arns, {
        ...tagged(ctx),
        note: 'release the lease (only where it is still this run’s)',
      }),
    ],
  };
}

/** Another drill's lease that has not expired, on any of the instances. */
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

/** Preflight: the instances' current lease tags (from the resolved resources) block nothing. */
export function leaseCheck(
  s: LeaseScenario,
  resources: ReadonlyMap<string, ResolvedResource>,
  runId: string,
  nowMs: number,
): PreflightCheckResult | null {
  const leases = new Map<string, string>();
  for (const name of leasedResources(s)) {
    const r = resources.get(name);
    if (r?.type !== 'ec2-instance') continue;
    for (const i of r.instances) {
      const v = i.tags[LEASE_TAG];
      if (v !== undefined) leases.set(i.id, v);
    }
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
 * Takes the lease: its release journaled first, then the tag, then read back.
 * @returns the lease value, null when there is nothing to lease
 * @throws DrillproofError `PreflightFailed` (exit 3) when another drill's lease is there
 */
export async function takeLease(i: {
  aws: AwsApis;
  ids: string[];
  runId: string;
  nowMs: number;
  maxDurationMs: number;
  rollback: RollbackStack;
}): Promise<string | null> {
  if (i.ids.length === 0) return null;
  const value = leaseValue(i.runId, i.nowMs + i.maxDurationMs + LEASE_MARGIN_MS);
  i.rollback.record(LEASE_STEP, LEASE_STEP, releaseLeaseSpec(i.ids, value, i.aws.region));
  await writeLease(i.aws, i.ids, value);
  await verifyLease(i.aws, i.ids, i.runId, i.nowMs);
  return value;
}

/** The lease is still this drill's on every instance. @throws DrillproofError exit 3 otherwise. */
export async function verifyLease(aws: AwsApis, ids: string[], runId: string, nowMs: number): Promise<void> {
  if (ids.length === 0) return;
  const held = heldByOther(await readLeases(aws, ids), runId, nowMs);
  if (held) throw lost(held);
}
