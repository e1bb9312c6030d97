import { type Probe, probeKind } from '../../probes/kinds/registry.js';
import { durationMs, probeIntervalMs } from '../../scenario/helpers.js';
import { faultDefinition } from '../faults/registry.js';
import { describeSelector } from '../resources/registry.js';
import type { Scenario } from '../schema/scenario.js';
import { type PlanContext, planContext } from './context.js';
import { afterSteps, injectSteps, observeStep, type PlanSources, preflightSteps } from './drill-steps.js';
import { PlanSteps } from './steps.js';
import { supportCalls } from './support.js';
import type { FaultPlan, Plan } from './types.js';

/** What a plan is built from: a loaded scenario (see load.ts). No network access, no side effects. */
export interface PlanInput {
  scenario: Scenario;
  path: string;
  sha256: string;
  /** Files the faults name (a FIS template file), as the loader read them, by fault id. */
  attachments?: Record<string, unknown>;
}

const _S = 1000;

function describeProbe(p: Probe): string {
  const rate = 'rate' in p ? p.rate : undefined;
  const every = `every ${p.interval ?? (rate ? `1/${rate}` : '?')}`;
  return probeKind(p.type)?.describe(p as never, every) ?? p.type;
}

/** The plan descriptor of one fault, from its module. */
export function planFault(ctx: PlanContext, f: Scenario['steps']['faults'][number], attachment?: unknown): FaultPlan {
  const def = faultDefinition(f.type);
  if (!def) throw new Error(`no fault type ${f.type}`);
  return def.plan(f as never, ctx, attachment);
}

/** Builds the ordered plan of a scenario. Pure: no network, no clock. */
export function buildPlan(input: PlanInput): Plan {
  const s = input.scenario;
  const ctx = planContext(s);
  const attachments = input.attachments ?? {};
  const faultPlans: [string, FaultPlan][] = s.steps.faults.map((f) => [f.id, planFault(ctx, f, attachments[f.id])]);
  const sources: PlanSources = { s, ctx, faultPlans, support: supportCalls(s, ctx, faultPlans) };
  const p = new PlanSteps();
  preflightSteps(p, sources);
  injectSteps(p, sources);
  observeStep(p, sources);
  afterSteps(p, sources);
  const steps = p.steps;
  const g = s.guardrails;

  const typical = steps.reduce((a, st) => a + st.estimateMs.typical, 0);
  const rawMax = steps.reduce((a, st) => a + st.estimateMs.max, 0);
  const rollbackMax = steps.filter((st) => st.phase === 'rollback').reduce((a, st) => a + st.estimateMs.max, 0);
  const cap = durationMs(g.maxDuration) + rollbackMax;
  const warnings: string[] = [];
  for (const [id, fp] of faultPlans) {
    if (fp.destructive && fp.inverse === null && fp.notes?.some((n) => n.startsWith('irreversible'))) {
      warnings.push(`${id}: irreversible, rollback cannot undo it`);
    }
    if (fp.fisRoleActions?.length) {
      warnings.push(`${id}: the FIS experiment role needs ${fp.fisRoleActions.join(', ')} (not the caller)`);
    }
  }
  if (rawMax > cap)
    warnings.push(
      `the worst case exceeds guardrails.maxDuration (${g.maxDuration}): the drill would be aborted and rolled back`,
    );

  return {
    planVersion: 1,
    scenario: { name: s.metadata.name, path: input.path, sha256: input.sha256 },
    target: { provider: s.target.provider, region: s.target.region, allowedAccounts: s.target.allowedAccounts ?? [] },
    resources: Object.entries(s.resources).map(([name, r]) => ({ name, type: r.type, selector: describeSelector(r) })),
    probes: s.probes.map((p) => ({
      name: p.name,
      type: p.type,
      intervalMs: probeIntervalMs(p),
      timeoutMs: durationMs(p.timeout),
      what: describeProbe(p),
    })),
    steps,
    iamActions: [...new Set(steps.flatMap((st) => st.iamActions))].sort(),
    estimatedDurationMs: { typical, max: Math.min(rawMax, cap) },
    warnings,
  };
}
