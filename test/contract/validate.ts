import { CONSTRAINTS, type MemberConstraint } from './constraints.js';
import { kindOf, loadServiceModel, resolveShape, type ServiceModel, type ShapeRef } from './model.js';
import { SUPPLEMENTS } from './supplements.js';
import { V3Cursor } from './v3-types.js';

/**
 * Checks one request drillproof sends against AWS's model of the operation: the operation
 * exists, required members are present, every member exists with the right type (recursively
 * through structures, lists and maps), and the value constraints of constraints.ts hold. Enums
 * come from the v3 client's types (v3-types.ts) where constraints.ts names none.
 * Returns the problems, each naming the path of the member (`[]` list item, `{}` map value).
 */
export interface ValidateOptions {
  /** Values as the journal records them: dates as ISO strings, secrets as `[redacted]`. */
  journal?: boolean;
}

function inputOf(model: ServiceModel, op: string): ShapeRef | undefined {
  const o = model.operations[op];
  if (!o) return undefined;
  return o.input ? resolveShape(model, o.input) : { type: 'structure', members: {} };
}

/** The members of the model at `path`, with the ones supplements.ts adds there. */
function membersAt(model: ServiceModel, op: string, path: string, r: ShapeRef): Record<string, ShapeRef> {
  const extra = SUPPLEMENTS[`${model.key}:${op}`]?.[path];
  return extra ? { ...(r.members ?? {}), ...extra } : (r.members ?? {});
}

export function validateRequest(service: string, operation: string, input: unknown, o: ValidateOptions = {}): string[] {
  const model = loadServiceModel(service);
  const shape = inputOf(model, operation);
  if (!shape) return [`${service}:${operation} is not an operation of ${model.file}`];
  const problems: string[] = [];
  const constraints = CONSTRAINTS[`${service}:${operation}`] ?? {};
  const ctx: Ctx = { model, op: operation, problems, constraints, o };
  walk(ctx, shape, input ?? {}, '', V3Cursor.root(service, operation, 'input'));
  return problems.map((p) => `${service}:${operation} ${p}`);
}

function pathJoin(base: string, m: string): string {
  return base ? `${base}.${m}` : m;
}

interface Ctx {
  model: ServiceModel;
  op: string;
  problems: string[];
  constraints: Record<string, MemberConstraint>;
  o: ValidateOptions;
}

function walk(ctx: Ctx, ref: ShapeRef, value: unknown, path: string, v3: V3Cursor): void {
  const { model, problems, constraints, o } = ctx;
  const r = resolveShape(model, ref);
  const kind = kindOf(r);
  const at = path || '(input)';
  const c = constraints[path];
  const redacted = o.journal && value === '[redacted]';
  switch (kind) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${at}: expected a structure, got ${JSON.stringify(value)}`);
        return;
      }
      const obj = value as Record<string, unknown>;
      const members = membersAt(model, ctx.op, path, r);
      for (const req of r.required ?? []) {
        const m = members[req];
        if (obj[req] === undefined && !m?.idempotencyToken)
          problems.push(`${pathJoin(path, req)}: required member missing`);
      }
      for (const [k, v] of Object.entries(obj)) {
        if (v === undefined) continue;
        const m = members[k];
        if (!m) {
          problems.push(`${pathJoin(path, k)}: ${notAMember(members, v3, k)}`);
          continue;
        }
        walk(ctx, m, v, pathJoin(path, k), v3.child(k));
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${at}: expected a list, got ${JSON.stringify(value)}`);
        return;
      }
      if (c?.minItems !== undefined && value.length < c.minItems)
        problems.push(`${at}: fewer than ${c.minItems} items (${c.source})`);
      if (c?.maxItems !== undefined && value.length > c.maxItems)
        problems.push(`${at}: more than ${c.maxItems} items (${c.source})`);
      for (const item of value) walk(ctx, r.member ?? {}, item, `${path}[]`, v3.item());
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${at}: expected a map, got ${JSON.stringify(value)}`);
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        walk(ctx, r.key ?? {}, k, `${path}{key}`, V3Cursor.none(model.key));
        walk(ctx, r.value ?? {}, v, `${path}{}`, v3.value());
      }
      return;
    }
    case 'string': {
      if (redacted) return;
      if (typeof value !== 'string') {
        problems.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
        return;
      }
      checkString(value, at, withV3Enum(c, v3), problems, o);
      return;
    }
    case 'integer':
    case 'long':
      if (!Number.isInteger(value)) problems.push(`${at}: expected an integer, got ${JSON.stringify(value)}`);
      else checkNumber(value as number, at, c, problems);
      return;
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value))
        problems.push(`${at}: expected a number, got ${JSON.stringify(value)}`);
      else checkNumber(value, at, c, problems);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'timestamp': {
      const ok =
        value instanceof Date
          ? !Number.isNaN(value.getTime())
          : o.journal && typeof value === 'string' && !Number.isNaN(Date.parse(value));
      if (!ok) problems.push(`${at}: expected a timestamp (Date), got ${JSON.stringify(value)}`);
      return;
    }
    case 'blob':
      if (!(value instanceof Uint8Array) && typeof value !== 'string') problems.push(`${at}: expected bytes`);
      return;
    default:
      problems.push(`${at}: model type ${kind} is not checked`);
  }
}

function checkString(
  v: string,
  at: string,
  c: MemberConstraint | undefined,
  problems: string[],
  o: ValidateOptions,
): void {
  if (!c) return;
  // The journal shortens long strings to 500 characters plus an ellipsis.
  const truncated = o.journal && v.length === 501 && v.endsWith('…');
  if (c.enum && !c.enum.includes(v)) problems.push(`${at}: "${v}" is not one of ${c.enum.join(', ')} (${c.source})`);
  if (c.minLength !== undefined && v.length < c.minLength)
    problems.push(`${at}: shorter than ${c.minLength} (${c.source})`);
  if (!truncated && c.maxLength !== undefined && v.length > c.maxLength)
    problems.push(`${at}: longer than ${c.maxLength} (${c.source})`);
  if (!truncated && c.pattern && !c.pattern.test(v))
    problems.push(`${at}: "${v}" does not match ${c.pattern} (${c.source})`);
}

function checkNumber(v: number, at: string, c: MemberConstraint | undefined, problems: string[]): void {
  if (c?.min !== undefined && v < c.min) problems.push(`${at}: ${v} is below ${c.min} (${c.source})`);
  if (c?.max !== undefined && v > c.max) problems.push(`${at}: ${v} is above ${c.max} (${c.source})`);
}

/** The explicit constraint, or the v3 client's enum of this member. */
function withV3Enum(c: MemberConstraint | undefined, v3: V3Cursor): MemberConstraint | undefined {
  if (c?.enum) return c;
  const e = v3.enumValues();
  return e ? { ...(c ?? {}), enum: e.values, source: c?.source ? `${c.source}; ${e.source}` : e.source } : c;
}

/** Why a member is unknown; a member only the newer v3 types have is named as such. */
export function notAMember(members: Record<string, unknown>, v3: V3Cursor, k: string): string {
  if (v3.member(k)) {
    return `not in the aws-sdk v2 model, but a member in ${v3.packageName} (newer): add it to supplements.ts with its API reference page`;
  }
  return `not a member of the model (members: ${Object.keys(members).join(', ')})`;
}
