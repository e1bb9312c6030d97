import { z } from 'zod';
import type { AwsApis } from '../../aws/apis.js';
import { strict, tagMap, text } from '../../scenario/common.js';
import { anyOfKeys } from '../../scenario/json-schema.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { missing, rethrowMissing, tagsOf } from './missing.js';

export const dynamoTableSelector = strict({
  type: z.literal('dynamodb-table'),
  name: text.optional().meta({ description: 'Table name.' }),
  tags: tagMap.optional().meta({ description: 'Select the table that carries all these tags (exactly one).' }),
})
  .superRefine((r, ctx) => {
    if (!r.name && !r.tags) {
      ctx.addIssue({
        code: 'custom',
        message: 'a dynamodb-table selector selects nothing: give name or tags',
        input: r,
      });
    }
  })
  .meta({ description: 'A DynamoDB table, by name or by tags.' });

export type DynamoTableSelector = z.infer<typeof dynamoTableSelector>;

export interface ResolvedDynamoTable {
  name: string;
  type: 'dynamodb-table';
  /** The table name. */
  id: string;
  arn: string;
  status: string;
  tags: Record<string, string>;
}

/** `arn:aws:dynamodb:<region>:<account>:table/<name>`, a wildcard name when only run time knows it. */
export function dynamoTableArns(ctx: PlanContext, table: string | undefined): string[] {
  return arns(ctx, 'dynamodb', `table/${known(table) ? table : '*'}`);
}

async function describe(aws: AwsApis, name: string, table: string): Promise<ResolvedDynamoTable> {
  const d = await aws.dynamodb.describeTable({ TableName: table }).catch((err) => rethrowMissing(err, name));
  const t = d.Table;
  if (!t?.TableArn) throw missing(name, `DynamoDB table ${table} not found`);
  const tags = await aws.dynamodb.listTagsOfResource({ ResourceArn: t.TableArn });
  return {
    name,
    type: 'dynamodb-table',
    id: table,
    arn: t.TableArn,
    status: t.TableStatus ?? 'unknown',
    tags: tagsOf(tags.Tags),
  };
}

/** ListTables, then the tags of each (ListTagsOfResource takes an ARN, DescribeTable gives it). */
async function byTags(aws: AwsApis, name: string, want: Record<string, string>): Promise<ResolvedDynamoTable> {
  const list = await aws.dynamodb.listTables({});
  const hits: ResolvedDynamoTable[] = [];
  for (const table of [...(list.TableNames ?? [])].sort()) {
    const r = await describe(aws, name, table).catch(() => undefined);
    if (r && Object.entries(want).every(([k, v]) => r.tags[k] === v)) hits.push(r);
  }
  const tagText = Object.entries(want)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (hits.length === 0) throw missing(name, `no DynamoDB table tagged ${tagText}`);
  if (hits.length > 1) {
    throw missing(
      name,
      `${hits.length} DynamoDB tables tagged ${tagText} (${hits.map((h) => h.id).join(', ')}): name one`,
    );
  }
  return hits[0] as ResolvedDynamoTable;
}

export const dynamoTableResource = defineResource({
  type: 'dynamodb-table',
  schema: dynamoTableSelector,
  jsonSchema: anyOfKeys(['name', 'tags']),
  async resolve(aws, name, sel): Promise<ResolvedDynamoTable> {
    if (sel.name) {
      const r = await describe(aws, name, sel.name);
      const want = Object.entries(sel.tags ?? {});
      if (want.some(([k, v]) => r.tags[k] !== v)) {
        throw missing(
          name,
          `DynamoDB table ${sel.name} does not carry the tags ${want.map(([k, v]) => `${k}=${v}`).join(', ')}`,
        );
      }
      return r;
    }
    return byTags(aws, name, sel.tags ?? {});
  },
  describe: (s) =>
    s.name
      ? `DynamoDB table ${s.name}`
      : `the DynamoDB table tagged ${Object.entries(s.tags ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
  describeResolved: (r) => `${r.id} ${r.status}`,
  arns: (ctx, sel) => dynamoTableArns(ctx, sel?.name),
});
