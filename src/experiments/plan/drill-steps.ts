import { probeKind } from '../../probes/kinds/registry.js';
import { durationMs } from '../../scenario/helpers.js';
import { formatDurationMs } from '../../util/units.js';
import { leasedResources, leasePlanCalls } from '../lease.js';
import { effectiveHoldMs, recoveryProbes } from '../recovery-probes.js';
import type { Scenario } from '../schema/scenario.js';
import { watchIntervalMs } from '../watchers/interval.js';
import { call, type PlanContext } from './context.js';
import type { PlanSteps } from './steps.js';
import type { AwsCall, FaultPlan } from './types.js';

/** What the steps of a plan are made of: the scenario and its faults' plans. */
export interface PlanSources {
  s: Scenario;
  ctx: PlanContext;
  faultPlans: [string, FaultPlan][];
  /** Calls of probes and signing: secrets, IAM database auth, alarms, KMS. */
  support: { preflight: AwsCall[]; evidence: AwsCall[] };
}

const S = 1000;

/** Identity, each fault's targets, the guardrails and the probes. */
export function preflightSteps(p: PlanSteps, { s, ctx, faultPlans, support }: PlanSources): void {
  const accounts = s.target.allowedAccounts?.join(', ') ?? 'any (lab)';
  p.add(
    'preflight',
    'preflight.identity',
    'check the caller identity',
    `Calls STS GetCallerIdentity; the account must be one of: ${accounts}. IAM SimulatePrincipalPolicy proves that the caller may make every call of this plan (without that permission only DryRun checks run).`,
    {
      awsCalls: [
        call('sts', 'GetCallerIdentity', ['*']),
        call(
          'iam',
          'SimulatePrincipalPolicy',
          ctx.accounts.flatMap((a) => [`arn:aws:iam::${a}:role/*`, `arn:aws:iam::${a}:user/*`]),
          { note: "prove every permission of the drill for the caller's own user or role" },
        ),
      ],
      estimateMs: { typical: ctx.lab ? 100 : 1 * S, max: 10 * S },
    },
  );
  for (const [id, fp] of faultPlans) {
    if (fp.preflight.length === 0) continue;
    p.add(
      'preflight',
      `preflight.${id}`,
      `resolve and check the targets of ${id}`,
      `Resolves the selectors, checks that the targets exist and are in the expected state${ctx.requiredTag ? `, and carry the tag ${ctx.requiredTag.key}=${ctx.requiredTag.value}` : ''}; permission checks use DryRun where AWS supports it.`,
      {
        targets: fp.targets,
        awsCalls: fp.preflight,
        estimateMs: { typical: ctx.lab ? 200 : 2 * S, max: 30 * S },
      },
    );
  }
  leaseStep(p, s, ctx);
  const g = s.guardrails;
  p.add(
    'preflight',
    'preflight.guardrails',
    'check the guardrails',
    [
      g.allowedRegions ? `region in ${g.allowedRegions.join(', ')}` : undefined,
      g.requiredTag ? `every target tagged ${g.requiredTag.key}=${g.requiredTag.value}` : undefined,
      g.maxTargets !== undefined ? `at most ${g.maxTargets} targets` : undefined,
      `drill aborted after ${g.maxDuration}`,
      g.abort.length
        ? `abort when ${g.abort.map((a) => `${a.probe} error rate > ${a.errorRate} over ${a.window}`).join('; ')}`
        : undefined,
      g.cloudwatchAlarms.length ? `abort when an alarm is in ALARM (${g.cloudwatchAlarms.length})` : undefined,
      `confirmation: ${g.confirm}`,
    ]
      .filter(Boolean)
      .join('; ')
      .concat('.'),
    {
      awsCalls: support.preflight.filter((c) => c.service === 'cloudwatch'),
      estimateMs: { typical: 0, max: 5 * S },
    },
  );
  if (s.probes.length > 0 || s.load) {
    p.add(
      'preflight',
      'preflight.probes',
      'check the probes are reachable and steady',
      `Probes ${s.probes.map((p) => p.name).join(', ')} must answer and stay under the abort thresholds before anything is injected${s.load ? '; k6 is found and its script checked' : ''}.`,
      {
        awsCalls: support.preflight.filter((c) => c.service !== 'cloudwatch'),
        estimateMs: { typical: 2 * S, max: 30 * S },
      },
    );
  }
}

/** The lease on the EC2 instances the faults impair, once every check passed (src/experiments/lease.ts). */
function leaseStep(p: PlanSteps, s: Scenario, ctx: PlanContext): void {
  const calls = leasePlanCalls(s, ctx);
  if (calls.take.length === 0) return;
  p.add(
    'preflight',
    'preflight.lease',
    `lease ${leasedResources(s).join(', ')}`,
    'Refuses targets another drill holds (tag drillproof:lease = <run id>@<expiry>, not yet expired); once every check passed, tags the targets with this run’s lease and reads it back, and again before the first fault. Its release is journaled first.',
    {
      awsCalls: calls.take,
      inverse: {
        description: 'release the lease (remove the tag where it still holds this run’s value)',
        awsCalls: calls.release,
      },
      estimateMs: { typical: ctx.lab ? 50 : 1 * S, max: 10 * S },
    },
  );
}

