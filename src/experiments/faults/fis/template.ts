import { z } from 'zod';
import { describeInput, strict } from '../../../scenario/common.js';

/**
 * An AWS FIS experiment template exactly as `CreateExperimentTemplate` takes it (and as published
 * in aws-samples/fis-template-library): a template file works unchanged, inline in YAML or as a
 * JSON file next to the scenario. Keys follow the FIS API; unknown keys are rejected so typos show.
 */
const ISO_DURATION = /^PT(?:\d+H)?(?:\d+M)?(?:\d+S)?$/;

/** FIS parameters are strings in the API (`"forceFailover": "true"`). */
const fisParams = z.record(
  z.string(),
  z.string({
    error: (iss) =>
      `FIS parameters are strings: write ${JSON.stringify(String(iss.input))} (quoted), got ${describeInput(iss.input)}`,
  }),
);

export const fisTarget = strict({
  resourceType: z.string().regex(/^aws:[a-z0-9-]+:[a-z0-9-]+$/, {
    error: (iss) => `invalid FIS resource type ${describeInput(iss.input)}: e.g. "aws:ec2:instance"`,
  }),
  resourceArns: z.array(z.string()).optional(),
  resourceTags: z.record(z.string(), z.string()).optional(),
  filters: z.array(strict({ path: z.string().min(1), values: z.array(z.string()).min(1) })).optional(),
  selectionMode: z.string().regex(/^(?:ALL|COUNT\(\d+\)|PERCENT\(\d+\))$/, {
    error: (iss) => `invalid selectionMode ${describeInput(iss.input)}: use ALL, COUNT(n) or PERCENT(n)`,
  }),
  parameters: fisParams.optional(),
}).superRefine((t, ctx) => {
  if (t.resourceArns?.length && t.resourceTags && Object.keys(t.resourceTags).length) {
    ctx.addIssue({
      code: 'custom',
      path: ['resourceTags'],
      message: 'FIS does not accept both resourceArns and resourceTags in one target: keep one',
      input: t.resourceTags,
    });
  }
});

export const fisAction = strict({
  actionId: z.string().regex(/^aws:[a-z0-9-]+:[a-z0-9-]+$/, {
    error: (iss) => `invalid FIS action id ${describeInput(iss.input)}: e.g. "aws:ec2:stop-instances"`,
  }),
  description: z.string().optional(),
  parameters: fisParams.optional(),
  targets: z.record(z.string(), z.string()).optional(),
  startAfter: z.array(z.string()).optional(),
  startAfterDelay: z
    .string()
    .regex(ISO_DURATION, { error: 'startAfterDelay is an ISO 8601 duration such as "PT5M"' })
    .optional()
    .meta({
      description:
        'Not part of the AWS FIS API: accepted so published templates load, but dropped before the template is sent (validate warns). Use an aws:fis:wait action instead.',
    }),
});

export const fisTemplateSchema = strict({
  description: z.string().meta({ description: 'Template description (required by FIS).' }),
  targets: z.record(z.string(), fisTarget).default({}),
  actions: z.record(z.string(), fisAction).refine((a) => Object.keys(a).length > 0, {
    error: 'a FIS template needs at least one action',
  }),
  stopConditions: z
    .array(strict({ source: z.string(), value: z.string().optional() }))
    .min(1, { error: 'FIS needs at least one stop condition; use [{source: none}] for none' }),
  roleArn: z.string().min(1),
  tags: z.record(z.string(), z.string()).optional(),
  logConfiguration: z
    .strictObject({
      logSchemaVersion: z.number().int(),
      cloudWatchLogsConfiguration: z.strictObject({ logGroupArn: z.string() }).optional(),
      s3Configuration: z.strictObject({ bucketName: z.string(), prefix: z.string().optional() }).optional(),
    })
    .optional(),
  experimentOptions: strict({
    accountTargeting: z.enum(['single-account', 'multi-account']).optional(),
    emptyTargetResolutionMode: z.enum(['fail', 'skip']).optional(),
    actionsMode: z.enum(['run-all', 'skip-all']).optional(),
  }).optional(),
  experimentReportConfiguration: z.record(z.string(), z.unknown()).optional(),
  clientToken: z.string().optional(),
})
  .superRefine(
    (input, ctx) => {
      // Runs even when other parts are wrong (to list every problem at once), hence the guards.
      const obj = (x: unknown): Record<string, unknown> =>
        x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
      const t = obj(input);
      const targets = obj(t.targets);
      const actions = obj(t.actions);
      for (const [actionName, raw] of Object.entries(actions)) {
        const action = obj(raw);
        for (const [key, target] of Object.entries(obj(action.targets))) {
          if (typeof target === 'string' && !(target in targets)) {
            ctx.addIssue({
              code: 'custom',
              path: ['actions', actionName, 'targets', key],
              message: `action "${actionName}" uses target "${target}", which the template does not define (targets: ${Object.keys(targets).join(', ') || 'none'})`,
              input: target,
            });
          }
        }
        const after = Array.isArray(action.startAfter) ? action.startAfter : [];
        for (const [i, name] of after.entries()) {
          if (typeof name === 'string' && !(name in actions)) {
            ctx.addIssue({
              code: 'custom',
              path: ['actions', actionName, 'startAfter', i],
              message: `action "${actionName}" starts after "${name}", which is not an action of this template`,
              input: name,
            });
          }
        }
      }
      const stops = Array.isArray(t.stopConditions) ? t.stopConditions : [];
      for (const [i, raw] of stops.entries()) {
        const sc = obj(raw);
        if (sc.source === 'aws:cloudwatch:alarm' && !sc.value) {
          ctx.addIssue({
            code: 'custom',
            path: ['stopConditions', i, 'value'],
            message: 'a CloudWatch alarm stop condition needs value: the alarm ARN',
            input: undefined,
          });
        } else if (typeof sc.source === 'string' && sc.source !== 'none' && sc.source !== 'aws:cloudwatch:alarm') {
          ctx.addIssue({
            code: 'custom',
            path: ['stopConditions', i, 'source'],
            message: `unknown stop condition source "${sc.source}": use "none" or "aws:cloudwatch:alarm"`,
            input: sc.source,
          });
        }
      }
    },
    { when: () => true },
  )
  .meta({ description: 'An AWS FIS experiment template (CreateExperimentTemplate input).' });

