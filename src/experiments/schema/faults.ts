import { z } from 'zod';
import { fisTemplateSchema } from '../fis-template.js';
import { describeInput, name, positiveDuration, secretRef, strict, stringMap, text } from './common.js';
import { sslSetting } from './probes.js';

/**
 * Fault types. Each names its targets by resource name (see `resources`); the loader checks that the
 * names exist and have the right type. Every destructive fault has an inverse that rollback runs
 * (see plan/ for the exact AWS calls).
 */
const common = {
  id: name.meta({ description: 'Step id, unique among the faults; appears in the journal and report.' }),
  description: text.optional(),
};
const resourceRef = name.meta({ description: 'Name of an entry in resources.' });

export const ec2StopFault = strict({
  ...common,
  type: z.literal('ec2-stop'),
  resource: resourceRef,
  force: z.boolean().default(false).meta({ description: 'Force stop (no graceful OS shutdown).' }),
  startAfter: positiveDuration
    .optional()
    .meta({ description: 'Start the instances again this long after stopping them (else at rollback).' }),
}).meta({ description: 'Stop EC2 instances (inverse: start them).' });

export const ec2RebootFault = strict({ ...common, type: z.literal('ec2-reboot'), resource: resourceRef }).meta({
  description: 'Reboot EC2 instances (no inverse needed).',
});

export const ec2TerminateFault = strict({ ...common, type: z.literal('ec2-terminate'), resource: resourceRef }).meta({
  description: 'Terminate EC2 instances. Irreversible: recovery relies on your Auto Scaling group.',
});

export const elbv2DeregisterFault = strict({
  ...common,
  type: z.literal('elbv2-deregister'),
  resource: resourceRef.meta({ description: 'ec2-instance resource whose instances are deregistered.' }),
  targetGroup: resourceRef.meta({ description: 'elbv2-target-group resource.' }),
}).meta({ description: 'Deregister instances from a target group (inverse: register them again).' });

export const rdsFailoverFault = strict({ ...common, type: z.literal('rds-failover'), resource: resourceRef }).meta({
  description: 'Reboot a Multi-AZ DB instance with failover (the standby becomes primary).',
});

export const auroraFailoverFault = strict({
  ...common,
  type: z.literal('aurora-failover'),
  resource: resourceRef,
  targetInstance: text.optional().meta({ description: 'Replica to promote (default: Aurora chooses).' }),
}).meta({ description: 'Fail over an Aurora cluster to a replica.' });

const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/, {
  error: (iss) => `invalid time ${describeInput(iss.input)}: write RFC 3339, e.g. "2026-01-31T12:00:00Z", or "latest"`,
});

export const restoreSource = z.union(
  [
    z.literal('latest-snapshot'),
    strict({ snapshot: text.meta({ description: 'DB snapshot identifier or ARN.' }) }),
    strict({ pointInTime: z.union([z.literal('latest'), rfc3339]) }),
  ],
  {
    error: (iss) =>
      typeof iss.input === 'string'
        ? `unknown restore source ${describeInput(iss.input)}: use latest-snapshot, {snapshot: id} or {pointInTime: latest | RFC 3339 time}`
        : undefined,
  },
);

const sqlScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const verifyCheck = strict({
  name: name,
  sql: z.string().min(1).meta({ description: 'Read-only query run on the restored database.' }),
  expect: z
    .union([sqlScalar, strict({ rows: z.number().int().min(0) }), strict({ minRows: z.number().int().min(0) })])
    .meta({ description: 'First column of the first row equals this value, or {rows: n} / {minRows: n}.' }),
}).meta({ description: 'A verification query with its expected result.' });

export const rdsRestoreFault = strict({
  ...common,
  type: z.literal('rds-restore'),
  resource: resourceRef.meta({ description: 'rds-instance or aurora-cluster resource to restore from.' }),
  from: restoreSource.meta({ description: 'latest-snapshot, {snapshot: id} or {pointInTime: latest | time}.' }),
  instanceClass: text.optional().meta({ description: 'Class of the restored instance, e.g. db.t3.medium.' }),
  restoredId: name.optional().meta({
    description:
      'Identifier of the restored instance (default: <id>-dp-<run>-<step>; iam-policy scopes the restore to <id>-dp-*).',
  }),
  keep: z.boolean().default(false).meta({ description: 'Keep the restored database after the drill.' }),
  heartbeatProbe: name
    .optional()
    .meta({ description: 'Heartbeat probe whose rows are read back from the restore (RPO).' }),
  connection: strict({
    port: z.number().int().min(1).max(65535).optional(),
    database: text.optional(),
    user: text.optional(),
    password: secretRef.optional(),
    ssl: sslSetting.optional(),
  })
    .optional()
    .meta({ description: 'How to connect to the restored database (default: the heartbeat probe connection).' }),
  verify: z.array(verifyCheck).default([]).meta({ description: 'Checks that prove the restore is usable.' }),
}).meta({ description: 'Restore a backup to a new database and verify it (RTO/RPO of a restore).' });

