/** FIS shapes on the wire (restJson1, camelCase) as the SDK sends and parses them. */
export interface TemplateTarget {
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: Record<string, string>;
  filters?: { path: string; values: string[] }[];
  selectionMode: string;
  parameters?: Record<string, string>;
}

export interface TemplateAction {
  actionId: string;
  description?: string;
  parameters?: Record<string, string>;
  targets?: Record<string, string>;
  startAfter?: string[];
}

export interface ExperimentTemplate {
  id: string;
  arn: string;
  description: string;
  targets: Record<string, TemplateTarget>;
  actions: Record<string, TemplateAction>;
  stopConditions: { source: string; value?: string }[];
  roleArn: string;
  tags: Record<string, string>;
  logConfiguration?: unknown;
  experimentOptions: { accountTargeting: string; emptyTargetResolutionMode: string };
  experimentReportConfiguration?: unknown;
  creationTime: number;
  lastUpdateTime: number;
}

export type ExperimentStatus =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'cancelled';
export type ActionStatus =
  | 'pending'
  | 'initiating'
  | 'running'
  | 'completed'
  | 'cancelled'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'skipped';

export interface ExperimentActionState extends TemplateAction {
  state: { status: ActionStatus; reason: string };
  startTime?: number;
  endTime?: number;
}

export interface Experiment {
  id: string;
  arn: string;
  experimentTemplateId: string;
  roleArn: string;
  state: { status: ExperimentStatus; reason: string; error?: { accountId?: string; code?: string; location?: string } };
  targets: Record<string, TemplateTarget>;
  actions: Record<string, ExperimentActionState>;
  stopConditions: { source: string; value?: string }[];
  creationTime: number;
  startTime: number;
  endTime?: number;
  tags: Record<string, string>;
  logConfiguration?: unknown;
  experimentOptions: { accountTargeting: string; emptyTargetResolutionMode: string; actionsMode: string };
}

/** Epoch seconds, the restJson1 default timestamp format. */
export const epochSeconds = (ms = Date.now()) => ms / 1000;
