import { DrillproofError, type Problem } from '../errors.js';

/**
 * Scenario variables: `${env.NAME}` (process environment) and `${lab.path}` (facts of the running
 * local lab, e.g. `${lab.appUrl}`, `${lab.db.port}`, `${lab.instances[0].id}`, `${lab.ecs.serviceArn}`,
 * `${lab.lambda.functionUrl}`, `${lab.elasticache.primaryEndpoint.port}`). They are checked for
 * syntax when a scenario is loaded and substituted only at run time, so the file that is validated,
 * planned and signed is the file as written. `$${` writes a literal `${`.
 */
const ENV_NAME = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const LAB_PATH = /^lab((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)$/;
const LAB_STEP = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g;

export interface VarRef {
  /** The text between `${` and `}`. */
  expr: string;
  start: number;
  end: number;
}

/** Splits a string into literal parts and variable references; reports syntax problems. */
function scan(s: string): { refs: VarRef[]; problems: string[] } {
  const refs: VarRef[] = [];
  const problems: string[] = [];
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf('${', i);
    if (at < 0) break;
    if (at > 0 && s[at - 1] === '$') {
      i = at + 2;
      continue;
    }
    const close = s.indexOf('}', at + 2);
    if (close < 0) {
      problems.push(`unterminated variable "${s.slice(at, at + 30)}": close it with "}"`);
      break;
    }
    const expr = s.slice(at + 2, close).trim();
    if (!ENV_NAME.test(expr) && !LAB_PATH.test(expr)) {
      problems.push(
        `invalid variable "\${${expr}}": write \${env.NAME} or \${lab.field} (e.g. \${lab.db.host}, \${lab.instances[0].id}); write $\${ for a literal \${`,
      );
    }
    refs.push({ expr, start: at, end: close + 1 });
    i = close + 1;
  }
  return { refs, problems };
}

/** Syntax problems of the variables in one string (empty when fine). */
export function checkVarSyntax(s: string): string[] {
  return s.includes('${') ? scan(s).problems : [];
}

/** Variable expressions used in one string, e.g. `['lab.db.host', 'env.PGPASSWORD']`. */
export function varsIn(s: string): string[] {
  return s.includes('${') ? scan(s).refs.map((r) => r.expr) : [];
}

/** Every variable used anywhere in a value, with its dotted path. */
export function collectVars(value: unknown, path = ''): { path: string; expr: string }[] {
  const out: { path: string; expr: string }[] = [];
  walk(value, path, (s, p) => {
    for (const expr of varsIn(s)) out.push({ path: p, expr });
  });
  return out;
}

function walk(value: unknown, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, visit);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, visit);
  }
}

export interface VarSources {
  env: Record<string, string | undefined>;
  /** The running lab's facts; absent when the target is AWS. */
  lab?: unknown;
}

function lookupLab(lab: unknown, expr: string): unknown {
  const m = LAB_PATH.exec(expr);
  if (!m) return undefined;
  let cur: unknown = lab;
  for (const step of (m[1] as string).matchAll(LAB_STEP)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = step[1] !== undefined ? (cur as Record<string, unknown>)[step[1]] : (cur as unknown[])[Number(step[2])];
  }
  return cur;
}

/** lab.json sections that exist only when `lab up` was asked for them. */
const OPTIONAL_LAB_PARTS: Record<string, string> = {
  auroraMysql: '--aurora-mysql',
  dynamodb: '--dynamodb',
  backup: '--backup',
};

function lookup(expr: string, sources: VarSources): { ok: true; value: unknown } | { ok: false; why: string } {
  const env = ENV_NAME.exec(expr);
  if (env) {
    const v = sources.env[env[1] as string];
    return v === undefined ? { ok: false, why: `environment variable ${env[1]} is not set` } : { ok: true, value: v };
  }
  if (sources.lab === undefined) {
    return { ok: false, why: `\${${expr}} needs the local lab: use it with target.provider: lab` };
  }
  const v = lookupLab(sources.lab, expr);
  if (v === undefined || v === null || typeof v === 'object') {
    const part = /^lab\.([A-Za-z]+)/.exec(expr)?.[1] ?? '';
    const flag = OPTIONAL_LAB_PARTS[part];
    if (flag && lookupLab(sources.lab, `lab.${part}`) === undefined) {
      return { ok: false, why: `\${${expr}} needs the lab's ${part}: start the lab with drillproof lab up ${flag}` };
    }
    return { ok: false, why: `the lab has no value for \${${expr}}` };
  }
  return { ok: true, value: v };
}

