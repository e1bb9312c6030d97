import type { AwsApis } from '../../aws/apis.js';
import { DrillproofError } from '../../errors.js';
import { type MessageSink, message } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import type { CallerIdentity } from '../../run/record.js';
import { durationMs } from '../../scenario/helpers.js';
import { parseDurationMs } from '../../util/units.js';
import { unexercisedResources } from '../coverage.js';
import { faultDefinition } from '../faults/registry.js';
import type { FaultAction, FaultContext, PreflightCheckResult } from '../faults/types.js';
import { checkStaticGuardrails } from '../guardrails.js';
import { leaseCheck, leaseHolds, takeLease } from '../lease.js';
import { provePermissions } from '../preflight-permissions.js';
import { checkDbTls } from '../preflight-tls.js';
import { describeResolved, type ResolvedResource, resolveResources } from '../resources/registry.js';
import type { DrillScenario } from './drill-input.js';
import { type Drill, journaled } from './drill-state.js';

export interface PreflightResult {
  caller: CallerIdentity | null;
  resources: Map<string, ResolvedResource>;
  actions: FaultAction[];
  /** The fault context the actions were prepared with (resources, account). */
  ctx: FaultContext;
  checks: PreflightCheckResult[];
}

/** The checks of one preflight, journaled and reported as they are made. */
class PreflightChecks {
  readonly all: PreflightCheckResult[] = [];

  constructor(
    private readonly journal: Journal,
    private readonly sink: MessageSink,
  ) {}

  add(c: PreflightCheckResult): void {
    this.all.push(c);
    this.journal.append('preflight.check', {
      check: c.check,
      ok: c.ok,
      detail: c.detail,
      ...(c.hint ? { hint: c.hint } : {}),
    });
    this.sink.emit(
      message(
        c.ok ? 'info' : 'error',
        c.ok ? 'DP_PREFLIGHT_I2001' : 'DP_PREFLIGHT_E2002',
        `${c.ok ? 'ok' : 'FAIL'} ${c.check}: ${c.detail}`,
        c,
      ),
    );
  }

  /** A user error (DrillproofError) becomes a failed check; anything else is a tool error. */
  failed(check: string, err: unknown): void {
    if (!DrillproofError.is(err)) throw err;
    this.add({ check, ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) });
  }

  /** @throws DrillproofError `PreflightFailed` (exit 3) listing every failed check, if any. */
  stopIfFailed(): void {
    const failed = this.all.filter((c) => !c.ok);
    if (failed.length === 0) return;
    throw DrillproofError.user(
      'PreflightFailed',
      `preflight failed: ${failed.map((c) => `${c.check}: ${c.detail}`).join('; ')}; nothing was injected`,
      {
        exitCode: 3,
        ...(failed[0]?.hint ? { hint: failed[0].hint } : {}),
        details: { checks: failed },
      },
    );
  }
}

interface PreflightInput {
  scenario: DrillScenario;
  aws: AwsApis;
  journal: Journal;
  sink: MessageSink;
  faultCtx: Omit<FaultContext, 'resources'>;
  /** Files the faults name, as the loader read them, by fault id. */
  attachments?: Record<string, unknown>;
}

/**
 * Everything checked before anything is injected: caller identity (STS), allowed account and
 * region, resources resolved and present, the faults planned into actions, tags and limits,
 * and each action's own checks (DryRun permissions, Multi-AZ, snapshots, templates).
 * Changes nothing. @throws DrillproofError `PreflightFailed` (exit 3) listing every failed check.
 */
export async function runPreflight(i: PreflightInput): Promise<PreflightResult> {
  const checks = new PreflightChecks(i.journal, i.sink);
  const caller = await callerIdentity(i, checks);
  checks.stopIfFailed();
  let resources = new Map<string, ResolvedResource>();
  try {
    resources = await resolveResources(i.aws, i.scenario.resources ?? {});
    for (const r of resources.values())
      checks.add({ check: `resource ${r.name}`, ok: true, detail: describeResolved(r) });
  } catch (err) {
    checks.failed('resources', err);
  }
  checks.stopIfFailed();

  const ctx: FaultContext = { ...i.faultCtx, resources, ...(caller?.account ? { account: caller.account } : {}) };
  const actions = await prepareFaults(i, ctx, checks);
  checks.stopIfFailed();

  const { scenario } = i;
  const baselineMs = parseDurationMs(scenario.steps.baseline ?? '0s') ?? 0;
  const observeMs = parseDurationMs(scenario.steps.observe?.timeout ?? '5m') ?? 300_000;
  for (const c of checkStaticGuardrails({
    guardrails: scenario.guardrails ?? {},
    ...(scenario.target.allowedAccounts ? { allowedAccounts: scenario.target.allowedAccounts } : {}),
    account: caller?.account ?? null,
    region: i.aws.region,
    resources,
    actions,
    plannedDurationMs: baselineMs + observeMs,
  })) {
    checks.add(c);
  }
  try {
    const held = await leaseCheck(scenario, resources, i.aws, i.faultCtx.runId, i.faultCtx.timeline.nowMs());
    if (held) checks.add(held);
  } catch (err) {
    checks.failed('lease', err);
  }
  for (const a of actions) {
    for (const c of await a.preflight(ctx)) checks.add({ ...c, check: `${a.stepId}: ${c.check}` });
  }
  for (const c of await checkDbTls(scenario, i.faultCtx)) checks.add(c);
  checks.stopIfFailed();
  return { caller, resources, actions, checks: checks.all, ctx };
}

