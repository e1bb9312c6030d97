import { z } from 'zod';
import type { AwsApis } from '../../aws/apis.js';
import { DrillproofError } from '../../errors.js';
import { describeInput } from '../../scenario/common.js';
import { auroraClusterResource } from './aurora-cluster.js';
import type { ResourceDefinition } from './definition.js';
import { dynamoTableResource } from './dynamodb-table.js';
import { ec2InstanceResource } from './ec2-instance.js';
import { ecsServiceResource } from './ecs-service.js';
import { replicationGroupResource } from './elasticache-replication-group.js';
import { targetGroupResource } from './elbv2-target-group.js';
import { lambdaFunctionResource } from './lambda-function.js';
import { rdsInstanceResource } from './rds-instance.js';

/** Every resource type, explicitly; the order is the order of the scenario schema's union. */
export const RESOURCE_KINDS = [
  ec2InstanceResource,
  targetGroupResource,
  rdsInstanceResource,
  auroraClusterResource,
  dynamoTableResource,
  lambdaFunctionResource,
  replicationGroupResource,
  ecsServiceResource,
] as const;

type Kinds = typeof RESOURCE_KINDS;
type SchemasOf<T extends readonly ResourceDefinition[]> = { -readonly [K in keyof T]: T[K]['schema'] };

export const RESOURCE_TYPES: readonly string[] = RESOURCE_KINDS.map((r) => r.type);

const byType = new Map<string, ResourceDefinition>();
for (const r of RESOURCE_KINDS as readonly ResourceDefinition[]) {
  if (byType.has(r.type))
    throw DrillproofError.tool('ResourceTypeDuplicate', `resource type ${r.type} registered twice`);
  byType.set(r.type, r);
}

export function resourceKind(type: string): ResourceDefinition | undefined {
  return byType.get(type);
}

export const resourceSchema = z.discriminatedUnion('type', RESOURCE_KINDS.map((r) => r.schema) as SchemasOf<Kinds>, {
  error: (iss) =>
    iss.code === 'invalid_union'
      ? `unknown resource type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use one of ${RESOURCE_TYPES.join(', ')}`
      : undefined,
});

export type Resource = z.infer<typeof resourceSchema>;
export type ResourceType = Resource['type'];
/** A scenario resource as preflight resolved it against AWS. */
export type ResolvedResource = Awaited<ReturnType<Kinds[number]['resolve']>>;
export type ResolvedOf<T extends ResourceType> = Extract<ResolvedResource, { type: T }>;

/**
 * Resolves every named selector against AWS, in the scenario's order, the `resolveFirst` types
 * (target groups, which instance selectors may name) before the others.
 * @throws DrillproofError `ResourceMissing` (preflight failure) when a selector matches nothing.
 */
export async function resolveResources(
  aws: AwsApis,
  selectors: Record<string, { type: string }>,
): Promise<Map<string, ResolvedResource>> {
  const out = new Map<string, ResolvedResource>();
  const entries = Object.entries(selectors);
  const first = entries.filter(([, s]) => byType.get(s.type)?.resolveFirst);
  const rest = entries.filter(([, s]) => !byType.get(s.type)?.resolveFirst);
  for (const [name, sel] of [...first, ...rest]) {
    const def = byType.get(sel.type);
    if (!def) throw DrillproofError.user('ResourceTypeUnknown', `resource ${name} has unknown type ${sel.type}`);
    out.set(name, (await def.resolve(aws, name, sel, out)) as ResolvedResource);
  }
  return out;
}

/** The resolved resource in words (preflight's check line). */
export function describeResolved(r: ResolvedResource): string {
  return (byType.get(r.type) as ResourceDefinition).describeResolved(r);
}

/** The selector in words (the plan). */
export function describeSelector(r: { type: string }): string {
  return byType.get(r.type)?.describe(r) ?? r.type;
}

/**
 * A resolved resource of the type a fault needs, or a user error naming what is wrong.
 * @throws DrillproofError `ResourceUnknown`, `ResourceWrongType`
 */
export function resolvedOf<T extends ResourceType>(
  resources: ReadonlyMap<string, ResolvedResource>,
  ref: string,
  type: T,
  who: string,
): ResolvedOf<T> {
  const res = resources.get(ref);
  if (!res) throw DrillproofError.user('ResourceUnknown', `${who} refers to resource ${ref}, which is not defined`);
  if (res.type !== type) {
    throw DrillproofError.user('ResourceWrongType', `resource ${ref} is ${res.type}; ${who} needs ${type}`);
  }
  return res as ResolvedOf<T>;
}

/** The scenario selector of a resource name when it is of `type` (plan descriptors). */
export function selectorOf<T extends ResourceType>(
  resources: Readonly<Record<string, { type: string }>>,
  name: string | undefined,
  type: T,
): Extract<Resource, { type: T }> | undefined {
  const r = name === undefined ? undefined : resources[name];
  return r?.type === type ? (r as Extract<Resource, { type: T }>) : undefined;
}
