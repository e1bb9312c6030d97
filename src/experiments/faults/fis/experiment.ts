import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { strict, text } from '../../../scenario/common.js';
import { oneOfKeys } from '../../../scenario/json-schema.js';
import { arns, call, known, type PlanContext } from '../../plan/context.js';
import type { AwsCall, FaultPlan } from '../../plan/types.js';
import {
  confirmByAction,
  defineFault,
  type Leftover,
  type ScenarioWarning,
  type WarningContext,
} from '../definition.js';
import { M, S, stepShape } from '../step.js';
import { RUN_ID_TAG } from '../tags.js';
import { experimentAction } from './action.js';
import { experimentConfirmed } from './confirm.js';
import { fisTemplateEstimateMs } from './estimate.js';
import { deleteTemplate, fisInversePlan, stopExperiment, stopExperimentSpec } from './inverses.js';
import { fisLambdaPlanCalls } from './lambda.js';
import {
  type FisTemplate,
  fisRoleActions,
  fisTemplateSchema,
  OBSERVABLE_FIS_ACTIONS,
  templatePlaceholders,
} from './template.js';

export const fisExperimentFault = strict({
  ...stepShape,
  type: z.literal('fis-experiment'),
  templateId: text.optional().meta({ description: 'Existing FIS experiment template id (EXT...).' }),
  templateFile: text.optional().meta({ description: 'FIS template JSON file (relative to the scenario).' }),
  template: fisTemplateSchema.optional().meta({ description: 'FIS template inline.' }),
  roleArn: text.optional().meta({ description: 'Overrides the template roleArn (templateFile / template).' }),
})
  .superRefine((f, ctx) => {
    const given = [f.templateId, f.templateFile, f.template].filter((x) => x !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of templateId, templateFile or template', input: f });
    }
  })
  .meta({ description: 'Run an AWS FIS experiment (inverse: stop it if still running).' });

type FisStep = z.infer<typeof fisExperimentFault>;

/** The caller's calls to run an experiment (the experiment role's own needs are listed apart). */
export function fisPermissionCalls(
  ctx: PlanContext,
  roleArn: string | undefined,
  creates: boolean,
  templateId?: string,
): AwsCall[] {
  const calls: AwsCall[] = [];
  const templateArns = arns(ctx, 'fis', `experiment-template/${known(templateId) ? templateId : '*'}`);
  if (creates) {
    calls.push(
      call('fis', 'CreateExperimentTemplate', [
        ...arns(ctx, 'fis', 'experiment-template/*'),
        ...arns(ctx, 'fis', 'action/*'),
      ]),
      call('iam', 'PassRole', [known(roleArn) && !/<[^>]+>/.test(roleArn) ? roleArn : '*'], {
        note: 'FIS assumes the experiment role',
      }),
    );
  }
  calls.push(
    call('fis', 'StartExperiment', [...templateArns, ...arns(ctx, 'fis', 'experiment/*')]),
    call('fis', 'TagResource', arns(ctx, 'fis', 'experiment/*'), { note: 'tag the experiment with the run id' }),
  );
  return calls;
}

function planTargets(template: FisTemplate | undefined) {
  if (!template) return [];
  return Object.entries(template.targets).map(([n, t]) => {
    const how = t.resourceArns
      ? `arns ${t.resourceArns.join(', ')}`
      : t.resourceTags
        ? `tagged ${Object.entries(t.resourceTags)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`
        : '';
    return { resource: n, selector: `${t.resourceType} ${how} (${t.selectionMode})` };
  });
}

function plan(f: FisStep, ctx: PlanContext, attached: FisTemplate | undefined): FaultPlan {
  const template = f.template ?? attached;
  const creates = f.templateId === undefined;
  const actions = template ? Object.values(template.actions).map((a) => a.actionId) : [];
  const est = template ? fisTemplateEstimateMs(template) : 60 * S;
  const what = f.templateId
    ? `template ${f.templateId}`
    : f.templateFile
      ? `template file ${f.templateFile}`
      : 'the inline template';
  const n = actions.length;
  const lambda = fisLambdaPlanCalls(ctx, template, f.templateId !== undefined);
  return {
    title: `run FIS experiment (${what})`,
    description: template
      ? `Runs ${n} FIS action${n === 1 ? '' : 's'} (${[...new Set(actions)].join(', ')}); tagged with the run id.`
      : `Starts an experiment from FIS ${what}; tagged with the run id.`,
    targets: planTargets(template),
    preflight: f.templateId
      ? [
          call(
            'fis',
            'GetExperimentTemplate',
            arns(ctx, 'fis', `experiment-template/${known(f.templateId) ? f.templateId : '*'}`),
          ),
          ...lambda.preflight,
        ]
      : lambda.preflight,
    inject: fisPermissionCalls(ctx, f.roleArn ?? template?.roleArn, creates, f.templateId),
    watch: [
      call('fis', 'GetExperiment', arns(ctx, 'fis', 'experiment/*'), { note: 'experiment and action states' }),
      ...lambda.watch,
      call('ec2', 'DescribeInstances', ['*'], { note: 'confirm the EC2 actions stopped their targets' }),
    ],
    inverse: fisInversePlan(ctx, creates),
    inverseActions: creates ? [stopExperiment.action, deleteTemplate.action] : [stopExperiment.action],
    destructive: true,
    recoveryTypicalMs: ctx.lab ? Math.min(est, 20 * S) : est,
    injectMs: { typical: 2 * S, max: 60 * S },
    inverseMs: { typical: 5 * S, max: 2 * M },
    fisRoleActions: fisRoleActions(actions),
  };
}

