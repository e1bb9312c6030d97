/**
 * The plan: what a drill would do, in order, without doing anything. `drillproof plan` prints it,
 * `drillproof iam-policy` derives the least-privilege policy from its AWS calls, and the drill
 * engine can show it before asking for confirmation.
 */
export type AwsService =
  | 'sts'
  | 'ec2'
  | 'elbv2'
  | 'rds'
  | 'rds-db'
  | 'elasticache'
  | 'fis'
  | 'ecs'
  | 'iam'
  | 'cloudwatch'
  | 'secretsmanager'
  | 'kms'
  | 'dynamodb'
  | 'lambda'
  | 'autoscaling'
  | 'backup';

export interface AwsCall {
  service: AwsService;
  /** API operation, e.g. `StopInstances`. */
  operation: string;
  /** IAM action it needs, e.g. `ec2:StopInstances`. */
  iamAction: string;
  /** Resource ARN patterns the call touches (`*` when the API has no resource-level permissions). */
  resources: string[];
  /** Tag condition applied to the resources (from guardrails.requiredTag). */
  tagCondition?: { key: string; value: string };
  /** iam:PassRole: the service the role is passed to (`iam:PassedToService`; FIS when absent). */
  passedToService?: string;
  /** Key parameters, for people (never secrets). */
  params?: Record<string, unknown>;
  /** Called with DryRun during preflight (EC2 supports it). */
  dryRun?: boolean;
  note?: string;
}

export type PlanPhase = 'preflight' | 'baseline' | 'inject' | 'observe' | 'rollback' | 'verify' | 'evidence';

export interface PlanInverse {
  description: string;
  awsCalls: AwsCall[];
  /** Shell / HTTP inverse for exec and http faults. */
  command?: string[];
  http?: { method: string; url: string };
}

export interface PlanStep {
  /** 1-based position. */
  n: number;
  phase: PlanPhase;
  /** Stable id, e.g. `preflight.identity`, `inject.stop-one`. */
  id: string;
  title: string;
  description: string;
  /** Resource selectors this step acts on, in words. */
  targets: { resource: string; selector: string }[];
  awsCalls: AwsCall[];
  /** Destructive steps only: how rollback undoes it (null: nothing to undo, or cannot be undone). */
  inverse?: PlanInverse | null;
  destructive: boolean;
  /** IAM actions this step needs (its calls plus its inverse's). */
  iamActions: string[];
  /** Expected time of the step, ms: typical and worst case. */
  estimateMs: { typical: number; max: number };
}

export interface Plan {
  planVersion: 1;
  scenario: { name: string; path: string; sha256: string };
  target: { provider: 'aws' | 'lab'; region: string; allowedAccounts: string[] };
  resources: { name: string; type: string; selector: string }[];
  probes: { name: string; type: string; intervalMs: number; timeoutMs: number; what: string }[];
  steps: PlanStep[];
  /** Union of every IAM action, sorted. */
  iamActions: string[];
  /** Whole drill: typical (expected recoveries) and max (every timeout reached). */
  estimatedDurationMs: { typical: number; max: number };
  warnings: string[];
}

/**
 * What one fault contributes to the plan (its module's `plan`): what it does, the AWS calls it
 * makes (preflight, inject, watch), its inverse, and how long it typically takes to recover from.
 * The fault's runtime makes exactly these calls and journals exactly `inverseActions`.
 */
export interface FaultPlan {
  title: string;
  description: string;
  targets: { resource: string; selector: string }[];
  preflight: AwsCall[];
  inject: AwsCall[];
  watch: AwsCall[];
  inverse: PlanInverse | null;
  /** The inverse handlers (journal action names) its runtime records for this step. */
  inverseActions: string[];
  destructive: boolean;
  /** Time from injection to users seeing recovery, typically (AWS or lab speeds). */
  recoveryTypicalMs: number;
  /** Time the inject calls themselves take: typical and worst case. */
  injectMs: { typical: number; max: number };
  /** Time the inverse takes: typical and worst case. */
  inverseMs: { typical: number; max: number };
  /** IAM actions the FIS experiment role needs (not the caller). */
  fisRoleActions?: string[];
  /** Passwords it reads (the plan adds the Secrets Manager / RDS IAM auth calls). */
  secrets?: { password: SecretRefLike; user: string }[];
  /** What "recovered" means for it, when it is not the probes holding (a restore's verification). */
  recoveredWhen?: string;
  notes?: string[];
}

/** A scenario secret reference (scenario/common.ts `SecretRef`), as the plan reads it. */
export type SecretRefLike = { env: string } | { file: string } | { secretsManager: string } | { rdsIamAuth: true };