/** STS GetCallerIdentity, then IAM's proof that this caller may make every call of the plan. */
async function callerIdentity(i: PreflightInput, checks: PreflightChecks): Promise<CallerIdentity | null> {
  try {
    const id = await i.aws.sts.getCallerIdentity({});
    const caller = { account: id.Account ?? '', arn: id.Arn ?? '', ...(id.UserId ? { userId: id.UserId } : {}) };
    checks.add({ check: 'caller identity', ok: true, detail: `${caller.arn} in account ${caller.account}` });
    const proof = { scenario: i.scenario, aws: i.aws, caller, sink: i.sink };
    // The faults' files (a FIS template) name calls of their own: the proof covers them too.
    for (const c of await provePermissions({ ...proof, ...(i.attachments ? { attachments: i.attachments } : {}) }))
      checks.add(c);
    return caller;
  } catch (err) {
    checks.failed('caller identity', err);
    return null;
  }
}

/** Each fault step through its definition's `prepare`; a step that cannot be prepared fails its check. */
async function prepareFaults(i: PreflightInput, ctx: FaultContext, checks: PreflightChecks): Promise<FaultAction[]> {
  const actions: FaultAction[] = [];
  for (const step of i.scenario.steps.faults) {
    const def = faultDefinition(step.type);
    if (!def) {
      checks.add({ check: `fault ${step.id}`, ok: false, detail: `unknown fault type ${step.type}` });
      continue;
    }
    try {
      actions.push(...(await def.prepare(step as never, ctx, i.attachments?.[step.id])));
    } catch (err) {
      checks.failed(`fault ${step.id}`, err);
    }
  }
  return actions;
}

/**
 * The preflight phase: the checks above, then the probes start (their baseline follows), every
 * sample feeding the live view and the guardrails.
 */
export async function preflightPhase(d: Drill): Promise<void> {
  const { facts } = d;
  const pf = await journaled(d, 'preflight', async () => {
    const r = await runPreflight({
      scenario: d.scenario,
      aws: d.aws,
      journal: d.journal,
      sink: d.sink,
      faultCtx: d.faultCtx,
      ...(d.input.attachments ? { attachments: d.input.attachments } : {}),
    });
    // Preflight passed: the lease before anything else happens to the targets.
    facts.leased = leaseHolds(d.scenario, r.resources);
    await takeLease({
      aws: d.aws,
      holds: facts.leased,
      runId: d.input.runId,
      nowMs: d.timeline.nowMs(),
      maxDurationMs: durationMs(d.scenario.guardrails.maxDuration),
      rollback: d.rollback,
    });
    const probes = await d.options.ports.startProbes({
      scenario: d.scenario,
      runDir: d.input.runDir,
      runId: d.input.runId,
      timeline: d.timeline,
      signal: d.abort.signal,
      writes: d.writes,
    });
    facts.probes = probes;
    probes.onSample((s) => {
      d.live.add(s);
      d.guard.onSample(s);
    });
    return r;
  });
  facts.caller = pf.caller;
  facts.actions = pf.actions;
  facts.ctx = pf.ctx;
  const cov = unexercisedResources(d.scenario, pf.ctx.resources);
  facts.affected = cov.affected;
  facts.unexercised = cov.unexercised;
  for (const r of cov.unexercised) {
    d.journal.append('note', { message: `no probe exercised ${r}` });
    d.sink.emit(
      message(
        'warn',
        'DP_RUN_W1601',
        `no probe depends on ${r}, which the faults impair: the drill will be inconclusive`,
        {
          resource: r,
        },
      ),
    );
  }
}