function warnings(f: FisStep, { scenario, at, attachment }: WarningContext<FisTemplate>): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const template = f.template ?? attachment;
  if (!template) return out;
  const tPath: PropertyKey[] = f.template ? [...at, 'template'] : [...at, 'templateFile'];
  for (const [name, action] of Object.entries(template.actions)) {
    if (!OBSERVABLE_FIS_ACTIONS.has(action.actionId)) {
      out.push({
        code: 'FisActionNotObservable',
        message: `FIS action "${name}" (${action.actionId}) runs through FIS, but drillproof cannot watch its effect`,
        path: f.template ? [...tPath, 'actions', name, 'actionId'] : tPath,
        hint: 'its effect shows only through the probes; make sure a probe covers what it breaks',
      });
    }
  }
  for (const [name, action] of Object.entries(template.actions)) {
    if (action.startAfterDelay === undefined) continue;
    out.push({
      code: 'FisStartAfterDelayUnsupported',
      message: `FIS action "${name}" has startAfterDelay, which AWS FIS does not support (it is not in the FIS API): drillproof drops it and the action starts without the delay`,
      path: f.template ? [...tPath, 'actions', name, 'startAfterDelay'] : tPath,
      hint: `to wait ${action.startAfterDelay}, add an aws:fis:wait action with duration ${action.startAfterDelay} and list it in startAfter`,
    });
  }
  const holes = templatePlaceholders(template);
  if (holes.length > 0 && scenario.target.provider === 'aws' && !f.roleArn) {
    out.push({
      code: 'FisTemplatePlaceholder',
      message: `the FIS template still contains placeholders: ${holes.join(', ')}`,
      path: tPath,
      hint: 'fill them in, or set roleArn on the fault to override the template role',
    });
  }
  return out;
}

const FIS_ACTIVE = new Set(['pending', 'initiating', 'running']);

/** Experiments tagged with a drillproof run id that still run. */
async function runningExperiments(aws: AwsApis): Promise<Leftover[]> {
  const ex = await aws.fis.listExperiments({});
  const out: Leftover[] = [];
  for (const e of ex.experiments ?? []) {
    const runId = e.tags?.[RUN_ID_TAG];
    if (!e.id || !runId || !FIS_ACTIVE.has(e.state?.status ?? '')) continue;
    const inverse = stopExperimentSpec({ runId: '', stepId: '', region: aws.region, experimentId: e.id });
    out.push({
      kind: 'fis-experiment',
      id: e.id,
      detail: `run ${runId}, ${e.state?.status}`,
      action: `stop FIS experiment ${e.id}`,
      inverse,
    });
  }
  return out;
}

/**
 * fis-experiment: runs an AWS FIS experiment from a template id, file or inline template. A
 * template drillproof creates is deleted afterwards; the experiment is tagged with the run id so
 * it can be found and stopped after a crash; GetExperiment is polled (the SDK has no FIS waiter).
 */
export const fisExperimentDefinition = defineFault({
  type: 'fis-experiment',
  schema: fisExperimentFault,
  jsonSchema: oneOfKeys(['templateId', 'templateFile', 'template']),
  resourceRefs: [],
  attachment: { key: 'templateFile', what: 'FIS template', schema: fisTemplateSchema },
  warnings,
  plan,
  async prepare(step, ctx, attached) {
    return [experimentAction({ ...step, stepId: step.id, fault: step.type, template: step.template ?? attached }, ctx)];
  },
  inverses: [stopExperiment, deleteTemplate],
  leftovers: { service: 'fis', what: 'FIS experiments', find: runningExperiments },
  // A template names AWS targets, not scenario resources: no coverage check (see docs/faults).
  affects: () => [],
  confirm: confirmByAction({ 'fis:StartExperiment': experimentConfirmed }),
});
