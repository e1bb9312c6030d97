import type { z } from 'zod';
import type { AwsApis } from '../../aws/apis.js';
import type { JsonSchemaOverride } from '../../scenario/json-schema.js';
import type { PlanContext } from '../plan/context.js';

/** Resources resolved so far, by scenario name (a selector may refer to one resolved before it). */
export type ResolvedSoFar = ReadonlyMap<string, { name: string; type: string }>;

/**
 * One resource type of the scenario's `resources` section, in its own module
 * (src/experiments/resources/<type>.ts): the selector schema, how preflight resolves it against
 * AWS, how the plan describes it and which ARNs IAM statements name for it. The resources union
 * of the scenario schema and preflight's resolution are derived from the registry of these.
 */
export interface ResourceDefinition<
  S extends z.ZodType = z.ZodType,
  R extends { name: string; type: string } = { name: string; type: string },
> {
  /** The scenario `type`, e.g. `ec2-instance`. */
  type: string;
  /** The selector: a strict object with `type: z.literal(type)` and `.meta` descriptions. */
  schema: S;
  jsonSchema?: JsonSchemaOverride;
  /** Resolved before the types without it (target groups: instance selectors refer to them). */
  resolveFirst?: boolean;
  /**
   * Resolves the selector against AWS (read-only calls). Deterministic: sorted by id, first N.
   * @throws DrillproofError `ResourceMissing` (a failed preflight) when it matches nothing.
   */
  resolve(aws: AwsApis, name: string, selector: z.infer<S>, resolved: ResolvedSoFar): Promise<R>;
  /** The selector in words for the plan, e.g. `EC2 instances tagged app=web in us-east-1a (state running), pick 1`. */
  describe(selector: z.infer<S>): string;
  /** The resolved resource in words for preflight's check line. */
  describeResolved(r: R): string;
  /** ARN patterns of what the selector can select (IAM statements), wildcards where only run time knows. */
  arns(ctx: PlanContext, selector: z.infer<S> | undefined): string[];
}

export function defineResource<S extends z.ZodType, R extends { name: string; type: string }>(
  d: ResourceDefinition<S, R>,
): ResourceDefinition<S, R> {
  return d;
}