/** Substitutes the variables of one string; a string that is exactly one variable keeps its type. */
function substitute(s: string, sources: VarSources, path: string, problems: Problem[], keepEnv: boolean): unknown {
  if (!s.includes('$')) return s;
  const { refs } = scan(s);
  if (keepEnv) return substituteKeepingEnv(s, refs, sources, path, problems);
  const only = refs.length === 1 && refs[0]?.start === 0 && refs[0]?.end === s.length ? refs[0] : undefined;
  if (only) {
    const r = lookup(only.expr, sources);
    if (!r.ok) {
      problems.push({ code: 'VarUnresolved', message: r.why, path, severity: 'error' });
      return s;
    }
    return r.value;
  }
  let out = '';
  let last = 0;
  for (const ref of refs) {
    out += s.slice(last, ref.start).replaceAll('$${', '${');
    const r = lookup(ref.expr, sources);
    if (r.ok) out += String(r.value);
    else problems.push({ code: 'VarUnresolved', message: r.why, path, severity: 'error' });
    last = ref.end;
  }
  return out + s.slice(last).replaceAll('$${', '${');
}

/**
 * `${env.X}` stays as written (checked to be set), `${lab.x}` is substituted, `$${` stays: the
 * step expands the rest itself when it runs, so values never enter the journal or a shell string.
 */
function substituteKeepingEnv(s: string, refs: VarRef[], sources: VarSources, path: string, problems: Problem[]) {
  let out = '';
  let last = 0;
  for (const ref of refs) {
    out += s.slice(last, ref.start);
    const r = lookup(ref.expr, sources);
    if (!r.ok) problems.push({ code: 'VarUnresolved', message: r.why, path, severity: 'error' });
    out += ENV_NAME.test(ref.expr) || !r.ok ? s.slice(ref.start, ref.end) : String(r.value);
    last = ref.end;
  }
  return out + s.slice(last);
}

type KeepEnv = (path: string, value: Record<string, unknown>) => boolean;

function resolveValue(
  value: unknown,
  sources: VarSources,
  path: string,
  problems: Problem[],
  key?: string,
  keep?: KeepEnv | true,
): unknown {
  if (typeof value === 'string') {
    const v = substitute(value, sources, path, problems, keep === true);
    // Ports are the only numbers a variable may stand for (schema: number | "${...}").
    if (key === 'port' && typeof v === 'string') {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
        if (!problems.some((p) => p.path === path)) {
          problems.push({
            code: 'VarUnresolved',
            message: `port resolved to "${v}", which is not a port number (1-65535)`,
            path,
            severity: 'error',
          });
        }
        return v;
      }
      return n;
    }
    return v;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => resolveValue(v, sources, `${path}[${i}]`, problems, undefined, keep));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const inner = keep === true || keep?.(path, value as Record<string, unknown>) ? true : keep;
    for (const [k, v] of Object.entries(value)) {
      out[k] = resolveValue(v, sources, path ? `${path}.${k}` : k, problems, k, inner);
    }
    return out;
  }
  return value;
}

/**
 * Returns a copy of the scenario with every `${env.X}` / `${lab.x}` substituted. A string that is
 * exactly one variable takes the variable's value and type (a lab port stays a number); every
 * `port` field ends up a number. Throws `ScenarioVarUnresolved` (user error, exit 2) listing every
 * variable that could not be resolved. Nothing is printed or logged: resolved values may be secret.
 * `keepEnv` names objects (e.g. exec and http steps) whose `${env.X}` stay unexpanded (but checked).
 */
export function resolveScenarioVars<T>(scenario: T, sources: VarSources, o: { keepEnv?: KeepEnv } = {}): T {
  const problems: Problem[] = [];
  const out = resolveValue(scenario, sources, '', problems, undefined, o.keepEnv) as T;
  if (problems.length > 0) {
    throw DrillproofError.user(
      'ScenarioVarUnresolved',
      `${problems.length} scenario variable${problems.length === 1 ? '' : 's'} could not be resolved`,
      {
        problems,
        hint: 'set the environment variables, or run lab variables with target.provider: lab while the lab is up',
      },
    );
  }
  return out;
}
