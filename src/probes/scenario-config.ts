import { dirname, isAbsolute, resolve } from 'node:path';
import { DrillproofError, type Problem } from '../errors.js';
import { loadScenarioFile } from '../experiments/load.js';
import type { SecretRef } from '../experiments/schema/common.js';
import { type DbConnection, type Probe, probeSchema } from '../experiments/schema/probes.js';
import { resolveScenarioVars } from '../experiments/vars.js';
import { parseDurationMs, parseRatePerSecond } from '../util/units.js';
import type { CredentialSource, DbConnectionConfig, ProbeConfig } from './config.js';
import { defaultMaxInFlight } from './config.js';

/**
 * A variable-resolved scenario probe entry: either already validated by the schema, or a loosely
 * typed object (a view of the scenario, an entry with an overridden connection) that the mapping
 * validates again.
 */
export type ScenarioProbeInput = Probe | { name: string; type: string; [key: string]: unknown };

/** What the mapping needs from around the probe entry. */
export interface ProbeMappingContext {
  /** Directory of the scenario file: `{file: path}` passwords are relative to it. */
  baseDir?: string;
  /** The scenario's target region / endpoint (Secrets Manager, RDS IAM tokens). */
  region?: string;
  endpoint?: string;
}

/** Durations were validated by the schema; this only converts them. */
function ms(text: string): number {
  const v = parseDurationMs(text);
  if (v === undefined)
    throw DrillproofError.tool('ProbeMappingFailed', `duration "${text}" passed validation but does not parse`);
  return v;
}

function credential(p: SecretRef, ctx: ProbeMappingContext): CredentialSource {
  const aws = { ...(ctx.region ? { region: ctx.region } : {}), ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}) };
  if ('env' in p) return { type: 'env', name: p.env };
  if ('file' in p) {
    return { type: 'file', path: isAbsolute(p.file) || !ctx.baseDir ? p.file : resolve(ctx.baseDir, p.file) };
  }
  if ('secretsManager' in p) {
    return { type: 'secretsManager', secretId: p.secretsManager, ...(p.key ? { key: p.key } : {}), ...aws };
  }
  return { type: 'rdsIamAuth', ...aws };
}

function dbConnection(c: DbConnection, ctx: ProbeMappingContext): DbConnectionConfig {
  return {
    host: c.host,
    port: Number(c.port),
    database: c.database,
    user: c.user,
    password: credential(c.password, ctx),
    ...sslOf(c.ssl, ctx),
  };
}

function sslOf(s: DbConnection['ssl'], ctx: ProbeMappingContext): Pick<DbConnectionConfig, 'ssl' | 'sslCa'> {
  if (typeof s === 'string') return { ssl: s };
  const ca = s.ca;
  if (!ca) return { ssl: s.mode };
  if ('env' in ca) return { ssl: s.mode, sslCa: { type: 'env', name: ca.env } };
  return {
    ssl: s.mode,
    sslCa: { type: 'file', path: isAbsolute(ca.file) || !ctx.baseDir ? ca.file : resolve(ctx.baseDir, ca.file) },
  };
}

/**
 * Maps one variable-resolved scenario probe entry onto the normalized runtime config: the entry
 * is validated with the scenario schema (defaults applied, every problem named with its path),
 * durations become ms, `rate` becomes the interval Δ = 1 s / rate.
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
  return mapProbe(r.data, ctx);
}

function mapProbe(p: Probe, ctx: ProbeMappingContext): ProbeConfig {
  const rate = p.type === 'http' && p.rate !== undefined ? parseRatePerSecond(p.rate) : undefined;
  const intervalMs = rate !== undefined ? 1000 / rate : ms(p.interval ?? '1s');
  const timeoutMs = ms(p.timeout);
  const common = {
    name: p.name,
    intervalMs,
    timeoutMs,
    ...(p.recoveryWindow === undefined ? {} : { recoveryWindowMs: ms(p.recoveryWindow) }),
  };
  switch (p.type) {
    case 'http':
      return {
        ...common,
        kind: 'http',
        maxInFlight: p.maxInFlight,
        url: p.url,
        method: p.method,
        headers: p.headers ?? {},
        ...(p.body === undefined ? {} : { body: p.body }),
        expect: {
          status: p.expect.status,
          ...(p.expect.bodyContains === undefined ? {} : { bodyContains: p.expect.bodyContains }),
          ...(p.expect.bodyMatches === undefined ? {} : { bodyMatches: p.expect.bodyMatches }),
          ...(p.expect.headers === undefined ? {} : { headers: p.expect.headers }),
        },
        connection: p.connection,
        ...(p.backendHeader === undefined ? {} : { backendHeader: p.backendHeader }),
      };
    case 'tcp':
      return {
        ...common,
        kind: 'tcp',
        maxInFlight: defaultMaxInFlight(intervalMs, timeoutMs),
        host: p.host,
        port: Number(p.port),
      };
    case 'dns':
      return {
        ...common,
        kind: 'dns',
        maxInFlight: defaultMaxInFlight(intervalMs, timeoutMs),
        hostname: p.hostname,
        recordType: p.recordType,
      };
    case 'postgres-heartbeat':
    case 'mysql-heartbeat':
      return {
        ...common,
        kind: p.type,
        maxInFlight: defaultMaxInFlight(intervalMs, timeoutMs),
        schema: p.schema,
        table: p.table,
        connection: dbConnection(p.connection, ctx),
        connectTimeoutMs: timeoutMs,
      };
  }
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

/**
 * The probes of a scenario file, ready to run (`drillproof probe --scenario`): loaded and
 * validated with the scenario loader, `${env.X}` resolved (a `${lab.x}` needs the running lab and
 * is reported as unresolved here).
 */
export async function loadScenarioProbes(file: string, env: NodeJS.ProcessEnv): Promise<ProbeConfig[]> {
  const loaded = loadScenarioFile(file);
  const scenario = resolveScenarioVars(loaded.scenario, { env });
  const probes = probeConfigsFromScenario(scenario, { baseDir: dirname(resolve(file)) });
  if (probes.length === 0) {
    throw DrillproofError.user('ScenarioHasNoProbes', `${file}: the scenario has no probes`, {
      hint: 'add a probes: list (http, tcp, dns, postgres-heartbeat, mysql-heartbeat)',
    });
  }
  return probes;
}
