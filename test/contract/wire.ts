import { kindOf, loadServiceModel, resolveShape, type ServiceModel, type ShapeRef } from './model.js';

/**
 * Reads a serialized request back the way the service would, from the model's HTTP bindings
 * alone: awsJson (X-Amz-Target, JSON body), restJson (method, URI template, query string,
 * headers, JSON body or payload member) and awsQuery (Action, Version, `A.member.N` lists).
 * Comparing the result with the command's input shows whether the v3 client puts every member
 * where AWS's model says AWS reads it.
 */
export interface WireRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

export function decodeWireRequest(service: string, operation: string, req: WireRequest) {
  const model = loadServiceModel(service);
  const op = model.operations[operation];
  const problems: string[] = [];
  if (!op) return { problems: [`${operation} is not an operation of ${model.file}`], value: undefined };
  const shape = op.input ? resolveShape(model, op.input) : { type: 'structure', members: {} };
  const header = (n: string) =>
    Object.entries(req.headers).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1] as string | undefined;
  const text =
    typeof req.body === 'string'
      ? req.body
      : req.body instanceof Uint8Array
        ? Buffer.from(req.body).toString('utf8')
        : '';
  if (model.protocol === 'json') {
    const target = header('x-amz-target');
    if (target !== `${model.targetPrefix}.${operation}`)
      problems.push(`X-Amz-Target is ${target}, expected ${model.targetPrefix}.${operation}`);
    return { problems, value: fromJson(model, shape, text ? JSON.parse(text) : {}, '', problems) };
  }
  if (model.protocol === 'rest-json')
    return { problems, value: fromRest(model, op.http ?? {}, shape, req, text, problems) };
  const params = new URLSearchParams(text);
  if (params.get('Action') !== operation) problems.push(`Action is ${params.get('Action')}, expected ${operation}`);
  if (params.get('Version') !== model.apiVersion)
    problems.push(`Version is ${params.get('Version')}, expected ${model.apiVersion}`);
  const flat = new Map([...params].filter(([k]) => k !== 'Action' && k !== 'Version'));
  const value = fromQuery(model, shape, flat, '', problems);
  for (const k of flat.keys()) problems.push(`parameter ${k} is no member of the input`);
  return { problems, value };
}

function scalarFromText(kind: string, v: string): unknown {
  if (kind === 'integer' || kind === 'long') return Number.parseInt(v, 10);
  if (kind === 'float' || kind === 'double') return Number(v);
  if (kind === 'boolean') return v === 'true';
  if (kind === 'timestamp') return new Date(/^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : v);
  if (kind === 'blob') return Buffer.from(v, 'base64');
  return v;
}

function fromJson(model: ServiceModel, ref: ShapeRef, v: unknown, at: string, problems: string[]): unknown {
  const r = resolveShape(model, ref);
  const kind = kindOf(r);
  if (kind === 'structure') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>)) {
      const name = Object.keys(r.members ?? {}).find((n) => (r.members?.[n]?.locationName ?? n) === k);
      if (!name) problems.push(`${at || '(body)'}: JSON key "${k}" is no member`);
      else out[name] = fromJson(model, r.members?.[name] as ShapeRef, x, at ? `${at}.${name}` : name, problems);
    }
    return out;
  }
  if (kind === 'list') return (v as unknown[]).map((x) => fromJson(model, r.member ?? {}, x, `${at}[]`, problems));
  if (kind === 'map') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [
        k,
        fromJson(model, r.value ?? {}, x, `${at}{}`, problems),
      ]),
    );
  }
  if (kind === 'timestamp') return new Date(typeof v === 'number' ? v * 1000 : String(v));
  if (kind === 'blob') return Buffer.from(String(v), 'base64');
  return v;
}

