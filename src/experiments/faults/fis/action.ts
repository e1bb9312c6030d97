import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { FisExperimentTemplateInput } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { requestIds } from '../inverse.js';
import { RUN_ID_TAG, STEP_TAG } from '../tags.js';
import type { FaultAction, FaultContext, FollowUpResult, PreflightCheckResult } from '../types.js';
import { pollUntil } from '../wait.js';
import { deleteTemplate, FIS_DONE, stopExperimentSpec } from './inverses.js';
import { fisLambdaPreflight, fisLambdaWatches } from './lambda.js';

/** What an experiment step names: an existing template, or a template to create for the run. */
export interface ExperimentSource {
  stepId: string;
  fault: string;
  templateId?: string | undefined;
  template?: Record<string, unknown> | undefined;
  templateFile?: string | undefined;
  roleArn?: string | undefined;
}

/** The template of a step: inline or as the loader read it, else read from its file (JSON). */
export function templateOf(
  src: ExperimentSource,
  ctx: Pick<FaultContext, 'scenarioDir'>,
): Record<string, unknown> | null {
  const t = rawTemplateOf(src, ctx);
  return t && typeof src.roleArn === 'string' ? { ...t, roleArn: src.roleArn } : t;
}

function rawTemplateOf(src: ExperimentSource, ctx: Pick<FaultContext, 'scenarioDir'>): Record<string, unknown> | null {
  if (src.template && typeof src.template === 'object') return src.template;
  if (typeof src.templateFile !== 'string') return null;
  const path = isAbsolute(src.templateFile) ? src.templateFile : join(ctx.scenarioDir, src.templateFile);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw DrillproofError.user('FisTemplateUnreadable', `cannot read FIS template ${path}`, {
      cause,
      hint: 'templateFile must be an experiment template JSON file (the shape `aws fis create-experiment-template` takes)',
    });
  }
}

interface ExperimentState {
  templateId?: string | undefined;
  experimentId?: string | undefined;
}

/**
 * The template is usable, and the functions its Lambda actions target have what the FIS Lambda
 * extension needs. A template given by id is read first; its Lambda targets are watched too.
 */
async function templatePreflight(
  c: FaultContext,
  s: ExperimentState,
  template: Record<string, unknown> | null,
  action: FaultAction,
): Promise<PreflightCheckResult[]> {
  if (!s.templateId) {
    const ok = typeof template?.actions === 'object' && typeof template?.targets === 'object';
    return [
      {
        check: 'fis template',
        ok,
        detail: ok ? 'template has actions and targets' : 'template needs `actions` and `targets`',
      },
      ...(await fisLambdaPreflight(c, template)),
    ];
  }
  try {
    const t = await c.aws.fis.getExperimentTemplate({ id: s.templateId });
    const n = Object.keys(t.experimentTemplate?.actions ?? {}).length;
    action.watch = [...(action.watch ?? []), ...fisLambdaWatches(t.experimentTemplate)];
    return [
      { check: 'fis template', ok: true, detail: `template ${s.templateId}: ${n} action(s)` },
      ...(await fisLambdaPreflight(c, t.experimentTemplate)),
    ];
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    return [{ check: 'fis template', ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) }];
  }
}

/** GetExperiment until it ends (the SDK has no FIS waiter); completed = ok, with each action's state. */
async function awaitExperiment(c: FaultContext, id: string | undefined): Promise<FollowUpResult> {
  if (!id) return { ok: false, detail: 'StartExperiment returned no experiment id' };
  const final = await pollUntil(
    async () => {
      const g = await c.aws.fis.getExperiment({ id });
      const st = g.experiment?.state?.status;
      return st && FIS_DONE.has(st) ? g.experiment : undefined;
    },
    { clock: c.clock, intervalMs: c.pollMs, timeoutMs: c.waitTimeoutMs, signal: c.signal, what: `experiment ${id}` },
  );
  const status = final?.state?.status ?? 'unknown';
  const actions = Object.fromEntries(
    Object.entries(final?.actions ?? {}).map(([k, a]) => [k, { status: a.state?.status, reason: a.state?.reason }]),
  );
  return {
    ok: status === 'completed',
    detail: `experiment ${id} ${status}${final?.state?.reason ? `: ${final.state.reason}` : ''}`,
    data: { experimentId: id, status, actions },
  };
}

/**
 * The experiment action: StartExperiment tagged with the run id (so it can be found and stopped
 * after a crash), its stop inverse journaled first and replaced by one naming the experiment once
 * known; a template it creates first (setup) is deleted afterwards. az-impairment uses it too.
 */
export function experimentAction(src: ExperimentSource, ctx: FaultContext): FaultAction {
  const template = templateOf(src, ctx);
  const s: ExperimentState = { templateId: typeof src.templateId === 'string' ? src.templateId : undefined };
  if (!s.templateId && !template) {
    throw DrillproofError.user('FisTemplateMissing', `fault ${src.stepId} needs templateId, templateFile or template`);
  }
  const tags = { [RUN_ID_TAG]: ctx.runId, [STEP_TAG]: src.stepId };
  const stopSpec = (experimentId?: string) =>
    stopExperimentSpec({
      runId: ctx.runId,
      stepId: src.stepId,
      region: ctx.aws.region,
      ...(experimentId ? { experimentId } : {}),
    });
  const action: FaultAction = {
    stepId: src.stepId,
    fault: src.fault,
    action: 'fis:StartExperiment',
    targets: s.templateId ? [s.templateId] : ['(template created by drillproof)'],
    inverse: stopSpec(),
    preflight: (c) => templatePreflight(c, s, template, action),
    run: async (c) => {
      const res = await c.aws.fis.startExperiment({
        experimentTemplateId: s.templateId as string,
        clientToken: `${c.runId}-${src.stepId}`.slice(0, 64),
        tags,
      });
      s.experimentId = res.experiment?.id;
      return {
        requestIds: requestIds(res),
        response: { experimentId: s.experimentId, status: res.experiment?.state?.status },
        ...(s.experimentId ? { lateInverse: stopSpec(s.experimentId) } : {}),
      };
    },
    watch: [{ source: 'fis', key: src.stepId, experimentId: () => s.experimentId }, ...fisLambdaWatches(template)],
    followUp: (c) => awaitExperiment(c, s.experimentId),
    basis: () => ({ experimentId: s.experimentId }),
  };
  if (!s.templateId && template) {
    action.setup = async (c) => {
      const input = { ...template, tags: { ...((template.tags as Record<string, string>) ?? {}), ...tags } };
      const res = await c.aws.fis.createExperimentTemplate({
        clientToken: `${c.runId}-${src.stepId}-tpl`.slice(0, 64),
        ...(input as unknown as Omit<FisExperimentTemplateInput, 'clientToken'>),
      });
      s.templateId = res.experimentTemplate?.id;
      if (!s.templateId) throw DrillproofError.aws('FisTemplateNotCreated', 'CreateExperimentTemplate returned no id');
      action.targets = [s.templateId];
      return {
        requestIds: requestIds(res),
        inverse: deleteTemplate.spec(
          { templateId: s.templateId },
          `delete FIS template ${s.templateId} created for this run`,
          [`aws fis delete-experiment-template --region ${c.aws.region} --id ${s.templateId}`],
        ),
      };
    };
  }
  return action;
}
