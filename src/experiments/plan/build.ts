import type { FisTemplate } from '../fis-template.js';
import { durationMs, probeIntervalMs } from '../schema/helpers.js';
import type { Probe } from '../schema/probes.js';
import type { Scenario } from '../schema/scenario.js';
import { arns, call, known, type PlanContext, planContext } from './context.js';
import { type FaultPlan, planFault } from './fault-plans.js';
import { describeSelector } from './selectors.js';
import type { AwsCall, Plan, PlanPhase, PlanStep } from './types.js';

/** What a plan is built from: a loaded scenario (see load.ts). No network access, no side effects. */
export interface PlanInput {
  scenario: Scenario;
  path: string;
  sha256: string;
  fisTemplates?: Record<string, FisTemplate>;
}

const S = 1000;

function iamOf(calls: AwsCall[]): string[] {
  return [...new Set(calls.map((c) => c.iamAction))].sort();
}

function describeProbe(p: Probe): string {
  const every = `every ${p.interval ?? (p.type === 'http' ? `1/${p.rate}` : '?')}`;
  switch (p.type) {
    case 'http':
      return `${p.method} ${p.url} ${p.rate ? `at ${p.rate}` : every}, timeout ${p.timeout}, ok = status ${p.expect.status.join('/')}${p.expect.bodyContains ? ` and body contains "${p.expect.bodyContains}"` : ''}`;
    case 'tcp':
      return `TCP connect to ${p.host}:${p.port} ${every}, timeout ${p.timeout}`;
    case 'dns':
      return `resolve ${p.hostname} (${p.recordType}) ${every}, timeout ${p.timeout}`;
    case 'postgres-heartbeat':
    case 'mysql-heartbeat': {
      const c = p.connection;
      const secret =
        'env' in c.password
          ? `env ${c.password.env}`
          : 'file' in c.password
            ? `file ${c.password.file}`
            : 'secretsManager' in c.password
              ? `Secrets Manager ${c.password.secretsManager}`
              : 'RDS IAM auth';
      return `write (run_id, seq, sent_at) into ${p.schema}.${p.table} ${every} on ${c.host}:${c.port}/${c.database} as ${c.user} (password from ${secret}); read back after recovery`;
    }
  }
}

/** AWS calls probes and signing need: secrets, IAM database auth, KMS. */
function supportCalls(ctx: PlanContext): { preflight: AwsCall[]; evidence: AwsCall[] } {
  const s = ctx.scenario;
  const preflight: AwsCall[] = [];
  const passwords = [
    ...s.probes.flatMap((p) =>
      p.type === 'postgres-heartbeat' || p.type === 'mysql-heartbeat' ? [{ c: p.connection }] : [],
    ),
    ...s.steps.faults.flatMap((f) =>
      f.type === 'rds-restore' && f.connection?.password
        ? [{ c: { ...f.connection, user: f.connection.user ?? '*' } }]
        : [],
    ),
  ];
  for (const { c } of passwords) {
    const pw = c.password;
    if (!pw) continue;
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
  const templates = input.fisTemplates ?? {};
  const faultPlans: [string, FaultPlan][] = s.steps.faults.map((f) => [f.id, planFault(ctx, f, templates)]);
  const support = supportCalls(ctx);
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
  const restores = s.steps.faults.filter((f) => f.type === 'rds-restore').map((f) => f.id);
  const recoveryTypical = Math.max(0, ...faultPlans.map(([, fp]) => fp.recoveryTypicalMs));
  const recoveryProbes = obs.recovery.probes ?? s.probes.filter((p) => p.type !== 'dns').map((p) => p.name);
  add(
    'observe',
    'observe',
    `observe until recovered (at most ${obs.timeout})`,
    [
      recoveryProbes.length
        ? `Recovered when ${recoveryProbes.join(', ')} ${recoveryProbes.length === 1 ? 'stays' : 'stay'} ok for ${obs.recovery.hold}`
        : undefined,
      restores.length
        ? `${restores.join(', ')}: recovered when the restored database is available and answers the verification queries correctly`
        : undefined,
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
      s.probes.some((p) => p.type.endsWith('-heartbeat')) ? 'heartbeat rows are read back for the RPO' : undefined,
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
