import { kindOf, loadServiceModel, resolveShape, type ServiceModel, type ShapeRef } from './model.js';
import { FIS_REPORT_CONFIGURATION } from './supplements.js';
import { OUTPUT_SERVICE_SUPPLEMENTS } from './supplements-services.js';
import { V3Cursor } from './v3-types.js';
import { notAMember } from './validate.js';

/**
 * Checks a raw answer of the lab (the XML or JSON body the SDK would parse) against the output
 * shape of the operation in AWS's model: every element / key must be a member the model has,
 * with the wire name the protocol uses and a value of the member's type. The SDK silently drops
 * what it does not know, so this is the only place a member AWS never returns shows up.
 */
export const OUTPUT_SUPPLEMENTS: Record<string, Record<string, Record<string, ShapeRef>>> = {
  // https://docs.aws.amazon.com/fis/latest/APIReference/API_ExperimentTemplate.html (added 2024-11)
  'fis:*': {
    experimentTemplate: {
      experimentReportConfiguration: {
        ...FIS_REPORT_CONFIGURATION,
        source: 'https://docs.aws.amazon.com/fis/latest/APIReference/API_ExperimentTemplateReportConfiguration.html',
      },
    },
  },
  ...OUTPUT_SERVICE_SUPPLEMENTS,
};

/**
 * EC2 answers operations whose model has no output with `<return>true</return>` next to the
 * request id; the API reference lists it as a response element
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RebootInstances.html).
 */
const EC2_WIRE_ONLY = new Set(['requestId', 'return']);

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const unescapeXml = (s: string) =>
  s.replace(
    /&(lt|gt|amp|apos|quot);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e] as string,
  );

