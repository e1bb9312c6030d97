import type { AwsApis } from '../../aws/apis.js';
import { DrillproofError } from '../../errors.js';
import { type MessageSink, message } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import type { CallerIdentity } from '../../run/record.js';
import { parseDurationMs } from '../../util/units.js';
import { faultDefinition } from '../faults/registry.js';
import type { FaultAction, FaultContext, PreflightCheckResult } from '../faults/types.js';
import { checkStaticGuardrails } from '../guardrails.js';
import { describeResolved, type ResolvedResource, resolveResources } from '../resources/registry.js';
import type { DrillScenario } from './drill-input.js';

export interface PreflightResult {
  caller: CallerIdentity | null;
  resources: Map<string, ResolvedResource>;
  actions: FaultAction[];
  /** The fault context the actions were prepared with (resources, account). */
  ctx: FaultContext;
  checks: PreflightCheckResult[];
}

/**
 * Everything checked before anything is injected: caller identity (STS), allowed account and
 * region, resources resolved and present, the faults planned into actions, tags and limits,
 * and each action's own checks (DryRun permissions, Multi-AZ, snapshots, templates).
 * Changes nothing. @throws DrillproofError `PreflightFailed` (exit 3) listing every failed check.
 */
export async function runPreflight(i: {
  scenario: DrillScenario;
  aws: AwsApis;
  journal: Journal;
  sink: MessageSink;
  faultCtx: Omit<FaultContext, 'resources'>;
  /** Files the faults name, as the loader read them, by fault id. */
  attachments?: Record<string, unknown>;
}): Promise<PreflightResult> {
  const { scenario, aws, journal, sink } = i;
  const checks: PreflightCheckResult[] = [];
  const add = (c: PreflightCheckResult) => {
    checks.push(c);
    journal.append('preflight.check', {
      check: c.check,
      ok: c.ok,
      detail: c.detail,
      ...(c.hint ? { hint: c.hint } : {}),
    });
    sink.emit(
      message(
        c.ok ? 'info' : 'error',
        c.ok ? 'DP_PREFLIGHT_I2001' : 'DP_PREFLIGHT_E2002',
        `${c.ok ? 'ok' : 'FAIL'} ${c.check}: ${c.detail}`,
        c,
      ),
    );
  };
  const fail = (): never => {
    const failed = checks.filter((c) => !c.ok);
    throw DrillproofError.user(
      'PreflightFailed',
      `preflight failed: ${failed.map((c) => `${c.check}: ${c.detail}`).join('; ')}; nothing was injected`,
      {
        exitCode: 3,
        ...(failed[0]?.hint ? { hint: failed[0].hint } : {}),
        details: { checks: failed },
      },
    );
  };

  let caller: CallerIdentity | null = null;
  try {
    const id = await aws.sts.getCallerIdentity({});
    caller = { account: id.Account ?? '', arn: id.Arn ?? '', ...(id.UserId ? { userId: id.UserId } : {}) };
    add({ check: 'caller identity', ok: true, detail: `${caller.arn} in account ${caller.account}` });
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    add({ check: 'caller identity', ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    fail();
  }

  let resources = new Map<string, ResolvedResource>();
  try {
    resources = await resolveResources(aws, scenario.resources ?? {});
    for (const r of resources.values()) add({ check: `resource ${r.name}`, ok: true, detail: describeResolved(r) });
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    add({ check: 'resources', ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    fail();
  }

  const ctx: FaultContext = { ...i.faultCtx, resources, ...(caller?.account ? { account: caller.account } : {}) };
  const actions: FaultAction[] = [];
  for (const step of scenario.steps.faults) {
    const def = faultDefinition(step.type);
    if (!def) {
      add({ check: `fault ${step.id}`, ok: false, detail: `unknown fault type ${step.type}` });
      continue;
    }
    try {
      actions.push(...(await def.prepare(step as never, ctx, i.attachments?.[step.id])));
    } catch (err) {
      if (!DrillproofError.is(err)) throw err;
      add({ check: `fault ${step.id}`, ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    }
  }
  if (checks.some((c) => !c.ok)) fail();

  const baselineMs = parseDurationMs(scenario.steps.baseline ?? '0s') ?? 0;
  const observeMs = parseDurationMs(scenario.steps.observe?.timeout ?? '5m') ?? 300_000;
  for (const c of checkStaticGuardrails({
    guardrails: scenario.guardrails ?? {},
    ...(scenario.target.allowedAccounts ? { allowedAccounts: scenario.target.allowedAccounts } : {}),
    account: caller?.account ?? null,
    region: aws.region,
    resources,
    actions,
    plannedDurationMs: baselineMs + observeMs,
  })) {
    add(c);
  }
  for (const a of actions) {
    for (const c of await a.preflight(ctx)) add({ ...c, check: `${a.stepId}: ${c.check}` });
  }
  if (checks.some((c) => !c.ok)) fail();
  return { caller, resources, actions, checks, ctx };
}
