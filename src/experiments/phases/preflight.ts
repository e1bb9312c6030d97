import type { AwsApis } from '../../aws/apis.js';
import { DrillproofError } from '../../errors.js';
import { type MessageSink, message } from '../../io/messages.js';
import type { CallerIdentity } from '../../reports/run-record.js';
import { parseDurationMs } from '../../util/units.js';
import type { FaultAction, FaultContext, FaultRuntime, PreflightCheckResult } from '../faults/types.js';
import { checkStaticGuardrails } from '../guardrails.js';
import type { Journal } from '../journal.js';
import { provePermissions } from '../preflight-permissions.js';
import { type ResolvedResource, resolveResources } from '../preflight-resources.js';
import { checkDbTls } from '../preflight-tls.js';
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
  registry: Map<string, FaultRuntime>;
  faultCtx: Omit<FaultContext, 'resources'>;
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
    for (const c of await provePermissions({ scenario, aws, caller, sink })) add(c);
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    add({ check: 'caller identity', ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    fail();
  }
  if (checks.some((c) => !c.ok)) fail();

  let resources = new Map<string, ResolvedResource>();
  try {
    resources = await resolveResources(aws, scenario.resources ?? {});
    for (const r of resources.values()) add({ check: `resource ${r.name}`, ok: true, detail: describeResource(r) });
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    add({ check: 'resources', ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    fail();
  }

  const ctx: FaultContext = { ...i.faultCtx, resources, ...(caller?.account ? { account: caller.account } : {}) };
  const actions: FaultAction[] = [];
  for (const step of scenario.steps.faults) {
    const rt = i.registry.get(step.type);
    if (!rt) {
      add({ check: `fault ${step.id}`, ok: false, detail: `unknown fault type ${step.type}` });
      continue;
    }
    try {
      actions.push(...(await rt.prepare(step, ctx)));
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
  for (const c of await checkDbTls(scenario, i.faultCtx)) add(c);
  if (checks.some((c) => !c.ok)) fail();
  return { caller, resources, actions, checks, ctx };
}

function describeResource(r: ResolvedResource): string {
  switch (r.type) {
    case 'ec2-instance':
      return `${r.instances.map((x) => `${x.id} (${x.az ?? '?'}, ${x.state})`).join(', ')}`;
    case 'elbv2-target-group':
      return r.arn;
    case 'rds-instance':
      return `${r.id} ${r.status}${r.multiAz ? ' multi-az' : ''} primary ${r.az ?? '?'}`;
    case 'aurora-cluster':
      return `${r.id} ${r.status}, ${r.members.length} member(s)`;
  }
}
