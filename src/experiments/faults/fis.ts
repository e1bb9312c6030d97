import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CreateExperimentTemplateCommandInput } from '@aws-sdk/client-fis';
import { DrillproofError } from '../../errors.js';
import { RUN_ID_TAG } from './inverses.js';
import type { FaultAction, FaultContext, FaultRuntime, FaultStep, InverseSpec } from './types.js';
import { pollUntil } from './wait.js';

const DONE = new Set(['completed', 'stopped', 'failed', 'cancelled']);

/** Reads the template of a step: a file (JSON, relative to the scenario) or an inline object. */
export function templateOf(step: FaultStep, ctx: Pick<FaultContext, 'scenarioDir'>): Record<string, unknown> | null {
  const t = rawTemplateOf(step, ctx);
  return t && typeof step.roleArn === 'string' ? { ...t, roleArn: step.roleArn } : t;
}

function rawTemplateOf(step: FaultStep, ctx: Pick<FaultContext, 'scenarioDir'>): Record<string, unknown> | null {
  if (step.template && typeof step.template === 'object') return step.template as Record<string, unknown>;
  if (typeof step.templateFile === 'string') {
    const path = isAbsolute(step.templateFile) ? step.templateFile : join(ctx.scenarioDir, step.templateFile);
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw DrillproofError.user('FisTemplateUnreadable', `cannot read FIS template ${path}`, {
        cause,
        hint: 'templateFile must be an experiment template JSON file (the shape `aws fis create-experiment-template` takes)',
      });
    }
  }
  return null;
}

/**
 * fis-experiment: runs an AWS FIS experiment from a template id, file or inline template. A
 * template drillproof creates is deleted afterwards; the experiment is tagged with the run id so
 * it can be found and stopped after a crash; GetExperiment is polled (the SDK has no FIS waiter).
 */
export const fisExperimentRuntime: FaultRuntime = {
  type: 'fis-experiment',
  iamActions: [
    'fis:StartExperiment',
    'fis:GetExperiment',
    'fis:StopExperiment',
    'fis:ListExperiments',
    'fis:GetExperimentTemplate',
    'fis:CreateExperimentTemplate',
    'fis:DeleteExperimentTemplate',
    'fis:TagResource',
    'iam:PassRole',
  ],
  async prepare(step, ctx) {
    const template = templateOf(step, ctx);
    let templateId = typeof step.templateId === 'string' ? step.templateId : undefined;
    if (!templateId && !template) {
      throw DrillproofError.user('FisTemplateMissing', `fault ${step.id} needs templateId, templateFile or template`);
    }
    let experimentId: string | undefined;
    const tags = { [RUN_ID_TAG]: ctx.runId, 'drillproof:step': step.id };
    const stopInverse = (id?: string): InverseSpec => ({
      action: 'fis.stop-experiment',
      params: { runId: ctx.runId, stepId: step.id, ...(id ? { experimentId: id } : {}) },
      description: id ? `stop FIS experiment ${id}` : `stop FIS experiments tagged ${RUN_ID_TAG}=${ctx.runId}`,
      manualSteps: id
        ? [`aws fis stop-experiment --region ${ctx.aws.region} --id ${id}`]
        : [
            `aws fis list-experiments --region ${ctx.aws.region} --query "experiments[?tags.\\"${RUN_ID_TAG}\\"=='${ctx.runId}'].id"`,
            `aws fis stop-experiment --region ${ctx.aws.region} --id <id from above>`,
          ],
    });
    const action: FaultAction = {
      stepId: step.id,
      fault: step.type,
      action: 'fis:StartExperiment',
      targets: templateId ? [templateId] : ['(template created by drillproof)'],
      inverse: stopInverse(),
      preflight: async (c) => {
        if (!templateId) {
          const ok = typeof template?.actions === 'object' && typeof template?.targets === 'object';
          return [
            {
              check: 'fis template',
              ok,
              detail: ok ? 'template has actions and targets' : 'template needs `actions` and `targets`',
            },
          ];
        }
        try {
          const t = await c.aws.fis.getExperimentTemplate({ id: templateId });
          return [
            {
              check: 'fis template',
              ok: true,
              detail: `template ${templateId}: ${Object.keys(t.experimentTemplate?.actions ?? {}).length} action(s)`,
            },
          ];
        } catch (err) {
          if (!DrillproofError.is(err)) throw err;
          return [{ check: 'fis template', ok: false, detail: err.message, ...(err.hint ? { hint: err.hint } : {}) }];
        }
      },
      run: async (c) => {
        const res = await c.aws.fis.startExperiment({
          experimentTemplateId: templateId as string,
          clientToken: `${c.runId}-${step.id}`.slice(0, 64),
          tags,
        });
        experimentId = res.experiment?.id;
        return {
          requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [],
          response: { experimentId, status: res.experiment?.state?.status },
          ...(experimentId ? { lateInverse: stopInverse(experimentId) } : {}),
        };
      },
      watch: [{ source: 'fis', key: step.id, experimentId: () => experimentId }],
      followUp: async (c) => {
        const id = experimentId;
        if (!id) return { ok: false, detail: 'StartExperiment returned no experiment id' };
        const final = await pollUntil(
          async () => {
            const g = await c.aws.fis.getExperiment({ id });
            const st = g.experiment?.state?.status;
            return st && DONE.has(st) ? g.experiment : undefined;
          },
          {
            clock: c.clock,
            intervalMs: c.pollMs,
            timeoutMs: c.waitTimeoutMs,
            signal: c.signal,
            what: `experiment ${id}`,
          },
        );
        const status = final?.state?.status ?? 'unknown';
        const actions = Object.fromEntries(
          Object.entries(final?.actions ?? {}).map(([k, a]) => [
            k,
            { status: a.state?.status, reason: a.state?.reason },
          ]),
        );
        return {
          ok: status === 'completed',
          detail: `experiment ${id} ${status}${final?.state?.reason ? `: ${final.state.reason}` : ''}`,
          data: { experimentId: id, status, actions },
        };
      },
    };
    if (!templateId && template) {
      action.setup = async (c) => {
        const input = { ...template, tags: { ...((template.tags as Record<string, string>) ?? {}), ...tags } };
        const res = await c.aws.fis.createExperimentTemplate({
          clientToken: `${c.runId}-${step.id}-tpl`.slice(0, 64),
          ...(input as unknown as Omit<CreateExperimentTemplateCommandInput, 'clientToken'>),
        });
        templateId = res.experimentTemplate?.id;
        if (!templateId) throw DrillproofError.aws('FisTemplateNotCreated', 'CreateExperimentTemplate returned no id');
        action.targets = [templateId];
        return {
          requestIds: res.$metadata.requestId ? [res.$metadata.requestId] : [],
          inverse: {
            action: 'fis.delete-template',
            params: { templateId },
            description: `delete FIS template ${templateId} created for this run`,
            manualSteps: [`aws fis delete-experiment-template --region ${c.aws.region} --id ${templateId}`],
          },
        };
      };
    }
    return [action];
  },
};
