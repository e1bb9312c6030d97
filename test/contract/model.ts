import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * AWS's published API models, as the npm `aws-sdk` (v2) package ships them: `apis/<prefix>-<api
 * version>.min.json` with every operation, its input and output shapes, required members, member
 * types and wire names (`locationName`, `queryName`, `flattened`, `resultWrapper`). Generic over
 * services: a service is named by its key in `apis/metadata.json` (ec2, rds, elbv2, fis, sts,
 * cloudwatch, iam, kms, secretsmanager, ecs, lambda, elasticache, dynamodb, backup, autoscaling).
 *
 * The min files carry no documentation traits: no enums, lengths, ranges or patterns. Those come
 * from constraints.ts (AWS enums as the v3 clients ship them, or the API reference, cited), and
 * members AWS added after the package's last model update from supplements.ts (cited).
 */
export interface ShapeRef {
  shape?: string;
  type?: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  location?: string;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
  resultWrapper?: string;
  timestampFormat?: string;
  /** restJson: the member that is the whole HTTP body (Lambda Invoke's Payload). */
  payload?: string;
  /** restJson: uri, querystring, header, headers, statusCode; absent = the JSON body. */
  /** Where a supplemented member is documented (never set by the package's models). */
  source?: string;
}

export interface Operation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  http?: { method?: string; requestUri?: string; responseCode?: number };
}

export interface ServiceModel {
  key: string;
  file: string;
  protocol: string;
  apiVersion: string;
  xmlNamespace?: string;
  /** awsJson: `X-Amz-Target: <targetPrefix>.<Operation>`. */
  targetPrefix?: string;
  operations: Record<string, Operation>;
  shapes: Record<string, ShapeRef>;
  paginators: Record<
    string,
    { input_token?: string | string[]; output_token?: string | string[]; result_key?: string | string[] }
  >;
}

const require = createRequire(import.meta.url);
export const APIS_DIR = join(dirname(require.resolve('aws-sdk/package.json')), 'apis');
export const AWS_SDK_V2_VERSION = (
  JSON.parse(readFileSync(join(APIS_DIR, '..', 'package.json'), 'utf8')) as { version: string }
).version;

const cache = new Map<string, ServiceModel>();

/** The newest API version of a service the package ships (e.g. rds → rds-2014-10-31). */
export function loadServiceModel(key: string): ServiceModel {
  const hit = cache.get(key);
  if (hit) return hit;
  const meta = JSON.parse(readFileSync(join(APIS_DIR, 'metadata.json'), 'utf8')) as Record<string, { prefix?: string }>;
  const m = meta[key];
  if (!m) throw new Error(`no AWS API model for service key "${key}" in aws-sdk/apis/metadata.json`);
  const prefix = m.prefix ?? key;
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4}-\\d{2}-\\d{2})\\.min\\.json$`);
  const files = readdirSync(APIS_DIR)
    .filter((f) => re.test(f))
    .sort();
  const file = files[files.length - 1];
  if (!file) throw new Error(`aws-sdk/apis has no ${prefix}-*.min.json`);
  const raw = JSON.parse(readFileSync(join(APIS_DIR, file), 'utf8')) as {
    metadata: { protocol: string; apiVersion: string; xmlNamespace?: string; targetPrefix?: string };
    operations: Record<string, Omit<Operation, 'name'>>;
    shapes?: Record<string, ShapeRef>;
  };
  let paginators: ServiceModel['paginators'] = {};
  try {
    paginators = (
      JSON.parse(readFileSync(join(APIS_DIR, file.replace('.min.json', '.paginators.json')), 'utf8')) as {
        pagination: ServiceModel['paginators'];
      }
    ).pagination;
  } catch {
    // A service without paged operations ships no paginators file.
  }
  const model: ServiceModel = {
    key,
    file,
    protocol: raw.metadata.protocol,
    apiVersion: raw.metadata.apiVersion,
    ...(raw.metadata.xmlNamespace ? { xmlNamespace: raw.metadata.xmlNamespace } : {}),
    ...(raw.metadata.targetPrefix ? { targetPrefix: raw.metadata.targetPrefix } : {}),
    operations: Object.fromEntries(Object.entries(raw.operations).map(([n, o]) => [n, { name: n, ...o }])),
    shapes: raw.shapes ?? {},
    paginators,
  };
  cache.set(key, model);
  return model;
}

/** A reference with its shape resolved (inline members win over the named shape's own). */
export function resolveShape(model: ServiceModel, ref: ShapeRef): ShapeRef {
  let r = ref;
  const seen = new Set<string>();
  while (r.shape && !seen.has(r.shape)) {
    seen.add(r.shape);
    const named = model.shapes[r.shape];
    if (!named) throw new Error(`${model.file}: unknown shape ${r.shape}`);
    const { shape: _s, ...own } = r;
    r = { ...named, ...own };
  }
  return r;
}

/** structure | list | map | string | integer | long | float | double | boolean | timestamp | blob */
export function kindOf(r: ShapeRef): string {
  if (r.type) return r.type;
  if (r.members) return 'structure';
  if (r.member) return 'list';
  if (r.key || r.value) return 'map';
  return 'string';
}
