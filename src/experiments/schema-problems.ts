import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { describeInput, KNOWN_KEYS_MARK } from '../scenario/common.js';
import { closest } from './suggest.js';
import { positionOf } from './yaml-positions.js';

/**
 * Turns zod issues into drillproof problems: one problem per wrong thing, each with the dotted
 * field path, the line and column in the source, the wrong value and a hint.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(String(seg) in (cur as object))) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return { found: true, value: cur };
}

const DEFAULT_MESSAGE =
  /^(Invalid input|Invalid option|Unrecognized key|Too (small|big)|Invalid string|Invalid element)/;

interface Ctx {
  file: string;
  doc: Document;
  lc: LineCounter;
  root: unknown;
}

/** Schema messages may carry their hint after `HINT` (zod issues have only a message). */
export const HINT = '\nhint: ';

function problem(ctx: Ctx, path: readonly PropertyKey[], text: string, extraHint?: string, key = false): Problem {
  const pos = positionOf(ctx.doc, ctx.lc, path, { key });
  const [message, ownHint] = text.includes(HINT) ? (text.split(HINT, 2) as [string, string]) : [text, undefined];
  const hint = extraHint ?? ownHint;
  const p: Problem = {
    code: 'ScenarioInvalid',
    message,
    path: formatPath(path),
    position: { file: ctx.file, line: pos.line, col: pos.col },
    severity: 'error',
  };
  if (hint) p.hint = hint;
  return p;
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

/** Picks the union branch that got furthest (deepest issue path, then fewest issues). */
function bestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  let best: z.core.$ZodIssue[] | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const b of branches) {
    if (b.length === 0) continue;
    const depth = Math.max(...b.map((i) => i.path.length));
    const typeAtRoot = b.some((i) => i.path.length === 0 && i.code === 'invalid_type');
    const score = (typeAtRoot ? -1000 : 0) + depth * 10 - b.length;
    if (score > bestScore) {
      bestScore = score;
      best = b;
    }
  }
  return best;
}

type Issue = z.core.$ZodIssue;
type IssueOf<C extends Issue['code']> = Extract<Issue, { code: C }>;
type Found = { found: boolean; value: unknown };

export function issuesToProblems(issues: readonly Issue[], ctx: Ctx, base: PropertyKey[] = []): Problem[] {
  const out: Problem[] = [];
  for (const iss of issues) {
    const path = [...base, ...iss.path];
    const at = valueAt(ctx.root, path);
    switch (iss.code) {
      case 'unrecognized_keys':
        out.push(...unknownKeys(iss, ctx, path));
        break;
      case 'invalid_union':
        out.push(...unionProblems(iss, ctx, path, at));
        break;
      case 'invalid_type':
        out.push(typeProblem(iss, ctx, path, at));
        break;
      case 'invalid_value':
      case 'too_small':
      case 'too_big':
        out.push(valueProblem(iss, ctx, path, at));
        break;
      case 'invalid_key':
        out.push(
          problem(
            ctx,
            path,
            `invalid name "${String(path[path.length - 1])}": start with a letter, then letters, digits, "-" or "_"`,
            undefined,
            true,
          ),
        );
        break;
      case 'invalid_format':
        out.push(
          problem(
            ctx,
            path,
            DEFAULT_MESSAGE.test(iss.message)
              ? `invalid value ${describeInput(at.value)}: ${iss.message}`
              : iss.message,
          ),
        );
        break;
      default:
        out.push(problem(ctx, path, iss.message));
    }
  }
  return dedupe(out);
}

/** One problem per unknown key, with the closest allowed key (the schema lists them in the message). */
function unknownKeys(iss: IssueOf<'unrecognized_keys'>, ctx: Ctx, path: PropertyKey[]): Problem[] {
  const known = iss.message.startsWith(KNOWN_KEYS_MARK)
    ? (JSON.parse(iss.message.slice(KNOWN_KEYS_MARK.length)) as string[])
    : [];
  return iss.keys.map((key) => {
    const guess = closest(key, known);
    return problem(
      ctx,
      [...path, key],
      `unknown key "${key}"`,
      guess ? `did you mean "${guess}"?` : known.length ? `allowed keys here: ${known.join(', ')}` : undefined,
      true,
    );
  });
}

/**
 * A discriminator that matches no branch names the allowed values; otherwise the problems of the
 * branch that got furthest, so a typo deep in a fault step is reported there.
 */
function unionProblems(iss: IssueOf<'invalid_union'>, ctx: Ctx, path: PropertyKey[], at: Found): Problem[] {
  const note = (iss as { note?: string }).note;
  const options = (iss as { options?: unknown[] }).options;
  if (note === 'No matching discriminator' && options) {
    const v = at.found ? at.value : undefined;
    const list = options.map(String);
    const guess = typeof v === 'string' ? closest(v, list) : undefined;
    const msg =
      v === undefined
        ? `missing ${String(path[path.length - 1] ?? 'type')}: use one of ${list.join(', ')}`
        : DEFAULT_MESSAGE.test(iss.message)
          ? `unknown value ${describeInput(v)}: use one of ${list.join(', ')}`
          : iss.message;
    return [problem(ctx, path, msg, guess ? `did you mean "${guess}"?` : undefined, v === undefined)];
  }
  if (!DEFAULT_MESSAGE.test(iss.message)) return [problem(ctx, path, iss.message)];
  const branch = bestBranch(iss.errors);
  if (branch) return issuesToProblems(branch, ctx, path);
  return [problem(ctx, path, `invalid value ${describeInput(at.value)}`)];
}

function typeProblem(iss: IssueOf<'invalid_type'>, ctx: Ctx, path: PropertyKey[], at: Found): Problem {
  if (!at.found || at.value === undefined) {
    const key = path[path.length - 1];
    return problem(
      ctx,
      path,
      typeof key === 'string' ? `missing required field "${key}"` : 'missing value',
      `add ${typeof key === 'string' ? `${key}: ` : ''}(${typeName(iss.expected)})`,
    );
  }
  if (DEFAULT_MESSAGE.test(iss.message)) {
    return problem(ctx, path, `expected ${typeName(iss.expected)}, got ${describeInput(at.value)}`);
  }
  return problem(ctx, path, iss.message);
}

/** A value outside its enum or bounds, in words (the schema's own message wins when it has one). */
function valueProblem(
  iss: IssueOf<'invalid_value' | 'too_small' | 'too_big'>,
  ctx: Ctx,
  path: PropertyKey[],
  at: Found,
): Problem {
  const own = !DEFAULT_MESSAGE.test(iss.message);
  if (iss.code === 'invalid_value') {
    const values = iss.values.map((v) => String(v));
    const guess = typeof at.value === 'string' ? closest(at.value, values) : undefined;
    const msg = own
      ? iss.message
      : `invalid value ${describeInput(at.value)}: use ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`;
    return problem(ctx, path, msg, guess && guess !== at.value ? `did you mean "${guess}"?` : undefined);
  }
  if (own) return problem(ctx, path, iss.message);
  if (iss.code === 'too_big')
    return problem(ctx, path, `must be at most ${String(iss.maximum)}, got ${describeInput(at.value)}`);
  const msg =
    iss.origin === 'array'
      ? `needs at least ${String(iss.minimum)} item${Number(iss.minimum) === 1 ? '' : 's'}`
      : iss.origin === 'string'
        ? 'must not be empty'
        : `must be at least ${String(iss.minimum)}, got ${describeInput(at.value)}`;
  return problem(ctx, path, msg);
}

function dedupe(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.path}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
