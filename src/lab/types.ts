import type { AsgLabInfo } from './asg/part.js';
import type { EcsLabInfo } from './ecs/part.js';
import type { ElastiCacheLabInfo, RedisMode } from './elasticache/part.js';
import type { LambdaLabInfo } from './lambda/part.js';

/**
 * The lab's public shapes: the options `lab up` takes and `lab.json`, the file the drill engine reads
 * with `--lab <dir>` to resolve `${lab.*}` scenario variables.
 */
export const LAB_REGION = 'us-east-1';
export const LAB_ACCOUNT_ID = '000000000000';
export const LAB_AZS = ['lab-1a', 'lab-1b', 'lab-1c'] as const;

/** Control-plane faults: each rate is a fraction 0..1 of API requests that get the fault. */
export interface ControlPlaneFaults {
  /** Answer with the service's throttling error (EC2 RequestLimitExceeded, others Throttling / ThrottlingException). */
  throttleRate?: number;
  /** Answer HTTP 500 InternalError / 503 ServiceUnavailable. */
  errorRate?: number;
  /** Delay the answer by `slowMs`. */
  slowRate?: number;
  slowMs?: number;
  /** Only these services (ec2, rds, elasticloadbalancing, fis, sts); all when absent. */
  services?: string[];
  /** Only these operations (e.g. DescribeInstances, GetExperiment); all when absent. */
  operations?: string[];
  /**
   * Failovers that do not happen. `no-op`: RebootDBInstance with ForceFailover, FailoverDBCluster and
   * ElastiCache TestFailover answer as usual and the resource goes through its usual status, but
   * nothing fails over and no failover event is written (also no automatic failover when an AZ is
   * cut off). `declined`: RDS declines a forced failover as real RDS may: the instance reboots in
   * place and RDS-EVENT-0034 is written (FailoverDBCluster and TestFailover are not affected).
   * Not limited by `services` / `operations`.
   */
  failover?: FailoverFault;
  /** `no-effect`: FIS experiments run their actions through every state, but the actions do nothing. */
  fisActions?: 'no-effect';
}

export type FailoverFault = 'no-op' | 'declined';

export interface LabOptions {
  /** State directory (pids, logs, lab.json). */
  dir: string;
  /** Number of lab AZs, 2 or 3. */
  azCount: number;
  /** App instances per AZ (>= 2). */
  instancesPerAz: number;
  /** ALB health checks. */
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  deregistrationDelayMs: number;
  /** How long transitional states (stopping, pending, shutting-down ...) are held at least. */
  transitionMs: number;
  /** WAL is shipped to the archive (and LatestRestorableTime advances) this often. */
  logShipIntervalMs: number;
  /** Automated snapshots of lab-db this often (one is always taken at start). */
  automatedSnapshotIntervalMs: number;
  /**
   * Automated snapshots (and the archived WAL only they need) older than this are deleted, so a
   * long-running lab does not fill memory; the point-in-time window is this long.
   */
  backupRetentionMs: number;
  /** Multiplies FIS durations (startInstancesAfterDuration, aws:fis:wait ...); 1 = as written. */
  fisTimeScale: number;
  /** Start the Aurora-style cluster `lab-aurora` too. */
  aurora: boolean;
  /** Start `lab-aurora-mysql`, an Aurora-MySQL-style cluster on two MariaDB servers. */
  auroraMysql: boolean;
  /** Serve DynamoDB (table `lab-app`, point-in-time recovery on). */
  dynamodb: boolean;
  /** DynamoDB's LatestRestorableDateTime trails now by this much (AWS: about 5 minutes). */
  dynamodbPitrLagMs: number;
  /** Serve AWS Backup (vault `lab-vault` with recovery points of lab-db and, with dynamodb, lab-app). */
  backup: boolean;
  /** API port; 0 = any free port. */
  apiPort: number;
  faults: ControlPlaneFaults;
  /** ECS cluster lab-cluster with the Fargate-like service lab-api behind the ALB (ip targets). */
  ecs: boolean;
  ecsDesiredCount: number;
  ecsHealthCheckGracePeriodSeconds: number;
  /** Lambda functions as real processes (Invoke, function URLs, the FIS Lambda actions). */
  lambda: boolean;
  /** How often the FIS extension in a function reads its configuration (AWS polls every 60 s). */
  lambdaFisPollMs: number;
  /** ElastiCache for Redis: off, replication (cluster mode off), cluster (cluster mode on) or both. */
  redis: RedisMode;
  /** Redis with in-transit encryption (tls-port, lab CA) and an AUTH token. */
  redisTls: boolean;
  /** The Auto Scaling group lab-web-asg over the first `asgInstancesPerAz` web instances of each AZ. */
  asg: boolean;
  asgInstancesPerAz: number;
  /** EC2: replace instances that are not running; ELB: also those the target group finds unhealthy. */
  asgHealthCheckType: 'EC2' | 'ELB';
  /** A new instance is not health-checked for this long (the API shows it in whole seconds). */
  asgHealthCheckGracePeriodMs: number;
  /** How often the group checks health and capacity. */
  asgCheckIntervalMs: number;
  /** IAM policy of the lab's credentials (access key `lab`); without one every call is allowed. */
  iamPolicy?: unknown;
}

