import { kindOf, loadServiceModel, resolveShape, type ServiceModel, type ShapeRef } from './model.js';
import { FIS_REPORT_CONFIGURATION } from './supplements.js';

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

/** Problems of one raw lab answer; `body` as sent on the wire. */
export function checkLabResponse(service: string, operation: string, body: string): string[] {
  const model = loadServiceModel(service);
  const op = model.operations[operation];
  if (!op) return [`${service}:${operation} is not an operation of ${model.file}`];
  const out: string[] = [];
  const shape = op.output ? resolveShape(model, op.output) : { type: 'structure', members: {} };
  const at = (p: string) => `${service}:${operation} ${p}`;
  if (model.protocol === 'rest-json' || model.protocol === 'json') {
    const json = body.trim() ? (JSON.parse(body) as unknown) : {};
    walkJson(model, service, operation, shape, json, '', out);
    return out.map(at);
  }
  const doc = parseXml(body);
  if (doc.name !== `${operation}Response`) return [at(`root element <${doc.name}>, expected <${operation}Response>`)];
  if (model.protocol === 'ec2') {
    const members = doc.children.filter((c) => !EC2_WIRE_ONLY.has(c.name));
    walkXml(model, service, operation, shape, { ...doc, children: members }, '', out, 'ec2');
  } else {
    const wrapper = shape.resultWrapper;
    const result = doc.children.find((c) => c.name === wrapper);
    const rest = doc.children.filter((c) => c.name !== wrapper && c.name !== 'ResponseMetadata');
    for (const r of rest)
      out.push(`<${r.name}>: not part of the response (expected <${wrapper ?? 'none'}> and <ResponseMetadata>)`);
    if (wrapper && !result) out.push(`<${wrapper}> missing: the SDK would read an empty result`);
    if (result) walkXml(model, service, operation, shape, result, '', out, 'query');
  }
  return out.map(at);
}

function wireName(name: string, m: ShapeRef, protocol: 'ec2' | 'query'): string {
  if (protocol === 'ec2') return m.locationName ?? name.charAt(0).toLowerCase() + name.slice(1);
  return m.locationName ?? name;
}

function walkXml(
  model: ServiceModel,
  service: string,
  op: string,
  ref: ShapeRef,
  node: XmlNode,
  path: string,
  out: string[],
  protocol: 'ec2' | 'query',
): void {
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
        out.push(`${here}: <${c.name}> is not a member of the model (members: ${[...byWire.keys()].join(', ')})`);
        continue;
      }
      const [n, m] = hit;
      const mr = resolveShape(model, m);
      if (kindOf(mr) === 'list' && mr.flattened)
        walkXml(model, service, op, mr.member ?? {}, c, `${path ? `${path}.` : ''}${n}[]`, out, protocol);
      else walkXml(model, service, op, m, c, path ? `${path}.${n}` : n, out, protocol);
    }
    return;
  }
  if (kind === 'list') {
    const member = r.member ?? {};
    const want = protocol === 'ec2' ? (member.locationName ?? 'item') : (member.locationName ?? 'member');
    for (const c of node.children) {
      if (c.name !== want) out.push(`${here}: list item <${c.name}>, the SDK reads only <${want}>`);
      else walkXml(model, service, op, member, c, `${path}[]`, out, protocol);
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
  const v = node.text;
  if ((kind === 'integer' || kind === 'long') && !/^-?\d+$/.test(v)) out.push(`${here}: "${v}" is not an integer`);
  if (kind === 'boolean' && v !== 'true' && v !== 'false') out.push(`${here}: "${v}" is not a boolean`);
  if (kind === 'timestamp' && Number.isNaN(Date.parse(v))) out.push(`${here}: "${v}" is not a timestamp`);
  if ((kind === 'double' || kind === 'float') && !Number.isFinite(Number(v)))
    out.push(`${here}: "${v}" is not a number`);
}

function walkJson(
  model: ServiceModel,
  service: string,
  op: string,
  ref: ShapeRef,
  v: unknown,
  path: string,
  out: string[],
): void {
  const r = withOutputSupplements(service, op, path, resolveShape(model, ref));
  const kind = kindOf(r);
  const here = path || '(output)';
  if (v === null) return;
  if (kind === 'structure') {
    if (typeof v !== 'object' || Array.isArray(v)) return void out.push(`${here}: expected an object`);
    const members = r.members ?? {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const name = Object.keys(members).find((n) => (members[n]?.locationName ?? n) === k);
      if (!name) out.push(`${here}: "${k}" is not a member of the model (members: ${Object.keys(members).join(', ')})`);
      else walkJson(model, service, op, members[name] as ShapeRef, x, path ? `${path}.${name}` : name, out);
    }
    return;
  }
  if (kind === 'list') {
    if (!Array.isArray(v)) return void out.push(`${here}: expected a list`);
    for (const x of v) walkJson(model, service, op, r.member ?? {}, x, `${path}[]`, out);
    return;
  }
  if (kind === 'map') {
    if (typeof v !== 'object' || Array.isArray(v)) return void out.push(`${here}: expected a map`);
    for (const x of Object.values(v as object)) walkJson(model, service, op, r.value ?? {}, x, `${path}{}`, out);
    return;
  }
  const t = typeof v;
  if (kind === 'string' && t !== 'string') out.push(`${here}: expected a string, got ${JSON.stringify(v)}`);
  if ((kind === 'integer' || kind === 'long') && !Number.isInteger(v))
    out.push(`${here}: expected an integer, got ${JSON.stringify(v)}`);
  if (kind === 'boolean' && t !== 'boolean') out.push(`${here}: expected a boolean, got ${JSON.stringify(v)}`);
  // restJson timestamps are epoch seconds (numbers); strings in ISO form also parse.
  if (kind === 'timestamp' && t !== 'number' && !(t === 'string' && !Number.isNaN(Date.parse(v as string)))) {
    out.push(`${here}: expected a timestamp, got ${JSON.stringify(v)}`);
  }
}
