import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { DrillproofError } from '../errors.js';
import { parseDurationMs, parseRatePerSecond } from '../util/units.js';
import {
  type CredentialSource,
  type DbConnectionConfig,
  DEFAULT_HEARTBEAT_TABLE,
  DEFAULT_TIMEOUT_MS,
  defaultMaxInFlight,
  type ProbeConfig,
} from './config.js';

/** A probe entry of a scenario after variable resolution (durations and rates still text). */
export interface ScenarioProbeInput {
  name: string;
  type: string;
  rate?: string;
  interval?: string;
  timeout?: string;
  recoveryWindow?: string;
  maxInFlight?: number;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  expect?: { status?: number[]; bodyContains?: string; bodyMatches?: string; headers?: Record<string, string> };
  connection?: unknown;
  backendHeader?: string;
  host?: string;
  port?: number | string;
  hostname?: string;
  recordType?: string;
  schema?: string;
  table?: string;
  connectTimeout?: string;
}

const DEFAULT_INTERVAL_MS: Record<string, number> = {
  http: 50,
  tcp: 500,
  dns: 1000,
  'postgres-heartbeat': 200,
  'mysql-heartbeat': 200,
};

function bad(path: string, msg: string, hint?: string): DrillproofError {
  return DrillproofError.user('ProbeConfigInvalid', `${path}: ${msg}`, hint ? { hint } : {});
}

function dur(path: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = parseDurationMs(String(v));
  if (ms === undefined || ms <= 0) throw bad(path, `"${v}" is not a duration`, 'write e.g. 2s, 500ms or 1m');
  return ms;
}

function port(path: string, v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw bad(path, `"${String(v)}" is not a tcp port`, 'write a number from 1 to 65535');
  }
  return n;
}

function str(path: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw bad(path, 'is required');
  return v;
}

function credential(path: string, v: unknown): CredentialSource {
  if (v === undefined || v === null) return { type: 'none' };
  if (typeof v === 'string') return { type: 'literal', value: v };
  const o = v as Record<string, unknown>;
  if (typeof o.env === 'string') return { type: 'env', name: o.env };
  if (typeof o.file === 'string') return { type: 'file', path: o.file };
  if (typeof o.secretsManager === 'string') {
    const c: CredentialSource = { type: 'secretsManager', secretId: o.secretsManager };
    if (typeof o.key === 'string') c.key = o.key;
    if (typeof o.region === 'string') c.region = o.region;
    return c;
  }
  if (o.rdsIamAuth === true) {
    return typeof o.region === 'string' ? { type: 'rdsIamAuth', region: o.region } : { type: 'rdsIamAuth' };
  }
  throw bad(
    path,
    'is not a password source',
    'use {env: NAME}, {file: path}, {secretsManager: arn, key: password} or {rdsIamAuth: true}',
  );
}

function dbConnection(path: string, v: unknown, kind: string): DbConnectionConfig {
  if (typeof v !== 'object' || v === null) throw bad(path, 'is required for a heartbeat probe');
  const c = v as Record<string, unknown>;
  const ssl = (c.ssl ?? 'disable') as string;
  if (ssl !== 'disable' && ssl !== 'require' && ssl !== 'verify-full') {
    throw bad(`${path}.ssl`, `"${ssl}" is not disable, require or verify-full`);
  }
  return {
    host: str(`${path}.host`, c.host),
    port: c.port === undefined ? (kind === 'mysql-heartbeat' ? 3306 : 5432) : port(`${path}.port`, c.port),
    database: str(`${path}.database`, c.database),
    user: str(`${path}.user`, c.user),
    password: credential(`${path}.password`, c.password),
    ssl,
  };
}

/**
 * Maps one scenario probe entry (variables resolved) onto the normalized runtime config:
 * durations to ms, `rate` to an interval, defaults applied. `path` names the entry in errors.
 */
