import { scenarioJsonSchema } from './json-schema.js';

/**
 * docs/scenario-reference.md, generated from the JSON Schema (itself generated from the zod
 * schema), so the reference cannot drift from what the loader accepts: a test compares the
 * committed file with this output (`npm run schema` rewrites both).
 */
type J = Record<string, unknown>;

function typeOf(s: J): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return s.enum.map((v) => `\`${String(v)}\``).join(' | ');
  const variants = (s.oneOf ?? s.anyOf) as J[] | undefined;
  if (variants) {
    const kinds = variants.map((v) => ((v.properties as J | undefined)?.type as J | undefined)?.const);
    if (kinds.every((k) => k !== undefined)) return `one of type ${kinds.map((k) => `\`${String(k)}\``).join(', ')}`;
    return [...new Set(variants.map(typeOf))].join(' or ');
  }
  const t = s.type;
  if (t === 'array') return `list of ${typeOf((s.items as J | undefined) ?? {})}`;
  if (t === 'object') {
    if (s.properties) return 'mapping';
    const v = s.additionalProperties as J | undefined;
    return v && typeof v === 'object' ? `map of ${typeOf(v)}` : 'mapping';
  }
  if (t === 'string') {
    const p = String(s.pattern ?? '');
    if (p.includes('ms|s|m|h))+')) return 'duration';
    if (p.includes('/\\s*(?:ms')) return 'rate';
    if (p.includes('%$')) return 'percentage';
    return 'string';
  }
  if (Array.isArray(t)) return t.join(' | ');
  return t === undefined ? 'any' : String(t);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  dflt: string;
  description: string;
}

function rows(s: J, path: string, required: boolean, out: Row[], sections: [string, J][]): void {
  const desc = typeof s.description === 'string' ? s.description : '';
  const dflt = s.default === undefined ? '' : `\`${JSON.stringify(s.default)}\``;
  if (path) out.push({ path, type: typeOf(s), required, dflt, description: desc });
  const variants = (s.oneOf ?? s.anyOf) as J[] | undefined;
  const props = s.properties as Record<string, J> | undefined;
  if (props) {
    const req = new Set((s.required as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(props)) rows(v, path ? `${path}.${k}` : k, req.has(k), out, sections);
    return;
  }
  if (s.type === 'array' && s.items) {
    const items = s.items as J;
    if (items.properties || items.oneOf || items.anyOf) {
      const inner: Row[] = [];
      rows(items, `${path}[]`, true, inner, sections);
      out.push(...inner.slice(1));
    }
    return;
  }
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    const v = s.additionalProperties as J;
    if (v.properties || v.oneOf) rows(v, `${path}.<name>`, true, out, sections);
    return;
  }
  if (variants?.every((v) => (v.properties as J | undefined)?.type)) {
    for (const v of variants ?? [])
      sections.push([`${path} (type: ${String(((v.properties as J).type as J).const)})`, v]);
  }
}

/** A Markdown table with padded columns (the layout Biome's formatter keeps). */
function table(rs: Row[]): string[] {
  const cells = [
    ['field', 'type', 'required', 'default', 'description'],
    ...rs.map((r) => [`\`${r.path}\``, cell(r.type), r.required ? 'yes' : '', cell(r.dflt), cell(r.description)]),
  ];
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(3, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] as number)).join(' | ')} |`;
  const [head, ...body] = cells;
  return [line(head as string[]), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

export function scenarioReferenceMarkdown(): string {
  const schema = scenarioJsonSchema() as J;
  const out: string[] = [
    '# Scenario reference',
    '',
    '<!-- Generated from the zod schema by `npm run schema`; test/experiments/schema/json-schema.test.ts fails when it is out of date. Do not edit by hand. -->',
    '',
    'A scenario is one YAML file. Durations are a number and a unit (`500ms`, `30s`, `2m`, `1h`, `1m30s`),',
    'rates a count per unit (`20/s`, `600/m`), percentages a number and `%` (`99.9%`). Strings may hold',
    `\`\${env.NAME}\` and \`\${lab.field}\` variables, resolved when the drill runs (a \`port\` written as one`,
    'variable becomes a number). Unknown keys are errors. Secrets are references: `{env: NAME}`,',
    '`{file: path}`, `{secretsManager: arn, key: name}` or `{rdsIamAuth: true}`, never inline values.',
    'Top-level keys starting with `x-` are ignored: a place for YAML anchors (`x-probe: &probe {...}`,',
    'then `<<: *probe` in a probe).',
    '',
    'Editors: put `# yaml-language-server: $schema=<path>/scenario.schema.json` on the first line',
    '(`drillproof schema` prints the JSON Schema; the package ships it as `schema/scenario.schema.json`).',
    '',
  ];
  const props = schema.properties as Record<string, J>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const [key, sub] of Object.entries(props)) {
    if (key === '$schema') continue;
    const rs: Row[] = [];
    const sections: [string, J][] = [];
    rows(sub, key, required.has(key), rs, sections);
    out.push(`## ${key}${required.has(key) ? '' : ' (optional)'}`, '');
    if (typeof sub.description === 'string') out.push(sub.description, '');
    out.push(...table(rs), '');
    while (sections.length > 0) {
      const [title, v] = sections.shift() as [string, J];
      const vr: Row[] = [];
      rows(v, '', true, vr, sections);
      const prefix = title.split(' (type')[0] as string;
      out.push(`### ${title}`, '');
      if (typeof v.description === 'string') out.push(v.description, '');
      out.push(...table(vr.map((r) => ({ ...r, path: `${prefix}.${r.path}` }))), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
