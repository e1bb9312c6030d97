import { type Probe, probeKind } from '../../probes/kinds/registry.js';
import { durationMs, probeIntervalMs } from '../../scenario/helpers.js';
import { faultDefinition } from '../faults/registry.js';
import { recoveryProbes } from '../recovery-probes.js';
import { describeSelector } from '../resources/registry.js';
import type { Scenario } from '../schema/scenario.js';
import { arns, call, known, type PlanContext, planContext } from './context.js';
import type { AwsCall, FaultPlan, Plan, PlanPhase, PlanStep } from './types.js';

/** What a plan is built from: a loaded scenario (see load.ts). No network access, no side effects. */
export interface PlanInput {
  scenario: Scenario;
  path: string;
  sha256: string;
  /** Files the faults name (a FIS template file), as the loader read them, by fault id. */
  attachments?: Record<string, unknown>;
}

const S = 1000;

function iamOf(calls: AwsCall[]): string[] {
  return [...new Set(calls.map((c) => c.iamAction))].sort();
}

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

/** AWS calls probes and signing need: secrets, IAM database auth, KMS. */
function supportCalls(
  s: Scenario,
  ctx: PlanContext,
  faultPlans: [string, FaultPlan][],
): { preflight: AwsCall[]; evidence: AwsCall[] } {
  const preflight: AwsCall[] = [];
  const passwords = [
    ...s.probes.flatMap((p) => probeKind(p.type)?.secrets?.(p as never) ?? []),
    ...faultPlans.flatMap(([, fp]) => fp.secrets ?? []),
  ];
  for (const c of passwords) {
    const pw = c.password;
    if ('secretsManager' in pw) {
      const id = pw.secretsManager;
      const res = known(id)
        ? id.startsWith('arn:')
          ? [id]
          : arns(ctx, 'secretsmanager', `secret:${id}-*`)
        : arns(ctx, 'secretsmanager', 'secret:*');
      preflight.push(call('secretsmanager', 'GetSecretValue', res, { note: 'database password' }));
    }
    if ('rdsIamAuth' in pw) {
      const user = known(c.user) ? c.user : '*';
      preflight.push(
        call('rds-db', 'connect', arns(ctx, 'rds-db', `dbuser:*/${user}`), {
          iamAction: 'rds-db:connect',
          note: 'IAM database authentication token (signed locally)',
        }),
      );
    }
  }
  if (s.guardrails.cloudwatchAlarms.length > 0) {
    preflight.push(call('cloudwatch', 'DescribeAlarms', ['*'], { note: 'abort guardrail alarms' }));
  }
  const evidence: AwsCall[] = [];
  if (s.evidence.signing.type === 'kms') {
    const k = s.evidence.signing.kmsKeyId;
    const keyArns = known(k) && k.startsWith('arn:aws:kms:') && k.includes(':key/') ? [k] : arns(ctx, 'kms', 'key/*');
    evidence.push(
      call('kms', 'GetPublicKey', keyArns, { note: 'public key for the pack' }),
      call('kms', 'Sign', keyArns, { params: { MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' } }),
    );
  }
  return { preflight, evidence };
}

function dedupeCalls(calls: AwsCall[]): AwsCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const k = `${c.iamAction}|${c.resources.join(',')}|${c.dryRun ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Builds the ordered plan of a scenario. Pure: no network, no clock. */
export function buildPlan(input: PlanInput): Plan {
  const s = input.scenario;
  const ctx = planContext(s);
  const attachments = input.attachments ?? {};
  const faultPlans: [string, FaultPlan][] = s.steps.faults.map((f) => [f.id, planFault(ctx, f, attachments[f.id])]);
  const support = supportCalls(s, ctx, faultPlans);
  const steps: PlanStep[] = [];
  const add = (
    phase: PlanPhase,
    id: string,
    title: string,
    description: string,
    extra: Partial<PlanStep> & { awsCalls?: AwsCall[] } = {},
  ) => {
    const awsCalls = dedupeCalls(extra.awsCalls ?? []);
    const inverseCalls = extra.inverse?.awsCalls ?? [];
    steps.push({
      n: steps.length + 1,
      phase,
      id,
      title,
      description,
      targets: extra.targets ?? [],
      awsCalls,
      ...(extra.inverse !== undefined ? { inverse: extra.inverse } : {}),
      destructive: extra.destructive ?? false,
      iamActions: iamOf([...awsCalls, ...inverseCalls]),
      estimateMs: extra.estimateMs ?? { typical: 0, max: 0 },
    });
  };

  const accounts = s.target.allowedAccounts?.join(', ') ?? 'any (lab)';
  add(
    'preflight',
    'preflight.identity',
    'check the caller identity',
    `Calls STS GetCallerIdentity; the account must be one of: ${accounts}.`,
    {
      awsCalls: [call('sts', 'GetCallerIdentity', ['*'])],
      estimateMs: { typical: ctx.lab ? 100 : 1 * S, max: 10 * S },
    },
  );
  for (const [id, fp] of faultPlans) {
    if (fp.preflight.length === 0) continue;
    add(
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
  const g = s.guardrails;
  add(
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
    add(
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
  const baselineMs = durationMs(s.steps.baseline);
  add(
    'baseline',
    'baseline',
    `measure the steady state for ${s.steps.baseline}`,
    `Probes${s.load ? ' and k6 load' : ''} run open-loop; samples are written to disk for the whole drill.`,
    {
      estimateMs: { typical: baselineMs, max: baselineMs },
    },
  );
  for (const [id, fp] of faultPlans) {
    add(
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
  const obs = s.steps.observe;
  const holdMs = durationMs(obs.recovery.hold);
  const timeoutMs = durationMs(obs.timeout);
  const byCondition = new Map<string, string[]>();
  for (const [id, fp] of faultPlans) {
    if (fp.recoveredWhen) byCondition.set(fp.recoveredWhen, [...(byCondition.get(fp.recoveredWhen) ?? []), id]);
  }
  const recoveryTypical = Math.max(0, ...faultPlans.map(([, fp]) => fp.recoveryTypicalMs));
  const holding = recoveryProbes(s);
  add(
    'observe',
    'observe',
    `observe until recovered (at most ${obs.timeout})`,
    [
      holding.length
        ? `Recovered when ${holding.join(', ')} ${holding.length === 1 ? 'stays' : 'stay'} ok for ${obs.recovery.hold}`
        : undefined,
      ...[...byCondition].map(([when, ids]) => `${ids.join(', ')}: ${when}`),
      `AWS watchers poll every ${obs.watch.interval}`,
      `Not recovered by ${obs.timeout}: RTO unmeasured and the objective fails.`,
    ]
      .filter(Boolean)
      .join('; '),
    {
      awsCalls: faultPlans.flatMap(([, fp]) => fp.watch),
      estimateMs: { typical: Math.min(timeoutMs, recoveryTypical + holdMs), max: timeoutMs },
    },
  );
  if (s.rollback.mode === 'auto') {
    for (const [id, fp] of [...faultPlans].reverse()) {
      if (!fp.inverse) continue;
      add(
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
    add(
      'rollback',
      `rollback.${step.id}`,
      step.type === 'exec' ? `run ${JSON.stringify(step.command)}` : `${step.method} ${step.url}`,
      'Explicit rollback step.',
      {
        estimateMs: { typical: Math.min(t, 1 * S), max: t },
      },
    );
  }
  add(
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
  add(
    'evidence',
    'evidence',
    `write and sign the evidence pack (${s.evidence.signing.type})`,
    `Analysis, report (HTML, Markdown, JSON, JUnit), SHA256SUMS and a Sigstore bundle in ${s.evidence.dir}/.`,
    {
      awsCalls: support.evidence,
      estimateMs: { typical: 2 * S, max: 30 * S },
    },
  );

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
