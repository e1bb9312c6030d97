import type { z } from 'zod';
import type { AwsApis } from '../../aws/apis.js';
import type { JsonSchemaOverride } from '../../scenario/json-schema.js';
import type { PlanContext } from '../plan/context.js';
import type { FaultPlan } from '../plan/types.js';
import type { ResolvedResource, ResourceType } from '../resources/registry.js';
import type { InverseHandler } from './inverse.js';
import type { FaultAction, FaultContext, InverseSpec } from './types.js';

/** A step key that names scenario resources: the scenario cross-check, unused-resource warnings. */
export interface ResourceRef {
  key: string;
  types: readonly ResourceType[];
  /** The key holds a list of names. */
  list?: boolean;
  /** How messages name the key (default: the fault type), e.g. `az-impairment resources`. */
  what?: string;
}

/** What a fault's own scenario cross-check sees: the input as written, possibly partly invalid. */
export interface CrossCheckContext {
  /** Reports a problem at a path relative to the fault step. */
  issue(path: (string | number)[], message: string, input: unknown): void;
  /** Reports a name that is not a probe of the scenario (path relative to the fault step). */
  probeRef(name: unknown, path: (string | number)[]): void;
  /** The scenario's probes as written (name, type). */
  probes: { name?: unknown; type?: unknown }[];
  /** The probe kind writes heartbeats (RPO). */
  isHeartbeat(type: unknown): boolean;
  provider: unknown;
}

/** Allowed but worth a look (`validate` prints these with their position). */
export interface ScenarioWarning {
  code: string;
  message: string;
  path: PropertyKey[];
  hint?: string;
}

/** What a fault's warnings see of the validated scenario. */
export interface WarningContext<A> {
  scenario: { target: { provider: string }; rollback: { mode: string } };
  /** The path of the fault step, e.g. `['steps', 'faults', 2]`. */
  at: PropertyKey[];
  attachment: A | undefined;
}

/** Something a drill left behind that `sweep` finds, with the undo that cleans it up. */
export interface Leftover {
  /** e.g. `fis-experiment`; `unchecked`: a service could not be read, what it holds is unknown. */
  kind: string;
  id: string;
  detail: string;
  action: string;
  /** Replayed through the inverse registry; absent: listed only. */
  inverse?: InverseSpec;
  done?: boolean;
  error?: string;
}

/** The outcome of one confirmation check. */
export interface ConfirmationResult {
  status: 'confirmed' | 'not-confirmed' | 'declined';
  detail: string;
  answers: unknown[];
}

/**
 * How a fault's effect is proven from AWS's own answers during observe. The engine calls `check`
 * once per poll interval from injection until it answers `confirmed` or `declined`, or observe
 * ends (then the last `not-confirmed` stands). One call = one look at AWS, no waiting inside.
 */
export interface FaultConfirmation {
  /**
   * `confirmed`: AWS says the effect happened (instance stopped, primary moved ...);
   * `not-confirmed`: it did not within observe; `declined`: AWS refused it (RDS-EVENT-0034).
   * `answers` are the AWS answers that show it, for the evidence.
   */
  check(
    action: FaultAction,
    ctx: FaultContext,
  ): Promise<{ status: 'confirmed' | 'not-confirmed' | 'declined'; detail: string; answers: unknown[] }>;
}

/**
 * A confirmation per AWS action of the fault's runtime actions (composite faults such as
 * az-impairment produce several kinds). An action without an entry is `not-confirmed`.
 */
export function confirmByAction(checks: Record<string, FaultConfirmation['check']>): FaultConfirmation {
  return {
    check: async (action, ctx) => {
      const check = checks[action.action];
      if (!check) return { status: 'not-confirmed', detail: `no confirmation for ${action.action}`, answers: [] };
      return check(action, ctx);
    },
  };
}

/**
 * One fault type, everything about it in its own module (src/experiments/faults/...). The
 * scenario schema's fault union, the plan, `iam-policy`, scenario warnings, `recover` (through
 * the inverses), `sweep` and the docs are derived from the registry of these (faults/registry.ts);
 * nothing outside the module switches on its type string. `A` is the file the step names
 * (a FIS template file), as the loader read it.
 */
export interface FaultDefinition<S extends z.ZodType = z.ZodType, A = unknown> {
  /** The scenario `type`, e.g. `ec2-stop`. */
  type: string;
  /** The step: a strict object with `type: z.literal(type)` and `.meta` descriptions. */
  schema: S;
  jsonSchema?: JsonSchemaOverride;
  resourceRefs: readonly ResourceRef[];
  /** Cross-section checks of its own, beyond the resource references (validate). */
  crossCheck?(step: Record<string, unknown>, ctx: CrossCheckContext): void;
  warnings?(step: z.infer<S>, ctx: WarningContext<A>): ScenarioWarning[];
  /** The plan descriptor: calls with IAM actions and ARNs, inverse, durations. No network. */
  plan(step: z.infer<S>, ctx: PlanContext, attachment: A | undefined): FaultPlan;
  /**
   * Turns the step into runtime actions (preflight checks, run, watchers, follow-up), each with
   * the inverse it journals. @throws DrillproofError when the step cannot be prepared.
   */
  prepare(step: z.infer<S>, ctx: FaultContext, attachment: A | undefined): Promise<FaultAction[]>;
  /** Every undo it can journal; registered in the one inverse registry `recover` uses. */
  inverses: readonly InverseHandler<Record<string, unknown>>[];
  /**
   * A file the step names (relative to the scenario), which the loader reads (JSON or YAML) and
   * validates with `schema`, with positioned problems; plan, warnings and prepare receive it.
   */
  attachment?: { key: string; what: string; schema: z.ZodType<A> };
  /**
   * A restore drill: its follow-up verifies a copy and records a `RestoreVerification`, whose
   * times make the RTO; the RPO comes from the heartbeat read back from the copy, so the probes'
   * own read-back from the primary is skipped, and an rto / rpo objective needs no probe.
   */
  measuresRestore?: boolean;
  /**
   * What drills of this type can leave behind, found by `sweep` (tags with the run id). `service`
   * and `what` name the listing when it cannot be read (denied, unreachable).
   */
  leftovers?: { service: string; what: string; find(aws: AwsApis): Promise<Leftover[]> };
  /**
   * The scenario resources the fault impairs, by name, for the probe coverage check: a drill in
   * which no probe depends on one of them is inconclusive ("no probe exercised <resource>").
   * Absent or empty: the fault impairs no scenario resource (exec, http, a restore's copy).
   */
  affects?(step: z.infer<S>, resources: ReadonlyMap<string, ResolvedResource>): string[];
  /**
   * The step reads `${env.X}` itself when it runs (exec, http): the scenario resolver leaves them
   * unexpanded there, so values stay out of the journal and out of shell strings.
   */
  expandsEnvAtRun?: boolean;
  /**
   * How its effect is confirmed during observe from AWS's answers. Absent: no AWS answer can
   * confirm it (exec, http); its runs record `unconfirmable` and never claim AWS confirmed them.
   */
  confirm?: FaultConfirmation;
}

/** Declares a fault type; `plan`, `prepare` ... get the step type inferred from its own schema. */
export function defineFault<S extends z.ZodType, A = unknown>(d: FaultDefinition<S, A>): FaultDefinition<S, A> {
  return d;
}