export const DEFAULT_LAB_OPTIONS: Omit<LabOptions, 'dir'> = {
  azCount: 2,
  instancesPerAz: 2,
  healthCheckIntervalMs: 500,
  healthCheckTimeoutMs: 400,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  deregistrationDelayMs: 2000,
  transitionMs: 1000,
  logShipIntervalMs: 5000,
  automatedSnapshotIntervalMs: 600_000,
  backupRetentionMs: 3_600_000,
  fisTimeScale: 1,
  aurora: true,
  auroraMysql: false,
  dynamodb: false,
  dynamodbPitrLagMs: 3000,
  backup: false,
  apiPort: 0,
  faults: {},
  ecs: false,
  ecsDesiredCount: 4,
  ecsHealthCheckGracePeriodSeconds: 2,
  lambda: false,
  lambdaFisPollMs: 500,
  redis: 'off',
  redisTls: false,
  asg: false,
  asgInstancesPerAz: 1,
  asgHealthCheckType: 'EC2',
  asgHealthCheckGracePeriodMs: 2000,
  asgCheckIntervalMs: 500,
};

export interface LabEndpoint {
  host: string;
  port: number;
}

/** An Aurora-style cluster in lab.json: its endpoints (TCP proxies that move on failover) and login. */
export interface LabClusterInfo {
  clusterId: string;
  arn: string;
  writer: LabEndpoint;
  reader: LabEndpoint;
  user: string;
  password: string;
  database: string;
  instanceIds: string[];
  /** PEM of the lab CA, when the cluster's servers serve TLS. */
  caFile?: string;
}

/** `<stateDir>/lab.json`. */
export interface LabInfo {
  version: 1;
  stateDir: string;
  /** Where PostgreSQL data, sockets and binaries live (readable by the unprivileged postgres user). */
  runtimeDir: string;
  supervisorPid: number;
  startedAt: string;
  awsEndpoint: string;
  region: string;
  accountId: string;
  /** Any values work; the lab does not check signatures. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Admin routes (control-plane faults, reset, status). */
  adminUrl: string;
  appUrl: string;
  loadBalancerArn: string;
  targetGroupArn: string;
  azs: string[];
  subnets: { id: string; az: string }[];
  instances: { id: string; az: string; port: number; privateIpAddress: string }[];
  db: LabEndpoint & {
    user: string;
    password: string;
    database: string;
    instanceId: string;
    engine: 'postgres';
    arn: string;
    /** PEM of the lab CA that signed every database's TLS certificate (`ssl: { mode: verify-full, ca: { file: ${lab.db.caFile} } }`). */
    caFile?: string;
  };
  aurora?: LabClusterInfo;
  /** With `auroraMysql`. */
  auroraMysql?: LabClusterInfo & { engine: 'aurora-mysql' };
  /** With `dynamodb`: served on `awsEndpoint` like every service. */
  dynamodb?: { endpoint: string; tableName: string; tableArn: string };
  /** With `backup`. */
  backup?: { vaultName: string; vaultArn: string; roleArn: string };
  ecs?: EcsLabInfo;
  lambda?: LambdaLabInfo;
  elasticache?: ElastiCacheLabInfo;
  /** With `asg`. */
  asg?: AsgLabInfo;
  options: Omit<LabOptions, 'dir'>;
}
