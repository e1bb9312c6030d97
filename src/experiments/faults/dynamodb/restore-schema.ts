import { z } from 'zod';
import { describeInput, name, strict, text } from '../../../scenario/common.js';
import { resourceName, stepShape } from '../step.js';

const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/, {
  error: (iss) => `invalid time ${describeInput(iss.input)}: write RFC 3339, e.g. "2026-01-31T12:00:00Z", or "latest"`,
});

/** An item (or key) in DynamoDB JSON, as the AWS CLI writes it: `{pk: {S: order}, sk: {N: "1"}}`. */
const dynamoItem = z
  .record(z.string().min(1), z.record(z.string(), z.unknown()))
  .meta({ description: 'Attributes in DynamoDB JSON, e.g. {pk: {S: order}, sk: {N: "1"}}.' });

export const dynamoRestoreSource = z.union(
  [
    strict({ pointInTime: z.union([z.literal('latest'), rfc3339]) }),
    strict({ backup: text.meta({ description: 'ARN of an on-demand backup of the table.' }) }),
  ],
  {
    error: () => 'unknown restore source: use {pointInTime: latest | RFC 3339 time} or {backup: <backup ARN>}',
  },
);

const getItemCheck = strict({
  name,
  getItem: strict({ key: dynamoItem }),
  expect: z.union([strict({ item: dynamoItem }), strict({ absent: z.literal(true) })]).meta({
    description: '{item: attributes it must have (extra attributes allowed)} or {absent: true}.',
  }),
});

const queryCheck = strict({
  name,
  query: strict({
    keyCondition: text.meta({ description: 'KeyConditionExpression, e.g. "pk = :pk".' }),
    values: dynamoItem.meta({ description: 'ExpressionAttributeValues, e.g. {":pk": {S: order}}.' }),
    names: z.record(z.string(), z.string()).optional().meta({ description: 'ExpressionAttributeNames.' }),
    index: text.optional().meta({ description: 'Query this index instead of the table (eventually consistent).' }),
  }),
  expect: z
    .union([strict({ count: z.number().int().min(0) }), strict({ items: z.array(dynamoItem) })])
    .meta({ description: '{count: n} or {items: [...]} in key order (attributes compared as listed).' }),
});

export const dynamoVerifyCheck = z
  .union([getItemCheck, queryCheck], {
    error: () => 'a dynamodb-restore check has getItem {key} or query {keyCondition, values}, and an expect',
  })
  .meta({ description: 'A GetItem or Query on the restored table with what it must return.' });

export const dynamoRestoreFault = strict({
  ...stepShape,
  type: z.literal('dynamodb-restore'),
  resource: resourceName.meta({ description: 'dynamodb-table resource to restore.' }),
  from: dynamoRestoreSource.meta({
    description: '{pointInTime: latest | time} (continuous backups) or {backup: ARN} (on-demand backup).',
  }),
  restoredName: name.optional().meta({
    description:
      'Name of the restored table (default: <table>-dp-<run>-<step>; iam-policy scopes the restore to <table>-dp-*).',
  }),
  keep: z.boolean().default(false).meta({ description: 'Keep the restored table after the drill.' }),
  heartbeatProbe: name
    .optional()
    .meta({ description: 'dynamodb-heartbeat probe whose items are read back from the restored table (RPO).' }),
  verify: z.array(dynamoVerifyCheck).default([]).meta({ description: 'Checks that prove the restore is usable.' }),
}).meta({ description: 'Restore a DynamoDB table to a new table and verify it (RTO/RPO of a restore).' });

export type DynamoRestoreStep = z.infer<typeof dynamoRestoreFault>;
