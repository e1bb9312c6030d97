import type { TargetGroup } from './alb/target-group.js';
import type { JsonService } from './api/json.js';
import type { ApiReply, ApiRequest, QueryService } from './api/protocol.js';
import type { Ec2Fleet } from './ec2/fleet.js';
import type { ActionRunner } from './fis/actions.js';
import type { Resource } from './fis/targets.js';
import type { LabNetwork } from './network.js';
import type { ProcessRegistry } from './processes.js';
import type { ControlPlaneFaults, LabInfo, LabOptions } from './types.js';

/** What a lab part (ECS, Lambda, ElastiCache ...) gets from the supervisor. */
export interface LabPartContext {
  registry: ProcessRegistry;
  logsDir: string;
  /** Working directory of lab processes (lab down finds leftovers by it). */
  cwd: string;
  runtimeDir: string;
  /** The lab-db endpoint and credentials (app processes write through it). */
  db: { port: number; user: string; password: string; database: string };
  azs: string[];
  subnets: { id: string; az: string }[];
  network: LabNetwork;
  options: LabOptions;
  /** The lab's EC2 instances and the web tier's target group (lab-web) they are registered in. */
  fleet: Ec2Fleet;
  webTargetGroup: TargetGroup;
  /** The control-plane faults in force now (they change at run time). */
  controlPlane: () => ControlPlaneFaults;
  freePort: () => Promise<number>;
  log: (msg: string) => void;
}

export type RestHandler = (req: ApiRequest) => ApiReply | Promise<ApiReply>;

/**
 * One optional service of the lab: its facts for lab.json, its API, the FIS resources and actions
 * it adds, and its share of status / reset / shutdown. The supervisor only registers parts.
 */
export interface LabPart {
  name: string;
  info: Partial<LabInfo>;
  status(): unknown;
  reset(): Promise<void>;
  /** Runs before the lab's instances are reset (a part that launches instances stops doing so). */
  beforeReset?(): Promise<void>;
  shutdown(): Promise<void>;
  targetGroups?: TargetGroup[];
  query?: Record<string, QueryService>;
  json?: Record<string, JsonService>;
  rest?: Record<string, RestHandler>;
  fisResources?: Record<string, () => Resource[]>;
  fisActions?: Record<string, ActionRunner>;
}

/** Everything the enabled parts add, merged for the supervisor, the API server and FIS. */
export interface LabParts {
  parts: LabPart[];
  info: Partial<LabInfo>;
  targetGroups: TargetGroup[];
  query: Record<string, QueryService>;
  json: Record<string, JsonService>;
  rest: Record<string, RestHandler>;
  fisResources: Record<string, () => Resource[]>;
  fisActions: Record<string, ActionRunner>;
  status(): Record<string, unknown>;
  beforeReset(): Promise<void>;
  reset(): Promise<void>;
  shutdown(): Promise<void>;
}

export function mergeParts(parts: LabPart[]): LabParts {
  const merged = <K extends 'query' | 'json' | 'rest' | 'fisResources' | 'fisActions'>(k: K) =>
    Object.assign({}, ...parts.map((p) => p[k] ?? {})) as NonNullable<LabPart[K]>;
  return {
    parts,
    info: Object.assign({}, ...parts.map((p) => p.info)) as Partial<LabInfo>,
    targetGroups: parts.flatMap((p) => p.targetGroups ?? []),
    query: merged('query'),
    json: merged('json'),
    rest: merged('rest'),
    fisResources: merged('fisResources'),
    fisActions: merged('fisActions'),
    status: () => Object.fromEntries(parts.map((p) => [p.name, p.status()])),
    beforeReset: async () => {
      await Promise.all(parts.map((p) => p.beforeReset?.()));
    },
    reset: async () => {
      await Promise.all(parts.map((p) => p.reset()));
    },
    shutdown: async () => {
      await Promise.all(parts.map((p) => p.shutdown()));
    },
  };
}