export const fisExperimentFault = strict({
  ...common,
  type: z.literal('fis-experiment'),
  templateId: text.optional().meta({ description: 'Existing FIS experiment template id (EXT...).' }),
  templateFile: text.optional().meta({ description: 'FIS template JSON file (relative to the scenario).' }),
  template: fisTemplateSchema.optional().meta({ description: 'FIS template inline.' }),
  roleArn: text.optional().meta({ description: 'Overrides the template roleArn (templateFile / template).' }),
})
  .superRefine((f, ctx) => {
    const given = [f.templateId, f.templateFile, f.template].filter((x) => x !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of templateId, templateFile or template',
        input: f,
      });
    }
  })
  .meta({ description: 'Run an AWS FIS experiment (inverse: stop it if still running).' });

export const azImpairmentFault = strict({
  ...common,
  type: z.literal('az-impairment'),
  az: text.meta({ description: 'The Availability Zone to impair, e.g. us-east-1a.' }),
  resources: z
    .array(resourceRef)
    .min(1)
    .meta({ description: 'ec2-instance resources; every selected instance in the AZ is stopped.' }),
  database: resourceRef
    .optional()
    .meta({ description: 'rds-instance or aurora-cluster resource to fail over away from the AZ.' }),
  fis: z
    .boolean()
    .default(false)
    .meta({ description: 'Inject through AWS FIS (aws:ec2:stop-instances + RDS actions) instead of direct calls.' }),
  roleArn: text.optional().meta({ description: 'IAM role FIS assumes (needed with fis: true on AWS).' }),
}).meta({ description: 'All selected instances in one AZ stop, and the database fails over away from it.' });

const argv = z.array(text).min(1, { error: 'a command needs at least the program: [program, args...]' });
export const execFault = strict({
  ...common,
  type: z.literal('exec'),
  command: argv.meta({ description: 'argv, run without a shell.' }),
  inverse: argv.optional().meta({ description: 'argv run by rollback.' }),
  timeout: positiveDuration.default('30s'),
  env: stringMap.optional(),
  cwd: text.optional(),
}).meta({ description: 'Run a command (no shell); exit code 0 = success.' });

const httpCall = {
  url: text,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: stringMap.optional(),
  body: text.optional(),
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  timeout: positiveDuration.default('10s'),
};
export const httpFault = strict({
  ...common,
  type: z.literal('http'),
  ...httpCall,
  inverse: strict(httpCall).optional().meta({ description: 'HTTP call made by rollback.' }),
}).meta({ description: 'Call a URL (e.g. a feature flag or a chaos endpoint).' });

export const FAULT_TYPES = [
  'ec2-stop',
  'ec2-reboot',
  'ec2-terminate',
  'elbv2-deregister',
  'rds-failover',
  'aurora-failover',
  'rds-restore',
  'fis-experiment',
  'az-impairment',
  'exec',
  'http',
] as const;

export const faultSchema = z.discriminatedUnion(
  'type',
  [
    ec2StopFault,
    ec2RebootFault,
    ec2TerminateFault,
    elbv2DeregisterFault,
    rdsFailoverFault,
    auroraFailoverFault,
    rdsRestoreFault,
    fisExperimentFault,
    azImpairmentFault,
    execFault,
    httpFault,
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown fault type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use one of ${FAULT_TYPES.join(', ')}`
        : undefined,
  },
);

export type Fault = z.infer<typeof faultSchema>;
export type FaultType = Fault['type'];
export type FaultOf<T extends FaultType> = Extract<Fault, { type: T }>;
export type RestoreSource = z.infer<typeof restoreSource>;
export type VerifyCheck = z.infer<typeof verifyCheck>;