function fromRest(
  model: ServiceModel,
  http: { method?: string; requestUri?: string },
  shape: ShapeRef,
  req: WireRequest,
  text: string,
  problems: string[],
): unknown {
  const method = http.method ?? 'POST';
  if (req.method !== method) problems.push(`method ${req.method}, the model says ${method}`);
  // A trailing slash is not significant: the v3 clients' newer models drop some the v2 models have
  // (AWS Backup `/resources/{resourceArn}/recovery-points/`: the v3 client sends it without).
  const [uriPath = '/', uriQuery] = (http.requestUri ?? '/').split('?');
  const names: string[] = [];
  const re = new RegExp(
    `^${uriPath
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)(\+?)\}/g, (_, n: string, greedy: string) => {
        names.push(n);
        return greedy ? '(.+)' : '([^/]+)';
      })
      .replace(/\/$/, '')}/?$`,
  );
  const m = re.exec(req.path);
  if (!m) problems.push(`path ${req.path} does not match ${http.requestUri}`);
  const out: Record<string, unknown> = {};
  const fixedQuery = new Set(new URLSearchParams(uriQuery ?? '').keys());
  const seenQuery = new Set<string>();
  for (const [name, mref] of Object.entries(shape.members ?? {})) {
    const mr = resolveShape(model, mref);
    const wire = mref.locationName ?? name;
    if (mref.location === 'uri') {
      const i = names.indexOf(wire);
      if (m && i >= 0) out[name] = decodeURIComponent(m[i + 1] as string);
    } else if (mref.location === 'querystring') {
      const q = req.query[wire];
      seenQuery.add(wire);
      if (q === undefined || q === null) continue;
      const list = [q].flat();
      out[name] =
        kindOf(mr) === 'list'
          ? list.map((x) => scalarFromText(kindOf(resolveShape(model, mr.member ?? {})), x))
          : scalarFromText(kindOf(mr), list[0] as string);
    } else if (mref.location === 'header') {
      const h = Object.entries(req.headers).find(([k]) => k.toLowerCase() === wire.toLowerCase())?.[1];
      if (h !== undefined) out[name] = scalarFromText(kindOf(mr), h);
    }
  }
  for (const k of Object.keys(req.query)) {
    if (!seenQuery.has(k) && !fixedQuery.has(k)) problems.push(`query parameter ${k} is no member of the input`);
  }
  if (shape.payload) {
    const pm = shape.members?.[shape.payload] as ShapeRef;
    const pk = kindOf(resolveShape(model, pm));
    if (req.body !== undefined && text !== '')
      out[shape.payload] =
        pk === 'structure' ? fromJson(model, pm, JSON.parse(text), shape.payload, problems) : Buffer.from(text);
    return out;
  }
  const bodyShape = {
    ...shape,
    members: Object.fromEntries(Object.entries(shape.members ?? {}).filter(([, x]) => !x.location)),
  };
  if (text) Object.assign(out, fromJson(model, bodyShape, JSON.parse(text), '', problems));
  return out;
}

function fromQuery(
  model: ServiceModel,
  ref: ShapeRef,
  params: Map<string, string>,
  prefix: string,
  problems: string[],
): unknown {
  const r = resolveShape(model, ref);
  const kind = kindOf(r);
  const take = (k: string) => {
    const v = params.get(k);
    params.delete(k);
    return v;
  };
  if (kind === 'structure') {
    const out: Record<string, unknown> = {};
    for (const [name, m] of Object.entries(r.members ?? {})) {
      const wire = m.queryName ?? m.locationName ?? name;
      const key = prefix ? `${prefix}.${wire}` : wire;
      const has = [...params.keys()].some((k) => k === key || k.startsWith(`${key}.`));
      if (has) out[name] = fromQuery(model, m, params, key, problems);
    }
    return out;
  }
  if (kind === 'list') {
    const item = r.member ?? {};
    const base = r.flattened ? prefix : `${prefix}.${item.locationName ?? 'member'}`;
    const out: unknown[] = [];
    for (let i = 1; [...params.keys()].some((k) => k === `${base}.${i}` || k.startsWith(`${base}.${i}.`)); i++) {
      out.push(fromQuery(model, item, params, `${base}.${i}`, problems));
    }
    if (params.get(prefix) === '') take(prefix); // an empty list is sent as `Name=`
    return out;
  }
  if (kind === 'map') {
    const out: Record<string, unknown> = {};
    for (let i = 1; params.has(`${prefix}.entry.${i}.key`); i++) {
      const k = take(`${prefix}.entry.${i}.key`) as string;
      out[k] = fromQuery(model, r.value ?? {}, params, `${prefix}.entry.${i}.value`, problems);
    }
    return out;
  }
  const v = take(prefix);
  return v === undefined ? undefined : scalarFromText(kind, v);
}

/** A value in a comparable form: dates as ISO strings, bytes as base64, no undefined members. */
export function comparable(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(comparable);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, comparable(x)]),
    );
  }
  return v;
}
