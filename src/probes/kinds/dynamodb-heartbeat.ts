import { z } from 'zod';
import { strict, text } from '../../scenario/common.js';
import { requireKey } from '../../scenario/json-schema.js';
import { defaultMaxInFlight } from '../config.js';
import { defineProbe } from './definition.js';
import { type DynamoHeartbeatConfig, DynamoHeartbeatDriver } from './dynamodb.js';
import { HeartbeatProbe } from './heartbeat/runner.js';
import { probeScheduleShape } from './schedule.js';

const attribute = z.string().min(1).max(255).meta({ description: 'An attribute name of the table key.' });

export const dynamoHeartbeatSchema = strict({
  ...probeScheduleShape,
  type: z.literal('dynamodb-heartbeat'),
  table: text.meta({ description: 'Table name (the application table or one of its own).' }),
  partitionKey: attribute
    .default('pk')
    .meta({ description: "The table's partition key attribute (type S); holds the run id." }),
  sortKey: attribute
    .default('sk')
    .meta({ description: "The table's sort key attribute (N, or S: seq zero-padded to 20 digits)." }),
  region: text.optional().meta({ description: "Region of the table (default: the scenario target's)." }),
  endpoint: text.optional().meta({
    description:
      "DynamoDB endpoint override (default: the scenario target's; in the lab: the lab.dynamodb.endpoint variable).",
  }),
}).meta({
  description:
    'Conditional PutItem of (run_id, seq, sent_at) every interval, read back with consistent Query after recovery (RPO).',
});

type Entry = z.infer<typeof dynamoHeartbeatSchema>;

/**
 * Credentials from the drill's environment (AWS_ACCESS_KEY_ID ...) when it has them: the first
 * source of the SDK's default chain, read from the environment the drill was given rather than
 * the process's own. Otherwise the default chain (profile, SSO, instance role ...).
 */
function withEnvCredentials(cfg: DynamoHeartbeatConfig, env: NodeJS.ProcessEnv): DynamoHeartbeatConfig {
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!id || !secret || cfg.aws.credentials) return cfg;
  const token = env.AWS_SESSION_TOKEN;
  return {
    ...cfg,
    aws: {
      ...cfg.aws,
      credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) },
    },
  };
}

/**
 * dynamodb-heartbeat: the heartbeat of postgres-heartbeat on a DynamoDB table. The run id is the
 * partition key and seq the sort key, so the items of one run are one Query, and the conditional
 * PutItem makes an SDK retry of a stored write an acknowledgement instead of a duplicate.
 */
export const dynamoHeartbeatKind = defineProbe({
  kind: 'dynamodb-heartbeat',
  schema: dynamoHeartbeatSchema,
  jsonSchema: requireKey('interval'),
  measures: { rto: 'service', rpo: true },
  // What it depends on is the table it writes to, not the regional endpoint every table shares.
  endpoint: (p: Entry) => ({ resource: p.table }),
  toConfig(p, common, ctx): DynamoHeartbeatConfig {
    const region = p.region ?? ctx.region ?? 'us-east-1';
    const endpoint = p.endpoint ?? ctx.endpoint;
    return {
      ...common,
      kind: 'dynamodb-heartbeat',
      maxInFlight: defaultMaxInFlight(common.intervalMs, common.timeoutMs),
      table: p.table,
      partitionKey: p.partitionKey,
      sortKey: p.sortKey,
      aws: { region, ...(endpoint ? { endpoint } : {}) },
      connectTimeoutMs: common.timeoutMs,
    };
  },
  createRunner: (cfg, ctx) =>
    new HeartbeatProbe(
      cfg,
      new DynamoHeartbeatDriver(withEnvCredentials(cfg, ctx.credentials.env)),
      ctx.runId,
      ctx.clock,
    ),
  apiCalls: (p) => {
    const on = { service: 'dynamodb' as const, resourceType: 'dynamodb-table' as const, resource: p.table };
    const where = p.region === undefined ? {} : { region: p.region };
    return [
      {
        ...on,
        ...where,
        operation: 'DescribeTable',
        iamAction: 'dynamodb:DescribeTable',
        note: `probe ${p.name}: the key schema, once`,
      },
      {
        ...on,
        ...where,
        operation: 'PutItem',
        iamAction: 'dynamodb:PutItem',
        note: `probe ${p.name}: one conditional write per sample`,
      },
      {
        ...on,
        ...where,
        operation: 'Query',
        iamAction: 'dynamodb:Query',
        note: `probe ${p.name}: consistent read-back of this run's items`,
      },
    ];
  },
  describe: (p, every) =>
    `conditional PutItem of (run_id, seq, sent_at) into DynamoDB table ${p.table} (key ${p.partitionKey} = run id, ${p.sortKey} = seq) ${every}; consistent Query read-back after recovery`,
});
