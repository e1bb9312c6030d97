import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDbApi } from './apis.js';

/** An item in DynamoDB JSON, as the AWS CLI writes it: `{ "pk": { "S": "order" } }`. */
export type DynamoItem = Record<string, AttributeValue>;

/**
 * A verification of a (restored) table: one GetItem or one Query, with what it must return.
 * Expected items are compared on the attributes they list (extra attributes are allowed).
 */
export type DynamoCheck =
  | { name: string; getItem: { key: DynamoItem }; expect: { item: DynamoItem } | { absent: true } }
  | {
      name: string;
      query: {
        keyCondition: string;
        values: DynamoItem;
        names?: Record<string, string>;
        index?: string;
      };
      expect: { count: number } | { items: DynamoItem[] };
    };

export interface DynamoCheckResult {
  name: string;
  ok: boolean;
  /** What was asked, for the report (`GetItem lab-app {"pk":...}`). */
  call: string;
  expected: unknown;
  actual: unknown;
  /** The call failed (the table is not there, access denied ...). */
  error?: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The expected item's attributes, taken from the actual item (for a readable report). */
function project(actual: DynamoItem | undefined, like: DynamoItem): DynamoItem | null {
  if (!actual) return null;
  return Object.fromEntries(Object.keys(like).map((k) => [k, actual[k] ?? null])) as DynamoItem;
}

/** Every item the query matches (the API reads all pages, see clients.ts). */
async function queryAll(
  api: Pick<DynamoDbApi, 'query'>,
  table: string,
  q: Extract<DynamoCheck, { query: unknown }>['query'],
): Promise<DynamoItem[]> {
  const r = await api.query({
    TableName: table,
    KeyConditionExpression: q.keyCondition,
    ExpressionAttributeValues: q.values,
    ...(q.names ? { ExpressionAttributeNames: q.names } : {}),
    ...(q.index ? { IndexName: q.index } : { ConsistentRead: true }),
  });
  return (r.Items ?? []) as DynamoItem[];
}

/** Runs each check against `table` (consistent reads on the base table); never throws for a failed check. */
export async function runDynamoChecks(
  api: Pick<DynamoDbApi, 'getItem' | 'query'>,
  table: string,
  checks: DynamoCheck[],
): Promise<DynamoCheckResult[]> {
  const out: DynamoCheckResult[] = [];
  for (const c of checks) {
    if ('getItem' in c) {
      const call = `GetItem ${table} ${JSON.stringify(c.getItem.key)}`;
      const expected = 'absent' in c.expect ? null : c.expect.item;
      try {
        const r = await api.getItem({ TableName: table, Key: c.getItem.key, ConsistentRead: true });
        const item = r.Item as DynamoItem | undefined;
        const actual = expected === null ? (item ?? null) : project(item, expected);
        out.push({ name: c.name, ok: same(actual, expected), call, expected, actual });
      } catch (e) {
        out.push({ name: c.name, ok: false, call, expected, actual: null, error: (e as Error).message });
      }
      continue;
    }
    const call = `Query ${table}${c.query.index ? ` index ${c.query.index}` : ''} ${c.query.keyCondition} ${JSON.stringify(c.query.values)}`;
    const expected = 'count' in c.expect ? { count: c.expect.count } : { items: c.expect.items };
    try {
      const items = await queryAll(api, table, c.query);
      if ('count' in c.expect) {
        out.push({
          name: c.name,
          ok: items.length === c.expect.count,
          call,
          expected,
          actual: { count: items.length },
        });
      } else {
        const want = c.expect.items;
        const got = items.map((it, i) => project(it, want[i] ?? it));
        out.push({ name: c.name, ok: same(got, want), call, expected, actual: { items: got } });
      }
    } catch (e) {
      out.push({ name: c.name, ok: false, call, expected, actual: null, error: (e as Error).message });
    }
  }
  return out;
}
