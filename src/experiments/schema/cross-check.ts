import type { z } from 'zod';
import { probeKind } from '../../probes/kinds/registry.js';
import { collectVars } from '../../scenario/vars.js';
import type { FaultDefinition, ResourceRef } from '../faults/definition.js';
import { faultDefinition } from '../faults/registry.js';
import { RESOURCE_TYPES } from '../resources/registry.js';

type Ctx = z.core.$RefinementCtx<unknown>;
type Path = (string | number)[];
type Obj = Record<string, unknown>;

// Cross-references are checked even when other parts of the file are wrong (so one run of validate
// lists every problem); the data may then be partly invalid, hence the defensive accessors.
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const isHeartbeat = (type: unknown) => probeKind(str(type) ?? '')?.measures.rpo === true;

function issue(ctx: Ctx, path: Path, message: string, input: unknown): void {
  ctx.addIssue({ code: 'custom', path, message, input });
}

function checkResourceRef(
  ctx: Ctx,
  resources: Obj,
  ref: unknown,
  path: Path,
  allowed: readonly string[],
  what: string,
) {
  const name = str(ref);
  if (name === undefined) return;
  const names = Object.keys(resources);
  const r = resources[name];
  if (r === undefined) {
    const defined = names.length ? names.join(', ') : 'none';
    issue(ctx, path, `unknown resource "${name}": define it under resources (defined: ${defined})`, name);
    return;
  }
  const type = str(obj(r).type);
  if (type !== undefined && RESOURCE_TYPES.includes(type) && !allowed.includes(type)) {
    issue(ctx, path, `${what} needs a ${allowed.join(' or ')} resource, but "${name}" is ${type}`, name);
  }
}

function checkRefs(ctx: Ctx, resources: Obj, f: Obj, at: Path, def: FaultDefinition): void {
  for (const ref of def.resourceRefs as ResourceRef[]) {
    const what = ref.what ?? def.type;
    if (ref.list) {
      for (const [j, r] of arr(f[ref.key]).entries())
        checkResourceRef(ctx, resources, r, [...at, ref.key, j], ref.types, what);
    } else {
      checkResourceRef(ctx, resources, f[ref.key], [...at, ref.key], ref.types, what);
    }
  }
}

/** Fault ids, resource references and each fault type's own checks. */
function checkFaults(ctx: Ctx, s: Obj, probeRef: (ref: unknown, path: Path) => void): void {
  const resources = obj(s.resources);
  const probes = arr(s.probes).map(obj);
  const faultIds = new Set<string>();
  arr(obj(s.steps).faults)
    .map(obj)
    .forEach((f, i) => {
      const at: Path = ['steps', 'faults', i];
      const id = str(f.id);
      if (id !== undefined) {
        if (faultIds.has(id)) issue(ctx, [...at, 'id'], `duplicate fault id "${id}"`, id);
        faultIds.add(id);
      }
      const def = faultDefinition(str(f.type) ?? '');
      if (!def) return;
      checkRefs(ctx, resources, f, at, def);
      def.crossCheck?.(f, {
        issue: (path, message, input) => issue(ctx, [...at, ...path], message, input),
        probeRef: (ref, path) => probeRef(ref, [...at, ...path]),
        probes,
        isHeartbeat,
        provider: obj(s.target).provider,
      });
    });
}

/** What an rto / rpo objective needs to be measurable. */
function checkObjectives(ctx: Ctx, s: Obj): void {
  const probes = arr(s.probes).map(obj);
  const objectives = obj(s.objectives);
  const restores = arr(obj(s.steps).faults).some((f) => faultDefinition(str(obj(f).type) ?? '')?.measuresRestore);
  if (str(objectives.rto) !== undefined && probes.length === 0 && s.load === undefined && !restores) {
    issue(
      ctx,
      ['objectives', 'rto'],
      'an rto objective needs at least one probe (or an rds-restore fault, whose RTO is its verification)',
      objectives.rto,
    );
  }
  if (str(objectives.rpo) !== undefined && !probes.some((p) => isHeartbeat(p.type)) && !restores) {
    issue(
      ctx,
      ['objectives', 'rpo'],
      'an rpo objective needs a postgres-heartbeat / mysql-heartbeat probe (or an rds-restore fault) to measure it',
      objectives.rpo,
    );
  }
}

function checkTarget(ctx: Ctx, input: unknown, s: Obj): void {
  const target = obj(s.target);
  const region = str(target.region);
  const allowedRegions = arr(obj(s.guardrails).allowedRegions);
  if (region !== undefined && allowedRegions.length > 0 && !region.includes('${') && !allowedRegions.includes(region)) {
    issue(
      ctx,
      ['target', 'region'],
      `region ${region} is not in guardrails.allowedRegions (${allowedRegions.join(', ')})`,
      region,
    );
  }
  if (target.provider !== 'aws') return;
  for (const v of collectVars(input)) {
    if (!v.expr.startsWith('lab')) continue;
    const path = v.path
      .split(/\.|\[|\]/)
      .filter(Boolean)
      .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
    issue(
      ctx,
      path,
      `\${${v.expr}} only resolves with target.provider: lab; write the AWS value or \${env.NAME}`,
      v.expr,
    );
  }
}

/** The references between sections, checked in the same pass as the structure. */
export function crossCheck(input: unknown, ctx: Ctx): void {
  const s = obj(input);
  const probes = arr(s.probes).map(obj);
  const probeNames = new Set<string>();
  probes.forEach((p, i) => {
    const n = str(p.name);
    if (n === undefined) return;
    if (probeNames.has(n)) issue(ctx, ['probes', i, 'name'], `duplicate probe name "${n}"`, n);
    probeNames.add(n);
  });
  const probeRef = (ref: unknown, path: Path) => {
    const n = str(ref);
    if (n !== undefined && !probeNames.has(n)) {
      issue(ctx, path, `unknown probe "${n}" (probes: ${probeNames.size ? [...probeNames].join(', ') : 'none'})`, n);
    }
  };
  checkFaults(ctx, s, probeRef);
  for (const [i, p] of arr(obj(obj(obj(s.steps).observe).recovery).probes).entries()) {
    probeRef(p, ['steps', 'observe', 'recovery', 'probes', i]);
  }
  const objectives = obj(s.objectives);
  for (const kind of ['latency', 'availability', 'maxErrorRate'] as const) {
    for (const [i, o] of arr(objectives[kind]).entries()) probeRef(obj(o).probe, ['objectives', kind, i, 'probe']);
  }
  for (const [i, a] of arr(obj(s.guardrails).abort).entries())
    probeRef(obj(a).probe, ['guardrails', 'abort', i, 'probe']);
  checkObjectives(ctx, s);
  checkTarget(ctx, input, s);
}
