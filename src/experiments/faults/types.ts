import type { AwsApis } from '../../aws/apis.js';
import type { MessageSink } from '../../io/messages.js';
import type { Journal } from '../../run/journal.js';
import type { InverseSpec } from '../../run/journal-types.js';
import type { HeartbeatReadback } from '../../run/samples.js';
import type { AnchoredClock, Clock } from '../../util/clock.js';
import type { ResolvedResource } from '../resources/registry.js';

/** Everything the runtime half of a fault may use. Built by the runner (or by `recover`). */
export interface FaultContext {
  aws: AwsApis;
  runId: string;
  runDir: string;
  clock: Clock;
  timeline: AnchoredClock;
  journal: Journal;
  sink: MessageSink;
  /** Aborted on a guardrail trip or a signal; waits stop early, rollbacks never look at it. */
  signal: AbortSignal;
  /** How often to poll AWS while waiting (5 s on AWS, a few hundred ms in the lab). */
  pollMs: number;
  /** Upper bound for any single wait (instance running, DB available, experiment done). */
  waitTimeoutMs: number;
  /** Account of the caller (STS), known after preflight's identity check. */
  account?: string;
  /** Resolved scenario resources by name. */
  resources: Map<string, ResolvedResource>;
  env: NodeJS.ProcessEnv;
  /** Directory the scenario file is in (relative template files, exec cwd). */
  scenarioDir: string;
  /** Database access through a heartbeat probe's connection settings (restore verification). */
  db?: DbAccess;
}

export interface DbEndpoint {
  host: string;
  port: number;
}

/** Connects to a database endpoint with the credentials of a scenario heartbeat probe. */
export interface DbAccess {
  /**
   * Rows of this run's heartbeat table found at the endpoint. `override` replaces parts of the
   * probe's connection (port, database, user, password, ssl) for the restored database.
   */
  readBack(probe: string, endpoint: DbEndpoint, override?: Record<string, unknown>): Promise<HeartbeatReadback>;
  /** Runs a read-only verification query; rows as arrays of column values. */
  query(probe: string, endpoint: DbEndpoint, sql: string, override?: Record<string, unknown>): Promise<unknown[][]>;
  /** The heartbeat probe to use when the fault names none. */
  defaultProbe(): string | undefined;
}

export interface PreflightCheckResult {
  check: string;
  ok: boolean;
  detail: string;
  /** What to change when it failed. */
  hint?: string;
}

export interface ActionResult {
  requestIds: string[];
  /** Small, secret-free summary of the AWS response. */
  response?: Record<string, unknown>;
  /** Inverse known only after the call (e.g. the FIS experiment id); recorded at once. */
  lateInverse?: InverseSpec;
}

/** What a fault does after injection while the drill observes (FIS polling, restore checks). */
export interface FollowUpResult {
  ok: boolean;
  detail: string;
  /** Extra figures for the run record (e.g. restore RTO/RPO, FIS action states). */
  data?: Record<string, unknown>;
}

/** Which AWS timelines to record while a fault is active. */
export type WatchSpec =
  | { source: 'ec2'; instanceIds: string[] }
  | { source: 'elbv2'; targetGroupArn: string }
  | { source: 'ecs'; cluster: string; service: string; taskArns: string[] }
  | { source: 'rds'; sourceType: 'db-instance' | 'db-cluster'; id: string }
  | { source: 'elasticache'; replicationGroupId: string }
  | { source: 'fis'; key: string; experimentId: () => string | undefined }
  | { source: 'dns'; hostname: string }
  | { source: 'lambda'; functionName: string }
  | { source: 'autoscaling'; groupName: string }
  | { source: 'backup'; key: string; restoreJobId: () => string | undefined };

/** One destructive step of a fault, with its inverse. Composite faults produce several. */
export interface FaultAction {
  stepId: string;
  /** Scenario fault type, e.g. `az-impairment`. */
  fault: string;
  /** The AWS action (or `exec` / `http`), e.g. `ec2:StopInstances`. */
  action: string;
  targets: string[];
  /** null when the step changes nothing that needs undoing (a reboot, a failover). */
  inverse: InverseSpec | null;
  preflight(ctx: FaultContext): Promise<PreflightCheckResult[]>;
  run(ctx: FaultContext): Promise<ActionResult>;
  watch?: WatchSpec[];
  /**
   * Side effect needed before injection that is not the fault itself (e.g. creating a FIS
   * template); its inverse is known only after it ran and is recorded at once.
   */
  setup?(ctx: FaultContext): Promise<{ requestIds: string[]; inverse: InverseSpec | null }>;
  /**
   * Preparation before injection whose undo is known in advance (suspending Auto Scaling
   * processes): its inverse is journaled (as `<stepId>.before`) before it runs, then it runs, then
   * the fault. Its inverse is kept with `rollback.mode: explicit` too: it undoes drillproof's own
   * preparation, not the fault.
   */
  before?: {
    description: string;
    /** null: the preparation leaves something kept on purpose (a snapshot with `keep: true`). */
    inverse: InverseSpec | null;
    run(ctx: FaultContext): Promise<{ requestIds: string[] }>;
  };
  /** Runs concurrently with observe after injection; its failure fails the drill. */
  followUp?(ctx: FaultContext): Promise<FollowUpResult>;
  /**
   * What the action knows that its confirmation compares against: the state before the fault
   * (the primary's AZ, the writer) or learned when it ran (the experiment id). A function, so
   * that copies of the action see what `run` learned later.
   */
  basis?(): Record<string, unknown>;
  /**
   * Set by the engine on the action before it hands it to `confirm.check` (the same object `run`
   * saw): when the fault call was issued (epoch ms), so AWS events are read from then on.
   */
  requestedAt?: number;
}

/** What an undo needs: no abort signal on purpose, a rollback is never cut short by the abort. */
export type InverseContext = Pick<
  FaultContext,
  'aws' | 'clock' | 'pollMs' | 'waitTimeoutMs' | 'env' | 'scenarioDir'
> & {
  /** Journals what the undo found (e.g. an instance its Auto Scaling group replaced). */
  note?: (message: string) => void;
};

export type { InverseSpec };
