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
}

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
  /** API port; 0 = any free port. */
  apiPort: number;
  faults: ControlPlaneFaults;
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
  apiPort: 0,
  faults: {},
};

export interface LabEndpoint {
  host: string;
  port: number;
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
  aurora?: {
    clusterId: string;
    arn: string;
    writer: LabEndpoint;
    reader: LabEndpoint;
    user: string;
    password: string;
    database: string;
    instanceIds: string[];
    caFile?: string;
  };
  options: Omit<LabOptions, 'dir'>;
}
