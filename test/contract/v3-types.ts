import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { serviceByKey } from './services.js';

/**
 * The v3 clients' own view of each API: their TypeScript declarations (`dist-types`) and enum
 * constants, generated from AWS's Smithy models, newer than the `aws-sdk` v2 models and with
 * what those lack: which members are enums (and their values), and members AWS added since.
 * Read from the pinned client packages, so this is a second, independent source for the
 * contract checks (enums of requests and answers; confirmation of every supplemented member).
 */
export type V3Type =
  | { kind: 'prim'; name: string }
  | { kind: 'ref'; name: string }
  | { kind: 'list'; item: V3Type }
  | { kind: 'map'; value: V3Type };

export interface V3Member {
  type: V3Type;
  required: boolean;
}

interface V3Package {
  name: string;
  version: string;
  interfaces: Map<string, Map<string, V3Member>>;
  enums: Map<string, string[]>;
  dir: string;
}

const require = createRequire(import.meta.url);
const cache = new Map<string, V3Package>();

export function parseV3Type(expr: string): V3Type {
  const t = expr
    .replace(/\s*\|\s*undefined$/, '')
    .replace(/\s*\|\s*string$/, '')
    .trim();
  if (t.endsWith('[]')) return { kind: 'list', item: parseV3Type(t.slice(0, -2).replace(/^\((.*)\)$/, '$1')) };
  const rec = /^Record<string,\s*(.+)>$/.exec(t) ?? /^Partial<Record<\w+,\s*(.+)>>$/.exec(t);
  if (rec) return { kind: 'map', value: parseV3Type(rec[1] as string) };
  if (/^(string|number|boolean|Date|Uint8Array|__DocumentType|any|unknown)$/.test(t)) return { kind: 'prim', name: t };
  return { kind: 'ref', name: t };
}

function load(service: string): V3Package {
  const hit = cache.get(service);
  if (hit) return hit;
  const s = serviceByKey(service);
  if (!s) throw new Error(`no v3 client package for service key "${service}"`);
  const pkgJson = require.resolve(`@aws-sdk/${s.package}/package.json`);
  const dir = dirname(pkgJson);
  const interfaces = new Map<string, Map<string, V3Member>>();
  const modelsDir = join(dir, 'dist-types', 'models');
  for (const f of readdirSync(modelsDir).filter((n) => n.endsWith('.d.ts'))) {
    const text = readFileSync(join(modelsDir, f), 'utf8');
    for (const m of text.matchAll(/^export interface (\w+)(?: extends ([\w, ]+))? \{\n([\s\S]*?)^\}/gm)) {
      const members = new Map<string, V3Member>();
      for (const line of (m[3] ?? '').split('\n')) {
        const mm = /^ {4}(\w+)(\?)?: (.+);$/.exec(line);
        if (mm) members.set(mm[1] as string, { type: parseV3Type(mm[3] as string), required: !mm[2] });
      }
      interfaces.set(m[1] as string, members);
    }
  }
  const runtime = require(`@aws-sdk/${s.package}`) as Record<string, unknown>;
  const enums = new Map<string, string[]>();
  for (const [k, v] of Object.entries(runtime)) {
    if (k.endsWith('$') || typeof v !== 'object' || v === null || Array.isArray(v)) continue;
    const values = Object.values(v as Record<string, unknown>);
    if (values.length > 0 && values.every((x) => typeof x === 'string')) enums.set(k, values as string[]);
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const p: V3Package = { name: `@aws-sdk/${s.package}`, version, interfaces, enums, dir };
  cache.set(service, p);
  return p;
}

/** The interface a command's input (or output) is, e.g. Invoke -> InvocationRequest. */
export function v3RootOf(service: string, operation: string, side: 'input' | 'output'): string | undefined {
  const p = load(service);
  const file = join(p.dir, 'dist-types', 'commands', `${operation}Command.d.ts`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const suffix = side === 'input' ? 'Input' : 'Output';
  const m = new RegExp(`export interface ${operation}Command${suffix} extends (\\w+)`).exec(text);
  const base = m?.[1];
  if (!base || base === '__MetadataBearer') return undefined;
  // `Omit<InvocationRequest, "Payload"> & { Payload?: ... }` aliases for streaming payloads.
  const alias = new RegExp(`export type ${base} = Omit<(\\w+),`).exec(text);
  return alias?.[1] ?? base;
}

/** A position in the v3 types, walked next to the v2 model (member, list item, map value). */
export class V3Cursor {
  private constructor(
    private readonly p: V3Package,
    private readonly t: V3Type | undefined,
  ) {}

  static root(service: string, operation: string, side: 'input' | 'output'): V3Cursor {
    const p = load(service);
    const name = v3RootOf(service, operation, side);
    return new V3Cursor(p, name ? { kind: 'ref', name } : undefined);
  }

  static none(service: string): V3Cursor {
    return new V3Cursor(load(service), undefined);
  }

  private members(): Map<string, V3Member> | undefined {
    return this.t?.kind === 'ref' ? this.p.interfaces.get(this.t.name) : undefined;
  }

  /** The member's declaration, or undefined where the v3 types have no such member. */
  member(name: string): V3Member | undefined {
    return this.members()?.get(name);
  }

  child(name: string): V3Cursor {
    return new V3Cursor(this.p, this.member(name)?.type);
  }

  item(): V3Cursor {
    return new V3Cursor(this.p, this.t?.kind === 'list' ? this.t.item : undefined);
  }

  value(): V3Cursor {
    return new V3Cursor(this.p, this.t?.kind === 'map' ? this.t.value : undefined);
  }

  /** Whether the v3 types know the structure here (so a missing member means AWS has none). */
  get known(): boolean {
    return this.members() !== undefined;
  }

  /** The enum's values when this is an enum-typed string, with where they come from. */
  enumValues(): { values: string[]; source: string } | undefined {
    if (this.t?.kind !== 'ref') return undefined;
    const values = this.p.enums.get(this.t.name);
    return values ? { values, source: `${this.p.name} ${this.p.version} ${this.t.name}` } : undefined;
  }

  get typeName(): string {
    const show = (t: V3Type | undefined): string =>
      !t
        ? '(none)'
        : t.kind === 'list'
          ? `${show(t.item)}[]`
          : t.kind === 'map'
            ? `Record<string, ${show(t.value)}>`
            : t.name;
    return show(this.t);
  }

  get packageName(): string {
    return `${this.p.name} ${this.p.version}`;
  }
}
