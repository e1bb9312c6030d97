import { parseDurationMs } from '../util/units.js';
import type { FaultAction, PreflightCheckResult } from './faults/types.js';
import type { ResolvedResource } from './resources/registry.js';

/** The scenario's `guardrails` block as the engine reads it. */
export interface GuardrailsConfig {
  allowedRegions?: string[];
  requiredTag?: { key: string; value: string };
  maxTargets?: number;
  maxDuration?: string;
  abort?: { probe: string; errorRate: string; window: string; phase?: 'any' | 'fault' | 'recovery' }[];
  cloudwatchAlarms?: string[];
  confirm?: 'auto' | 'always' | 'never';
}

export interface StaticGuardInput {
  guardrails: GuardrailsConfig;
  allowedAccounts?: string[];
  account: string | null;
  region: string;
  resources: Map<string, ResolvedResource>;
  actions: FaultAction[];
  /** Longest the drill can take as planned (baseline + observe timeout), ms. */
  plannedDurationMs: number;
}

/**
 * The guardrails checked before anything is injected: account, region, required tag on every
 * target, number of targets, planned duration. Each failure names the value and the fix.
 */
export function checkStaticGuardrails(i: StaticGuardInput): PreflightCheckResult[] {
  const out: PreflightCheckResult[] = [];
  const g = i.guardrails;
  if (i.allowedAccounts?.length) {
    const ok = i.account !== null && i.allowedAccounts.includes(i.account);
    out.push({
      check: 'allowed account',
      ok,
      detail: ok
        ? `account ${i.account} is allowed`
        : `account ${i.account ?? '(unknown)'} is not in target.allowedAccounts (${i.allowedAccounts.join(', ')})`,
      ...(ok
        ? {}
        : { hint: 'run with credentials of an allowed account, or add the account to target.allowedAccounts' }),
    });
  }
  if (g.allowedRegions?.length) {
    const ok = g.allowedRegions.includes(i.region);
    out.push({
      check: 'allowed region',
      ok,
      detail: ok ? `region ${i.region} is allowed` : `region ${i.region} is not in guardrails.allowedRegions`,
      ...(ok ? {} : { hint: `set target.region to one of ${g.allowedRegions.join(', ')}` }),
    });
  }
  if (g.requiredTag) {
    const { key, value } = g.requiredTag;
    const untagged: string[] = [];
    for (const r of i.resources.values()) {
      if (r.type === 'ec2-instance') {
        for (const inst of r.instances) if (inst.tags[key] !== value) untagged.push(inst.id);
      } else if (r.type === 'ecs-service') {
        for (const t of r.tasks) if (t.tags[key] !== value) untagged.push(t.arn);
      } else if (r.type === 'rds-instance' || r.type === 'aurora-cluster') {
        if (r.tags[key] !== value) untagged.push(r.id);
      } else if (r.type === 'lambda-function') {
        if (r.tags[key] !== value) untagged.push(r.functionName);
      }
    }
    out.push({
      check: 'required tag',
      ok: untagged.length === 0,
      detail: untagged.length
        ? `${untagged.join(', ')} lack the tag ${key}=${value}`
        : `every target carries ${key}=${value}`,
      ...(untagged.length ? { hint: `tag the targets ${key}=${value} or narrow the selectors` } : {}),
    });
  }
  if (g.maxTargets !== undefined) {
    const targets = new Set(i.actions.filter((a) => a.inverse || a.action.includes(':')).flatMap((a) => a.targets));
    const ok = targets.size <= g.maxTargets;
    out.push({
      check: 'max targets',
      ok,
      detail: `${targets.size} target(s), at most ${g.maxTargets} allowed`,
      ...(ok ? {} : { hint: 'narrow the selectors (count, az) or raise guardrails.maxTargets' }),
    });
  }
  if (g.maxDuration) {
    const max = parseDurationMs(g.maxDuration) ?? Number.POSITIVE_INFINITY;
    const ok = i.plannedDurationMs <= max;
    out.push({
      check: 'max duration',
      ok,
      detail: `planned ${Math.round(i.plannedDurationMs / 1000)}s, at most ${g.maxDuration}`,
      ...(ok ? {} : { hint: 'shorten steps.baseline / steps.observe.timeout or raise guardrails.maxDuration' }),
    });
  }
  return out;
}
