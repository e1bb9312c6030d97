import type { z } from 'zod';
import type { AwsTarget } from '../../aws/clients.js';
import type { SampleMeaning } from '../../run/samples.js';
import type { SecretRef } from '../../scenario/common.js';
import type { AnchoredClock } from '../../util/clock.js';
import type { ProbeCommon } from '../config.js';
import type { CredentialContext } from '../credentials.js';
import type { ProbeRunner } from '../runner.js';

/** What a probe kind's runner is built with. */
export interface RunnerContext {
  runId: string;
  clock: AnchoredClock;
  credentials: CredentialContext;
}

/** What the scenario mapping needs from around the probe entry. */
export interface ProbeMappingContext {
  /** Directory of the scenario file: `{file: path}` passwords are relative to it. */
  baseDir?: string;
  /** The scenario's target region / endpoint (Secrets Manager, RDS IAM tokens). */
  region?: string;
  endpoint?: string;
  /**
   * Where the drill's own AWS calls go (the lab endpoint with its credentials, or the scenario's
   * region and profile): probes that call AWS APIs themselves (lambda) use the same.
   */
  aws?: AwsTarget;
}

/**
 * Where a probe's requests go, as the scenario says it (before DNS): what a probe depends on is
 * derived from this (an http probe behind the load balancer, a heartbeat on the database
 * endpoint).
 */
export type ProbeEndpoint =
  | { url: string }
  | { host: string; port?: number | string }
  /** An AWS resource the probe calls through its API, by name or ARN (a Lambda function, a DynamoDB table). */
  | { resource: string };

/**
 * One AWS API call a probe makes itself (on every sample, once at start, or to read its writes
 * back): the plan lists it and `iam-policy` grants it, on the ARNs of `resourceType` named by
 * `resource`.
 */
export interface ProbeApiCall {
  service: 'lambda' | 'dynamodb';
  operation: string;
  iamAction: string;
  /** What `resource` names: a Lambda function (name or ARN) or a DynamoDB table (name). */
  resourceType: 'lambda-function' | 'dynamodb-table';
  resource: string;
  qualifier?: string;
  /** The probe's own region when it names one (else the scenario target's). */
  region?: string;
  note: string;
}

/** A database a probe writes to, usable for the restore verification of a restore drill. */
export interface ProbeDatabase<C> {
  /**
   * This run's heartbeat rows at the connection `cfg` names; none when the database has no
   * heartbeat table (a backup older than the first heartbeat holds nothing of this run).
   */
  readBack(
    cfg: C,
    credentials: CredentialContext,
    runId: string,
  ): Promise<{ source: string; seqs: number[]; sentAt: number[] }>;
  /** One read-only query, rows as arrays of column values. */
  query(cfg: C, credentials: CredentialContext, sql: string): Promise<unknown[][]>;
}

/**
 * One probe kind: everything drillproof knows about it, in its own module (src/probes/kinds/<kind>).
 * The probe union of the scenario schema, the runtime registry, the plan and the docs are
 * derived from the registry of these (kinds/registry.ts).
 */
export interface ProbeDefinition<S extends z.ZodObject = z.ZodObject, C extends ProbeCommon = ProbeCommon> {
  /** The scenario `type`, e.g. `http`. */
  kind: string;
  /** The scenario entry: a strict object with `type: z.literal(kind)` and `.meta` descriptions. */
  schema: S;
  /** Adds to the generated JSON Schema what zod refinements cannot express (required keys ...). */
  jsonSchema?: (js: Record<string, unknown>) => void;
  /** What its samples stand for (headline RTO role, RPO from heartbeat writes). */
  measures: SampleMeaning;
  /** Where its requests go. */
  endpoint(p: z.infer<S>): ProbeEndpoint;
  /**
   * The scenario entry (validated, variables resolved) as the runtime config: `common` holds the
   * schedule fields every kind shares (name, Δ, T, W); durations are already ms.
   */
  toConfig(p: z.infer<S>, common: Omit<ProbeCommon, 'maxInFlight'>, ctx: ProbeMappingContext): C;
  createRunner(cfg: C, ctx: RunnerContext): ProbeRunner;
  /** The plan's line for it; `every` is its schedule in words (`every 200ms`, `at 20/s`). */
  describe(p: z.infer<S>, every: string): string;
  /** Secrets it reads (the plan lists the AWS calls they need: Secrets Manager, RDS IAM auth). */
  secrets?(p: z.infer<S>): { password: SecretRef; user: string }[];
  /**
   * The IAM slot: every AWS API call the probe makes with the drill's credentials, for the plan
   * and the IAM policy (`resource`: what the scenario names, e.g. a function name or ARN, a table
   * name; the plan turns it into ARNs). A kind that calls AWS and leaves this out gets a policy
   * that denies its probe.
   */
  apiCalls?(p: z.infer<S>): ProbeApiCall[];
  /** Present when it writes to a database a restore drill can verify through. */
  database?: ProbeDatabase<C>;
}

/**
 * Declares a probe kind; the types of `toConfig`, `describe` ... follow from its own schema.
 * (Each definition is checked against ProbeDefinition here, then widened for the registry.)
 */
export function defineProbe<S extends z.ZodObject, C extends ProbeCommon>(
  d: ProbeDefinition<S, C>,
): ProbeDefinition<S, C> {
  return d;
}