export type FisTemplate = z.infer<typeof fisTemplateSchema>;

/**
 * FIS actions whose effect drillproof's AWS watchers can follow (instance states, target health,
 * RDS events). Other actions still run through FIS; their effect is seen only through the probes.
 */
export const OBSERVABLE_FIS_ACTIONS: ReadonlySet<string> = new Set([
  'aws:ec2:stop-instances',
  'aws:ec2:reboot-instances',
  'aws:ec2:terminate-instances',
  'aws:rds:reboot-db-instances',
  'aws:rds:failover-db-cluster',
  'aws:fis:wait',
  // Watched through the function's configuration; preflight checks the FIS extension setup.
  'aws:lambda:invocation-error',
  'aws:lambda:invocation-add-delay',
  'aws:lambda:invocation-http-integration-response',
]);

/** IAM actions a FIS action needs (for the FIS experiment role), from the FIS actions reference. */
export const FIS_ACTION_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  'aws:ec2:stop-instances': ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances'],
  'aws:ec2:reboot-instances': ['ec2:RebootInstances', 'ec2:DescribeInstances'],
  'aws:ec2:terminate-instances': ['ec2:TerminateInstances', 'ec2:DescribeInstances'],
  'aws:rds:failover-db-cluster': ['rds:FailoverDBCluster', 'rds:DescribeDBClusters', 'tag:GetResources'],
  'aws:rds:reboot-db-instances': ['rds:RebootDBInstance', 'rds:DescribeDBInstances', 'tag:GetResources'],
  'aws:ecs:stop-task': ['ecs:DescribeTasks', 'ecs:ListTasks', 'ecs:StopTask', 'tag:GetResources'],
  'aws:ecs:drain-container-instances': [
    'ecs:DescribeClusters',
    'ecs:ListContainerInstances',
    'ecs:UpdateContainerInstancesState',
    'tag:GetResources',
  ],
  'aws:cloudwatch:assert-alarm-state': ['cloudwatch:DescribeAlarms'],
  'aws:fis:wait': [],
  // The experiment reads the function's configuration location and writes the fault there.
  'aws:lambda:invocation-error': ['lambda:GetFunction', 's3:PutObject', 's3:DeleteObject', 'tag:GetResources'],
  'aws:lambda:invocation-add-delay': ['lambda:GetFunction', 's3:PutObject', 's3:DeleteObject', 'tag:GetResources'],
  'aws:lambda:invocation-http-integration-response': [
    'lambda:GetFunction',
    's3:PutObject',
    's3:DeleteObject',
    'tag:GetResources',
  ],
};

/** Placeholders like `<YOUR AWS ACCOUNT>` left in a template from a sample library. */
export function templatePlaceholders(t: FisTemplate): string[] {
  const found = new Set<string>();
  const scan = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/<[A-Z][A-Z0-9 _-]*>/g)) found.add(m[0]);
    else if (Array.isArray(v)) v.forEach(scan);
    else if (v && typeof v === 'object') Object.values(v).forEach(scan);
  };
  scan(t);
  return [...found];
}

/** The IAM actions the FIS experiment role needs for these FIS actions, sorted. */
export function fisRoleActions(actionIds: Iterable<string>): string[] {
  return [...new Set([...actionIds].flatMap((a) => FIS_ACTION_PERMISSIONS[a] ?? []))].sort();
}
