import { randomBytes } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';
import { ACTION_RUNNERS, type ActionContext, type ActionRunner, noEffectRunner } from './actions.js';
import { type Resource, resolveTarget, SUPPORTED_RESOURCE_TYPES, type TargetSources } from './targets.js';
import {
  type Experiment,
  type ExperimentActionState,
  type ExperimentStatus,
  type ExperimentTemplate,
  epochSeconds,
} from './types.js';
import { validateTemplate } from './validate.js';

export interface FisEngineDeps extends TargetSources {
  extra?: TargetSources['extra'] & { fisActions: Record<string, ActionRunner> };
  network: ActionContext['network'];
  timeScale: number;
  /** Minimum time each experiment state (pending, initiating) stays visible. */
  transitionMs: number;
  /** True while the `fisActions: no-effect` control-plane fault is on. */
  noEffect?: () => boolean;
}

const newId = (prefix: string) =>
  `${prefix}${randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 14)}`;

const _validation = (m: string) => new ApiError('ValidationException', m, 400);

interface Running {
  abort: AbortController;
  rollbacks: (() => Promise<void> | void)[];
  done: Promise<void>;
}

/**
 * FIS in the lab: templates, and experiments that resolve targets at start and run actions in
 * `startAfter` order through the real experiment and action state machines.
 */
