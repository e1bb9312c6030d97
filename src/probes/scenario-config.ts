import { DrillproofError, type Problem } from '../errors.js';
import { parseDurationMs, parseRatePerSecond } from '../util/units.js';
import type { ProbeMappingContext } from './kinds/definition.js';
import { type Probe, type ProbeConfig, probeKind, probeSchema } from './kinds/registry.js';

export type { ProbeMappingContext };

/**
 * A variable-resolved scenario probe entry: either already validated by the schema, or a loosely
 * typed object (a view of the scenario, an entry with an overridden connection) that the mapping
 * validates again.
 */
export type ScenarioProbeInput = Probe | { name: string; type: string; [key: string]: unknown };

/** Durations were validated by the schema; this only converts them. */
function ms(text: string): number {
  const v = parseDurationMs(text);
  if (v === undefined)
    throw DrillproofError.tool('ProbeMappingFailed', `duration "${text}" passed validation but does not parse`);
  return v;
}

/**
 * Maps one variable-resolved scenario probe entry onto the normalized runtime config: the entry
 * is validated with the scenario schema (defaults applied, every problem named with its path),
 * durations become ms, `rate` becomes the interval Δ = 1 s / rate; the kind's definition maps
 * the rest.
 */
export function probeConfigFromScenario(
  entry: ScenarioProbeInput,
  ctx: ProbeMappingContext = {},
  path = `probes.${String(entry.name)}`,
): ProbeConfig {
  const r = probeSchema.safeParse(entry);
  if (!r.success) {
    const problems: Problem[] = r.error.issues.map((issue) => ({
      code: 'ProbeConfigInvalid',
      message: issue.message,
      path: fieldPath([path, ...issue.path]),
      severity: 'error',
    }));
    throw DrillproofError.user('ProbeConfigInvalid', `${problems.length} probe setting(s) are invalid`, { problems });
  }
  const p = r.data;
  const rate = 'rate' in p && p.rate !== undefined ? parseRatePerSecond(p.rate) : undefined;
  const common = {
    name: p.name,
    intervalMs: rate !== undefined ? 1000 / rate : ms(p.interval ?? '1s'),
    timeoutMs: ms(p.timeout),
    ...(p.recoveryWindow === undefined ? {} : { recoveryWindowMs: ms(p.recoveryWindow) }),
  };
  const def = probeKind(p.type);
  if (!def) throw DrillproofError.tool('ProbeKindUnknown', `no probe kind ${p.type}`);
  return def.toConfig(p as never, common, ctx) as ProbeConfig;
}

function fieldPath(parts: PropertyKey[]): string {
  return parts.reduce<string>(
    (acc, x) => (typeof x === 'number' ? `${acc}[${x}]` : acc ? `${acc}.${String(x)}` : String(x)),
    '',
  );
}

/**
 * The probes of a variable-resolved scenario as runtime configs. Entries are validated again with
 * the scenario schema (they may come from a view that lost their types) and every problem is named.
 */
export function probeConfigsFromScenario(
  scenario: { probes?: readonly unknown[]; target?: { region?: string; endpoint?: string } },
  ctx: ProbeMappingContext = {},
): ProbeConfig[] {
  const problems: Problem[] = [];
  const out: ProbeConfig[] = [];
  const full: ProbeMappingContext = {
    ...ctx,
    ...((ctx.region ?? scenario.target?.region) ? { region: ctx.region ?? scenario.target?.region } : {}),
    ...((ctx.endpoint ?? scenario.target?.endpoint) ? { endpoint: ctx.endpoint ?? scenario.target?.endpoint } : {}),
  };
  for (const [i, raw] of (scenario.probes ?? []).entries()) {
    try {
      out.push(probeConfigFromScenario(raw as ScenarioProbeInput, full, `probes[${i}]`));
    } catch (err) {
      if (!DrillproofError.is(err)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length) {
    throw DrillproofError.user('ProbeConfigInvalid', `${problems.length} probe setting(s) are invalid`, { problems });
  }
  return out;
}
