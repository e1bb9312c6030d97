import { sleep } from '../node-entry.js';
import { DynamoLab, type DynamoLabOptions } from './engine.js';

export const DDB_TABLE = 'lab-app';

/** The lab's table: `pk` (S) + `sk` (N), on-demand, point-in-time recovery on, a few app items. */
export const DDB_TABLE_INPUT = {
  TableName: DDB_TABLE,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
  ],
  Tags: [
    { Key: 'drillproof', Value: 'allowed' },
    { Key: 'app', Value: 'web' },
  ],
};

export const DDB_SEED_ITEMS = [1, 2, 3].map((n) => ({
  pk: { S: 'order' },
  sk: { N: String(n) },
  status: { S: 'paid' },
  total: { N: String(n * 10) },
}));

async function waitActive(lab: DynamoLab, name: string): Promise<void> {
  while ((await lab.describe(name)).TableStatus !== 'ACTIVE') await sleep(20);
}

/** Starts the lab's DynamoDB with `lab-app` created, seeded and with PITR enabled. */
export async function startDynamo(o: DynamoLabOptions): Promise<DynamoLab> {
  const lab = new DynamoLab(o);
  await lab.start();
  const created = await lab.call<{ TableDescription: Record<string, unknown> }>('CreateTable', DDB_TABLE_INPUT);
  const meta = lab.track(created.TableDescription);
  await waitActive(lab, DDB_TABLE);
  // dynalite drops CreateTable's Tags.
  await lab.call('TagResource', { ResourceArn: meta.arn, Tags: DDB_TABLE_INPUT.Tags });
  const at = Date.now();
  for (const Item of DDB_SEED_ITEMS) {
    await lab.call('PutItem', { TableName: DDB_TABLE, Item });
    meta.history.record(at, Item, Item);
  }
  meta.pitr = { enabledAt: new Date(), recoveryPeriodInDays: 35 };
  return lab;
}

/** Back to the initial tables: every table but `lab-app` deleted (its data and backups stay). */
export async function resetDynamo(lab: DynamoLab): Promise<void> {
  for (const name of [...lab.tables.keys()]) {
    if (name === DDB_TABLE) continue;
    const meta = lab.tables.get(name);
    while (meta?.restore?.inProgress) await sleep(20);
    lab.tables.delete(name);
    await lab.call('DeleteTable', { TableName: name }).catch(() => {});
  }
}