/** A small XML reader for the lab's own output (elements and text; the root's xmlns only). */
export function parseXml(xml: string): XmlNode {
  const re = /<(\/?)([A-Za-z_][\w.-]*)([^>]*)>|([^<]+)/g;
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack: XmlNode[] = [root];
  for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(re)) {
    const top = stack[stack.length - 1] as XmlNode;
    if (m[4] !== undefined) {
      top.text += unescapeXml(m[4]);
      continue;
    }
    if (m[1]) {
      if (top.name !== m[2]) throw new Error(`malformed XML: </${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const node: XmlNode = { name: m[2] as string, children: [], text: '' };
    top.children.push(node);
    if (!(m[3] ?? '').trim().endsWith('/')) stack.push(node);
  }
  const doc = root.children[0];
  if (!doc || stack.length !== 1) throw new Error('malformed XML document');
  return doc;
}

function withOutputSupplements(service: string, op: string, path: string, r: ShapeRef): ShapeRef {
  const extra = OUTPUT_SUPPLEMENTS[`${service}:${op}`]?.[path] ?? OUTPUT_SUPPLEMENTS[`${service}:*`]?.[path];
  return extra ? { ...r, members: { ...(r.members ?? {}), ...extra } } : r;
}

interface Walk {
  model: ServiceModel;
  service: string;
  op: string;
  out: string[];
}

/**
 * Problems of one raw lab answer; `body` as sent on the wire, `headers` (lower-case names) for the
 * members restJson carries in headers. Enums come from the v3 client's types (v3-types.ts).
 */
export function checkLabResponse(
  service: string,
  operation: string,
  body: string,
  headers: Record<string, string> = {},
): string[] {
  const model = loadServiceModel(service);
  const op = model.operations[operation];
  if (!op) return [`${service}:${operation} is not an operation of ${model.file}`];
  const out: string[] = [];
  const shape = op.output ? resolveShape(model, op.output) : { type: 'structure', members: {} };
  const at = (p: string) => `${service}:${operation} ${p}`;
  const w: Walk = { model, service, op: operation, out };
  const v3 = V3Cursor.root(service, operation, 'output');
  if (model.protocol === 'rest-json' || model.protocol === 'json') {
    if (model.protocol === 'rest-json') checkHeaders(w, shape, headers, v3);
    const payload = shape.payload ? shape.members?.[shape.payload] : undefined;
    if (payload) {
      // The body is that one member (Lambda Invoke: the function's answer as it is).
      const pr = resolveShape(model, payload);
      if (kindOf(pr) === 'structure' && body.trim())
        walkJson(w, pr, JSON.parse(body) as unknown, '', v3.child(shape.payload as string));
      return out.map(at);
    }
    const json = body.trim() ? (JSON.parse(body) as unknown) : {};
    const inBody =
      model.protocol === 'rest-json'
        ? {
            ...shape,
            members: Object.fromEntries(Object.entries(shape.members ?? {}).filter(([, m]) => !m.location)),
          }
        : shape;
    walkJson(w, inBody, json, '', v3);
    return out.map(at);
  }
  const doc = parseXml(body);
  if (doc.name !== `${operation}Response`) return [at(`root element <${doc.name}>, expected <${operation}Response>`)];
  if (model.protocol === 'ec2') {
    const members = doc.children.filter((c) => !EC2_WIRE_ONLY.has(c.name));
    walkXml(w, shape, { ...doc, children: members }, '', 'ec2', v3);
  } else {
    const wrapper = shape.resultWrapper;
    const result = doc.children.find((c) => c.name === wrapper);
    const rest = doc.children.filter((c) => c.name !== wrapper && c.name !== 'ResponseMetadata');
    for (const r of rest)
      out.push(`<${r.name}>: not part of the response (expected <${wrapper ?? 'none'}> and <ResponseMetadata>)`);
    if (wrapper && !result) out.push(`<${wrapper}> missing: the SDK would read an empty result`);
    if (result) walkXml(w, shape, result, '', 'query', v3);
  }
  return out.map(at);
}

function wireName(name: string, m: ShapeRef, protocol: 'ec2' | 'query'): string {
  if (protocol === 'ec2') return m.locationName ?? name.charAt(0).toLowerCase() + name.slice(1);
  return m.locationName ?? name;
}

/** Members restJson answers in headers: the value's type and enum (the SDK reads no others). */
function checkHeaders(w: Walk, shape: ShapeRef, headers: Record<string, string>, v3: V3Cursor): void {
  for (const [n, m] of Object.entries(shape.members ?? {})) {
    if (m.location !== 'header' || !m.locationName) continue;
    const v = headers[m.locationName.toLowerCase()];
    if (v === undefined) continue;
    scalar(w, kindOf(resolveShape(w.model, m)), v, `${n} (header ${m.locationName})`, v3.child(n), true);
  }
}

/** A scalar's type and enum; `text` when it came as text (XML, headers). */
function scalar(w: Walk, kind: string, v: unknown, here: string, v3: V3Cursor, text: boolean): void {
  const out = w.out;
  const show = JSON.stringify(v);
  if (text) {
    const s = String(v);
    if ((kind === 'integer' || kind === 'long') && !/^-?\d+$/.test(s)) out.push(`${here}: "${s}" is not an integer`);
    if (kind === 'boolean' && s !== 'true' && s !== 'false') out.push(`${here}: "${s}" is not a boolean`);
    if (kind === 'timestamp' && Number.isNaN(Date.parse(s))) out.push(`${here}: "${s}" is not a timestamp`);
    if ((kind === 'double' || kind === 'float') && !Number.isFinite(Number(s)))
      out.push(`${here}: "${s}" is not a number`);
  } else {
    const t = typeof v;
    if (kind === 'string' && t !== 'string') out.push(`${here}: expected a string, got ${show}`);
    if ((kind === 'integer' || kind === 'long') && !Number.isInteger(v))
      out.push(`${here}: expected an integer, got ${show}`);
    if ((kind === 'double' || kind === 'float') && !(t === 'number' && Number.isFinite(v)))
      out.push(`${here}: expected a number, got ${show}`);
    if (kind === 'boolean' && t !== 'boolean') out.push(`${here}: expected a boolean, got ${show}`);
    // JSON timestamps are epoch seconds (numbers); strings in ISO form also parse.
    if (kind === 'timestamp' && t !== 'number' && !(t === 'string' && !Number.isNaN(Date.parse(v as string)))) {
      out.push(`${here}: expected a timestamp, got ${show}`);
    }
  }
  const e = kind === 'string' ? v3.enumValues() : undefined;
  if (e && typeof v === 'string' && !e.values.includes(v)) {
    out.push(`${here}: "${v}" is not one of ${e.values.join(', ')} (${e.source})`);
  }
}

function walkXml(w: Walk, ref: ShapeRef, node: XmlNode, path: string, protocol: 'ec2' | 'query', v3: V3Cursor): void {
  const { model, service, op, out } = w;
  const r = withOutputSupplements(service, op, path, resolveShape(model, ref));
  const kind = kindOf(r);
  const here = path || '(result)';
  if (kind === 'structure') {
    const byWire = new Map(
      Object.entries(r.members ?? {}).map(([n, m]) => [wireName(n, m, protocol), [n, m] as const]),
    );
    for (const c of node.children) {
      const hit = byWire.get(c.name);
      if (!hit) {
        const why = notAMember(Object.fromEntries([...byWire.keys()].map((k) => [k, 1])), v3, c.name);
        out.push(`${here}: <${c.name}> is ${why.replace('supplements.ts', 'OUTPUT_SUPPLEMENTS')}`);
        continue;
      }
      const [n, m] = hit;
      const mr = resolveShape(model, m);
      if (kindOf(mr) === 'list' && mr.flattened)
        walkXml(w, mr.member ?? {}, c, `${path ? `${path}.` : ''}${n}[]`, protocol, v3.child(n).item());
      else walkXml(w, m, c, path ? `${path}.${n}` : n, protocol, v3.child(n));
    }
    return;
  }
  if (kind === 'list') {
    const member = r.member ?? {};
    const want = protocol === 'ec2' ? (member.locationName ?? 'item') : (member.locationName ?? 'member');
    for (const c of node.children) {
      if (c.name !== want) out.push(`${here}: list item <${c.name}>, the SDK reads only <${want}>`);
      else walkXml(w, member, c, `${path}[]`, protocol, v3.item());
    }
    return;
  }
  if (kind === 'map') {
    for (const c of node.children) if (c.name !== 'entry') out.push(`${here}: map entry <${c.name}>, expected <entry>`);
    return;
  }
  if (node.children.length) {
    out.push(`${here}: a ${kind} member holds elements <${node.children.map((c) => c.name).join('>, <')}>`);
    return;
  }
  scalar(w, kind, node.text, here, v3, true);
}

function walkJson(w: Walk, ref: ShapeRef, v: unknown, path: string, v3: V3Cursor): void {
  const { model, service, op, out } = w;
  const r = withOutputSupplements(service, op, path, resolveShape(model, ref));
  const kind = kindOf(r);
  const here = path || '(output)';
  if (v === null) return;
  if (kind === 'structure') {
    if (typeof v !== 'object' || Array.isArray(v)) return void out.push(`${here}: expected an object`);
    const members = r.members ?? {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const name = Object.keys(members).find((n) => (members[n]?.locationName ?? n) === k);
      if (!name)
        out.push(`${here}: "${k}" is ${notAMember(members, v3, k).replace('supplements.ts', 'OUTPUT_SUPPLEMENTS')}`);
      else walkJson(w, members[name] as ShapeRef, x, path ? `${path}.${name}` : name, v3.child(name));
    }
    return;
  }
  if (kind === 'list') {
    if (!Array.isArray(v)) return void out.push(`${here}: expected a list`);
    for (const x of v) walkJson(w, r.member ?? {}, x, `${path}[]`, v3.item());
    return;
  }
  if (kind === 'map') {
    if (typeof v !== 'object' || Array.isArray(v)) return void out.push(`${here}: expected a map`);
    for (const x of Object.values(v as object)) walkJson(w, r.value ?? {}, x, `${path}{}`, v3.value());
    return;
  }
  scalar(w, kind, v, here, v3, false);
}