/** The baseline, then each fault with its inverse. */
export function injectSteps(p: PlanSteps, { s, faultPlans }: PlanSources): void {
  const baselineMs = durationMs(s.steps.baseline);
  p.add(
    'baseline',
    'baseline',
    `measure the steady state for ${s.steps.baseline}`,
    `Probes${s.load ? ' and k6 load' : ''} run open-loop; samples are written to disk for the whole drill.`,
    {
      estimateMs: { typical: baselineMs, max: baselineMs },
    },
  );
  for (const [id, fp] of faultPlans) {
    p.add(
      'inject',
      `inject.${id}`,
      fp.title,
      `${fp.description}${fp.notes?.length ? ` (${fp.notes.join('; ')})` : ''} The inverse is written to the journal before the call.`,
      {
        targets: fp.targets,
        awsCalls: fp.inject,
        inverse: fp.inverse,
        destructive: fp.destructive,
        estimateMs: fp.injectMs,
      },
    );
  }
}

/** Observe: the recovery condition, the faults' own conditions, the watchers. */
export function observeStep(p: PlanSteps, { s, faultPlans }: PlanSources): void {
  const obs = s.steps.observe;
  const holdMs = durationMs(obs.recovery.hold);
  const timeoutMs = durationMs(obs.timeout);
  const byCondition = new Map<string, string[]>();
  for (const [id, fp] of faultPlans) {
    if (fp.recoveredWhen) byCondition.set(fp.recoveredWhen, [...(byCondition.get(fp.recoveredWhen) ?? []), id]);
  }
  const recoveryTypical = Math.max(0, ...faultPlans.map(([, fp]) => fp.recoveryTypicalMs));
  const holding = recoveryProbes(s);
  // Observe holds at least each recovery probe's window W (phases/observe.ts), so the estimate does too.
  const heldMs = effectiveHoldMs(s, holding, holdMs);
  p.add(
    'observe',
    'observe',
    `observe until recovered (at most ${obs.timeout})`,
    [
      holding.length
        ? `Recovered when ${holding.join(', ')} ${holding.length === 1 ? 'stays' : 'stay'} ok for ${heldMs > holdMs ? `${formatDurationMs(heldMs)} (the recovery window, longer than the hold ${obs.recovery.hold})` : obs.recovery.hold}`
        : undefined,
      ...[...byCondition].map(([when, ids]) => `${ids.join(', ')}: ${when}`),
      `AWS watchers poll every ${formatDurationMs(watchIntervalMs(s))}`,
      `Not recovered by ${obs.timeout}: RTO unmeasured and the objective fails.`,
    ]
      .filter(Boolean)
      .join('; '),
    {
      awsCalls: faultPlans.flatMap(([, fp]) => fp.watch),
      estimateMs: { typical: Math.min(timeoutMs, recoveryTypical + heldMs), max: timeoutMs },
    },
  );
}

/** The inverses newest first (auto), the scenario's rollback steps, verify and the evidence. */
export function afterSteps(p: PlanSteps, { s, faultPlans, support }: PlanSources): void {
  const obs = s.steps.observe;
  const holdMs = durationMs(obs.recovery.hold);
  if (s.rollback.mode === 'auto') {
    for (const [id, fp] of [...faultPlans].reverse()) {
      if (!fp.inverse) continue;
      p.add(
        'rollback',
        `rollback.${id}`,
        `undo ${id}: ${fp.inverse.description}`,
        'Runs always: after success, errors, guardrail aborts and Ctrl-C.',
        {
          awsCalls: fp.inverse.awsCalls,
          estimateMs: fp.inverseMs,
        },
      );
    }
  }
  for (const step of s.rollback.steps) {
    const t = durationMs(step.timeout);
    p.add(
      'rollback',
      `rollback.${step.id}`,
      step.type === 'exec' ? `run ${JSON.stringify(step.command)}` : `${step.method} ${step.url}`,
      'Explicit rollback step.',
      {
        estimateMs: { typical: Math.min(t, 1 * S), max: t },
      },
    );
  }
  p.add(
    'verify',
    'verify',
    'check the steady state again',
    [
      s.probes.length
        ? `After rollback the probes must be ok again for ${obs.recovery.hold}`
        : 'After rollback nothing is left over',
      s.probes.some((p) => probeKind(p.type)?.measures.rpo) ? 'heartbeat rows are read back for the RPO' : undefined,
    ]
      .filter(Boolean)
      .join('; ')
      .concat('.'),
    {
      estimateMs: { typical: holdMs, max: holdMs + 60 * S },
    },
  );
  p.add(
    'evidence',
    'evidence',
    `write and sign the evidence pack (${s.evidence.signing.type})`,
    `Analysis, report (HTML, Markdown, JSON, JUnit), SHA256SUMS and a Sigstore bundle in ${s.evidence.dir}/.`,
    {
      awsCalls: support.evidence,
      estimateMs: { typical: 2 * S, max: 30 * S },
    },
  );
}
