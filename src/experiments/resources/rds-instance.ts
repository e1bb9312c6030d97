import { z } from 'zod';
import { strict, text } from '../../scenario/common.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { missing, rethrowMissing, tagsOf } from './missing.js';

export const rdsInstanceSelector = strict({
  type: z.literal('rds-instance'),
  id: text.meta({ description: 'DB instance identifier.' }),
}).meta({ description: 'An RDS DB instance (Multi-AZ for failover drills).' });

export type RdsInstanceSelector = z.infer<typeof rdsInstanceSelector>;

export interface ResolvedDbInstance {
  name: string;
  type: 'rds-instance';
  id: string;
  /** DBInstanceArn (tag calls name the instance by it, the lease among them). */
  arn?: string;
  status: string;
  multiAz: boolean;
  az: string | null;
  secondaryAz: string | null;
  endpoint: { host: string; port: number } | null;
  tags: Record<string, string>;
}

/** `arn:aws:rds:<region>:<account>:db:<id>`, a wildcard id when only run time knows it. */
export function dbInstanceArns(ctx: PlanContext, id: string | undefined): string[] {
  return arns(ctx, 'rds', `db:${known(id) ? id : '*'}`);
}

export const rdsInstanceResource = defineResource({
  type: 'rds-instance',
  schema: rdsInstanceSelector,
  async resolve(aws, name, sel): Promise<ResolvedDbInstance> {
    const id = sel.id;
    const res = await aws.rds
      .describeDBInstances({ DBInstanceIdentifier: id })
      .catch((err) => rethrowMissing(err, name));
    const db = res.DBInstances?.[0];
    if (!db) throw missing(name, `DB instance ${id} not found`);
    return {
      name,
      type: 'rds-instance',
      id,
      ...(db.DBInstanceArn ? { arn: db.DBInstanceArn } : {}),
      status: db.DBInstanceStatus ?? 'unknown',
      multiAz: db.MultiAZ === true,
      az: db.AvailabilityZone ?? null,
      secondaryAz: db.SecondaryAvailabilityZone ?? null,
      endpoint: db.Endpoint?.Address ? { host: db.Endpoint.Address, port: db.Endpoint.Port ?? 5432 } : null,
      tags: tagsOf(db.TagList),
    };
  },
  describe: (r) => `RDS DB instance ${r.id}`,
  describeResolved: (r) => `${r.id} ${r.status}${r.multiAz ? ' multi-az' : ''} primary ${r.az ?? '?'}`,
  arns: (ctx, sel) => dbInstanceArns(ctx, sel?.id),
});