export function probeConfigFromScenario(p: ScenarioProbeInput, path = `probes.${p.name}`): ProbeConfig {
  const type = p.type;
  const dflt = DEFAULT_INTERVAL_MS[type];
  if (dflt === undefined) {
    throw bad(
      `${path}.type`,
      `"${type}" is not a probe type`,
      'use http, tcp, dns, postgres-heartbeat or mysql-heartbeat',
    );
  }
  let intervalMs = dflt;
  if (p.rate !== undefined) {
    const r = parseRatePerSecond(String(p.rate));
    if (r === undefined) throw bad(`${path}.rate`, `"${p.rate}" is not a rate`, 'write e.g. 20/s');
    intervalMs = 1000 / r;
  } else if (p.interval !== undefined) {
    intervalMs = dur(`${path}.interval`, p.interval, dflt);
  }
  const timeoutMs = dur(`${path}.timeout`, p.timeout, Math.min(DEFAULT_TIMEOUT_MS, Math.max(intervalMs * 10, 1000)));
  const common = {
    name: p.name,
    intervalMs,
    timeoutMs,
    maxInFlight: p.maxInFlight ?? defaultMaxInFlight(intervalMs, timeoutMs),
    ...(p.recoveryWindow === undefined ? {} : { recoveryWindowMs: dur(`${path}.recoveryWindow`, p.recoveryWindow, 0) }),
  };
  switch (type) {
    case 'http': {
      const url = str(`${path}.url`, p.url);
      const connection = (p.connection ?? 'keep-alive') as string;
      if (connection !== 'keep-alive' && connection !== 'fresh') {
        throw bad(`${path}.connection`, `"${connection}" is not keep-alive or fresh`);
      }
      if (p.expect?.bodyMatches !== undefined) {
        try {
          new RegExp(p.expect.bodyMatches);
        } catch {
          throw bad(`${path}.expect.bodyMatches`, `"${p.expect.bodyMatches}" is not a valid regular expression`);
        }
      }
      return {
        ...common,
        kind: 'http',
        url,
        method: (p.method ?? 'GET').toUpperCase(),
        headers: p.headers ?? {},
        ...(p.body === undefined ? {} : { body: p.body }),
        expect: {
          status: p.expect?.status ?? [200],
          ...(p.expect?.bodyContains === undefined ? {} : { bodyContains: p.expect.bodyContains }),
          ...(p.expect?.bodyMatches === undefined ? {} : { bodyMatches: p.expect.bodyMatches }),
          ...(p.expect?.headers === undefined ? {} : { headers: p.expect.headers }),
        },
        connection,
        ...(p.backendHeader === undefined ? {} : { backendHeader: p.backendHeader }),
      };
    }
    case 'tcp':
      return { ...common, kind: 'tcp', host: str(`${path}.host`, p.host), port: port(`${path}.port`, p.port) };
    case 'dns': {
      const recordType = (p.recordType ?? 'lookup') as string;
      if (!['lookup', 'A', 'AAAA', 'CNAME'].includes(recordType)) {
        throw bad(`${path}.recordType`, `"${recordType}" is not lookup, A, AAAA or CNAME`);
      }
      return {
        ...common,
        kind: 'dns',
        hostname: str(`${path}.hostname`, p.hostname),
        recordType: recordType as 'lookup',
      };
    }
    default: {
      const kind = type as 'postgres-heartbeat' | 'mysql-heartbeat';
      return {
        ...common,
        kind,
        schema: p.schema ?? 'drillproof',
        table: p.table ?? DEFAULT_HEARTBEAT_TABLE,
        connection: dbConnection(`${path}.connection`, p.connection, kind),
        connectTimeoutMs: dur(`${path}.connectTimeout`, p.connectTimeout, timeoutMs),
      };
    }
  }
}

/**
 * The probes of a scenario file, ready to run (`drillproof probe --scenario`). Reads the YAML,
 * resolves `${env.NAME}` in strings and maps every `probes` entry.
 */
export async function loadScenarioProbes(file: string, env: NodeJS.ProcessEnv): Promise<ProbeConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw DrillproofError.user('ScenarioNotFound', `cannot read scenario ${file}`, { cause });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw DrillproofError.user('ScenarioInvalid', `${file} is not valid yaml: ${(cause as Error).message}`, { cause });
  }
  const probes = (doc as { probes?: unknown })?.probes;
  if (!Array.isArray(probes) || probes.length === 0) {
    throw DrillproofError.user('ScenarioInvalid', `${file}: probes: the scenario has no probes`, {
      hint: 'add a probes: list (see docs/measurements.md)',
    });
  }
  return probes.map((p, i) =>
    probeConfigFromScenario(resolveEnv(p, env, `probes[${i}]`) as ScenarioProbeInput, `probes[${i}]`),
  );
}

function resolveEnv(v: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const x = env[name];
      if (x === undefined) {
        throw DrillproofError.user('ScenarioVariableMissing', `${path}: environment variable ${name} is not set`);
      }
      return x;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => resolveEnv(x, env, `${path}[${i}]`));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveEnv(x, env, `${path}.${k}`)]));
  }
  return v;
}