export class FisEngine {
  readonly templates = new Map<string, ExperimentTemplate>();
  readonly experiments = new Map<string, Experiment>();
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: FisEngineDeps) {}

  createTemplate(input: Record<string, unknown>): ExperimentTemplate {
    const { targets, actions } = validateTemplate(input);
    const id = newId('EXT');
    const now = epochSeconds();
    const opts = (input.experimentOptions ?? {}) as Record<string, string>;
    const t: ExperimentTemplate = {
      id,
      arn: `arn:aws:fis:${LAB_REGION}:${LAB_ACCOUNT_ID}:experiment-template/${id}`,
      description: input.description as string,
      targets,
      actions,
      stopConditions: input.stopConditions as ExperimentTemplate['stopConditions'],
      roleArn: input.roleArn as string,
      tags: (input.tags ?? {}) as Record<string, string>,
      logConfiguration: input.logConfiguration,
      experimentOptions: {
        accountTargeting: opts.accountTargeting ?? 'single-account',
        emptyTargetResolutionMode: opts.emptyTargetResolutionMode ?? 'fail',
      },
      experimentReportConfiguration: input.experimentReportConfiguration,
      creationTime: now,
      lastUpdateTime: now,
    };
    this.templates.set(id, t);
    return t;
  }

  template(id: string): ExperimentTemplate {
    const t = this.templates.get(id);
    if (!t) throw new ApiError('ResourceNotFoundException', `Experiment template not found: ${id}`, 404);
    return t;
  }

  deleteTemplate(id: string): ExperimentTemplate {
    const t = this.template(id);
    this.templates.delete(id);
    return t;
  }

  experiment(id: string): Experiment {
    const e = this.experiments.get(id);
    if (!e) throw new ApiError('ResourceNotFoundException', `Experiment not found: ${id}`, 404);
    return e;
  }

  start(templateId: string, tags: Record<string, string>, actionsMode = 'run-all'): Experiment {
    const t = this.template(templateId);
    const id = newId('EXP');
    const now = epochSeconds();
    const e: Experiment = {
      id,
      arn: `arn:aws:fis:${LAB_REGION}:${LAB_ACCOUNT_ID}:experiment/${id}`,
      experimentTemplateId: t.id,
      roleArn: t.roleArn,
      state: { status: 'pending', reason: 'Experiment is pending.' },
      targets: structuredClone(t.targets),
      actions: Object.fromEntries(
        Object.entries(t.actions).map(([n, a]) => [
          n,
          { ...structuredClone(a), state: { status: 'pending' as const, reason: 'Initial state' } },
        ]),
      ),
      stopConditions: t.stopConditions,
      creationTime: now,
      startTime: now,
      tags: { ...tags },
      logConfiguration: t.logConfiguration,
      experimentOptions: { ...t.experimentOptions, actionsMode },
    };
    this.experiments.set(id, e);
    const abort = new AbortController();
    const run: Running = { abort, rollbacks: [], done: Promise.resolve() };
    run.done = this.run(e, abort.signal, run).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return e;
  }

  stop(id: string): Experiment {
    const e = this.experiment(id);
    const run = this.running.get(id);
    if (!run || !['pending', 'initiating', 'running'].includes(e.state.status)) {
      throw new ApiError('ValidationException', `Experiment ${id} is not running (it is ${e.state.status})`, 400);
    }
    this.setState(e, 'stopping', 'Stopping experiment.');
    run.abort.abort(new Error('experiment stopped'));
    return e;
  }

  /** Stops every running experiment and waits for their rollbacks (lab reset / down). */
  async stopAll(): Promise<void> {
    for (const [id, r] of this.running) {
      const e = this.experiments.get(id);
      if (e && ['pending', 'initiating', 'running'].includes(e.state.status))
        this.setState(e, 'stopping', 'Stopping experiment.');
      r.abort.abort(new Error('experiment stopped'));
    }
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private runner(actionId: string): ActionRunner | undefined {
    const r = ACTION_RUNNERS[actionId] ?? this.deps.extra?.fisActions[actionId];
    return r && this.deps.noEffect?.() ? noEffectRunner : r;
  }

  private setState(e: Experiment, status: ExperimentStatus, reason: string): void {
    e.state = { status, reason };
  }

  private setAction(a: ExperimentActionState, status: ExperimentActionState['state']['status'], reason: string): void {
    a.state = { status, reason };
    if (status === 'running' || status === 'initiating') a.startTime ??= epochSeconds();
    if (['completed', 'failed', 'stopped', 'cancelled', 'skipped'].includes(status)) a.endTime = epochSeconds();
  }

  private async hold(ms: number, signal: AbortSignal): Promise<void> {
    await new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        r();
      });
    });
  }

  private async run(e: Experiment, signal: AbortSignal, run: Running): Promise<void> {
    const finish = async (status: ExperimentStatus, reason: string) => {
      for (const fn of run.rollbacks.reverse()) {
        try {
          await fn();
        } catch {
          // A failed rollback must not stop the others.
        }
      }
      for (const a of Object.values(e.actions)) {
        if (a.state.status === 'pending') this.setAction(a, 'cancelled', 'Experiment ended.');
        else if (a.state.status === 'running' || a.state.status === 'initiating') {
          this.setAction(
            a,
            status === 'stopped' ? 'stopped' : 'cancelled',
            status === 'stopped' ? 'Action was stopped.' : 'Experiment ended.',
          );
        }
      }
      e.endTime = epochSeconds();
      this.setState(e, status, reason);
    };
    await this.hold(this.deps.transitionMs / 2, signal);
    if (signal.aborted) return finish('stopped', 'Experiment stopped.');
    this.setState(e, 'initiating', 'Experiment is initiating.');
    // Targets are resolved once, at the start (as FIS does).
    const resolved: Record<string, Resource[]> = {};
    for (const [name, t] of Object.entries(e.targets)) {
      if (!SUPPORTED_RESOURCE_TYPES.includes(t.resourceType) && !this.deps.extra?.fisResources[t.resourceType]) {
        return finish(
          'failed',
          `Target ${name}: resource type ${t.resourceType} is not available in the drillproof lab.`,
        );
      }
      resolved[name] = resolveTarget(this.deps, t);
      if (resolved[name].length === 0 && e.experimentOptions.emptyTargetResolutionMode !== 'skip') {
        return finish('failed', `Target resolution failed: no resources found for target ${name}.`);
      }
    }
    for (const [name, a] of Object.entries(e.actions)) {
      if (!this.runner(a.actionId)) {
        return finish('failed', `Action ${name}: ${a.actionId} is not supported by the drillproof lab.`);
      }
    }
    await this.hold(this.deps.transitionMs / 2, signal);
    if (signal.aborted) return finish('stopped', 'Experiment stopped.');
    this.setState(e, 'running', 'Experiment is running.');
    if (e.experimentOptions.actionsMode === 'skip-all') {
      for (const a of Object.values(e.actions)) this.setAction(a, 'skipped', 'Actions mode is skip-all.');
      return finish('completed', 'Experiment completed.');
    }
    const ctx: ActionContext = {
      fleet: this.deps.fleet,
      rds: this.deps.rds,
      network: this.deps.network,
      timeScale: this.deps.timeScale,
      signal,
      onStop: (fn) => run.rollbacks.push(fn),
    };
    const done = new Map<string, Promise<boolean>>();
    const runAction = (name: string): Promise<boolean> => {
      const existing = done.get(name);
      if (existing) return existing;
      const a = e.actions[name] as ExperimentActionState;
      const p = (async () => {
        const deps = await Promise.all((a.startAfter ?? []).map(runAction));
        if (deps.some((ok) => !ok) || signal.aborted) return false;
        const targets: Record<string, Resource[]> = {};
        for (const [key, tname] of Object.entries(a.targets ?? {})) targets[key] = resolved[tname] ?? [];
        if (Object.keys(a.targets ?? {}).length > 0 && Object.values(targets).every((r) => r.length === 0)) {
          this.setAction(a, 'skipped', 'No targets were resolved for this action.');
          return true;
        }
        this.setAction(a, 'initiating', 'Action is initiating.');
        this.setAction(a, 'running', 'Action is running.');
        try {
          await (this.runner(a.actionId) as ActionRunner)(ctx, a.parameters ?? {}, targets);
          this.setAction(a, 'completed', 'Action was completed.');
          return true;
        } catch (err) {
          if (signal.aborted) return false;
          this.setAction(a, 'failed', `Action failed: ${(err as Error).message}`);
          return false;
        }
      })();
      done.set(name, p);
      return p;
    };
    const results = await Promise.all(Object.keys(e.actions).map(runAction));
    if (signal.aborted) return finish('stopped', 'Experiment stopped.');
    const failed = Object.entries(e.actions).find(([, a]) => a.state.status === 'failed');
    if (failed || results.some((ok) => !ok)) {
      const name = failed?.[0] ?? '?';
      return finish('failed', `Experiment failed because action ${name} failed.`);
    }
    return finish('completed', 'Experiment completed.');
  }
}
