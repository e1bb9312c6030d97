import { describe, expect, it } from 'vitest';
import {
  auroraInstanceId,
  chooseRecoveryPoint,
  isDrillRestoreName,
  restoredName,
  restoreMetadata,
  sourceNameOf,
} from '../../../../src/experiments/faults/backup/choose.js';
import { backupRestoreFault } from '../../../../src/experiments/faults/backup/schema.js';

const p = (arn: string, iso: string, Status = 'COMPLETED') => ({
  RecoveryPointArn: arn,
  Status,
  CreationDate: new Date(iso),
});
const points = [
  p('rp-old', '2026-01-01T00:00:00Z'),
  p('rp-mid', '2026-01-02T00:00:00Z'),
  p('rp-new-partial', '2026-01-04T00:00:00Z', 'PARTIAL'),
  p('rp-new', '2026-01-03T00:00:00Z'),
  p('arn:aws:backup:us-east-1:1:recovery-point:continuous:db-X', '2026-01-05T00:00:00Z'),
];
const step = (extra: Record<string, unknown> = {}) =>
  backupRestoreFault.parse({
    id: 'r',
    type: 'backup-restore',
    resourceType: 'rds-instance',
    resource: 'db',
    vault: 'v',
    iamRoleArn: 'arn:aws:iam::1:role/r',
    ...extra,
  });

describe('backup-restore recovery point choice', () => {
  it('latest: the newest completed snapshot point, never a partial or continuous one', () => {
    expect(chooseRecoveryPoint(points, 'latest')?.RecoveryPointArn).toBe('rp-new');
  });
  it('before: the newest at or before the time', () => {
    expect(chooseRecoveryPoint(points, { before: '2026-01-02T12:00:00Z' })?.RecoveryPointArn).toBe('rp-mid');
    expect(chooseRecoveryPoint(points, { before: '2026-01-02T00:00:00Z' })?.RecoveryPointArn).toBe('rp-mid');
    expect(chooseRecoveryPoint(points, { before: '2025-12-31T00:00:00Z' })).toBeUndefined();
  });
  it('a DynamoDB point in either ARN form is a snapshot point (opaque, never continuous)', () => {
    const advanced = 'arn:aws:backup:us-east-1:1:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45';
    const native = 'arn:aws:dynamodb:us-east-1:1:table/t/backup/01489602797149-73d8d5bc';
    for (const [newer, older] of [
      [advanced, native],
      [native, advanced],
    ] as const) {
      const two = [p(older, '2026-01-01T00:00:00Z'), p(newer, '2026-01-02T00:00:00Z')];
      expect(chooseRecoveryPoint(two, 'latest')?.RecoveryPointArn).toBe(newer);
      expect(chooseRecoveryPoint(two, { before: '2026-01-01T12:00:00Z' })?.RecoveryPointArn).toBe(older);
      expect(chooseRecoveryPoint(two, { arn: older })?.RecoveryPointArn).toBe(older);
    }
  });
  it('arn: exactly that point', () => {
    expect(chooseRecoveryPoint(points, { arn: 'rp-old' })?.RecoveryPointArn).toBe('rp-old');
  });
});

describe('backup-restore schema and metadata', () => {
  it('defaults to the latest point and deletes the restore', () => {
    const s = step();
    expect(s.recoveryPoint).toBe('latest');
    expect(s.keep).toBe(false);
  });
  it('rejects an unknown resource type and requires the restore role', () => {
    expect(backupRestoreFault.safeParse({ ...step(), resourceType: 'redshift' }).success).toBe(false);
    const { iamRoleArn: _, ...noRole } = step();
    expect(backupRestoreFault.safeParse(noRole).success).toBe(false);
  });
  it('overrides name, subnet group, security groups and class on the RDS metadata', () => {
    const md = restoreMetadata(
      step({
        overrides: { dbSubnetGroupName: 'sub', vpcSecurityGroupIds: ['sg-1', 'sg-2'], instanceClass: 'db.t3.small' },
      }),
      { DBInstanceIdentifier: 'db', DBInstanceClass: 'db.r6g.large', Engine: 'postgres' },
      'db-dp-x',
    );
    expect(md).toEqual({
      DBInstanceIdentifier: 'db-dp-x',
      DBInstanceClass: 'db.t3.small',
      Engine: 'postgres',
      DBSubnetGroupName: 'sub',
      VpcSecurityGroupIds: '["sg-1","sg-2"]',
    });
  });
  it('an override replaces a key spelled in another case (AWS Backup reads keys case-insensitively)', () => {
    const md = restoreMetadata(
      step({ overrides: { dbSubnetGroupName: 'sub' } }),
      { dbinstanceidentifier: 'db', dbSubnetGroupName: 'default', Engine: 'postgres' },
      'db-dp-x',
    );
    expect(md).toEqual({ Engine: 'postgres', DBInstanceIdentifier: 'db-dp-x', DBSubnetGroupName: 'sub' });
    const t = restoreMetadata(step({ resourceType: 'dynamodb-table' }), { TargetTableName: 'orders' }, 'o-dp-x');
    expect(t).toEqual({ targetTableName: 'o-dp-x' });
  });
  it('names a DynamoDB restore with targetTableName', () => {
    const md = restoreMetadata(
      step({ resourceType: 'dynamodb-table' }),
      { targetTableName: 'orders', encryptionType: 'Default' },
      'orders-dp-x',
    );
    expect(md).toEqual({ targetTableName: 'orders-dp-x', encryptionType: 'Default' });
  });
  it('kept restores are named so sweep leaves them alone', () => {
    const run = '20261122T074500Z-lab-backup-3f9a';
    const gone = restoredName(step(), 'lab-db', run);
    const kept = restoredName(step({ keep: true }), 'lab-db', run);
    expect(gone).toBe('lab-db-dp-20261122t074500z-3f9a-r');
    expect(isDrillRestoreName(gone)).toBe(true);
    expect(kept.endsWith('-keep')).toBe(true);
    expect(isDrillRestoreName(kept)).toBe(false);
  });
  it("Aurora: the new name is DBClusterIdentifier; the class is the added instance's, not metadata", () => {
    // GetRecoveryPointRestoreMetadata of an Aurora point: RestoreDBClusterFromSnapshot's parameters.
    const got = {
      DBClusterIdentifier: 'shop-aurora',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      AvailabilityZones: '["us-east-1a","us-east-1b"]',
      dbsubnetgroupname: 'default',
    };
    const md = restoreMetadata(
      step({
        resourceType: 'aurora-cluster',
        resource: 'cluster',
        overrides: { dbSubnetGroupName: 'sub', vpcSecurityGroupIds: ['sg-1'], instanceClass: 'db.r6g.large' },
      }),
      got,
      'shop-aurora-dp-x',
    );
    expect(md).toEqual({
      DBClusterIdentifier: 'shop-aurora-dp-x',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      AvailabilityZones: '["us-east-1a","us-east-1b"]',
      DBSubnetGroupName: 'sub',
      VpcSecurityGroupIds: '["sg-1"]',
    });
    expect(md).not.toHaveProperty('DBInstanceIdentifier');
    expect(md).not.toHaveProperty('DBInstanceClass');
  });
  it('Aurora: the source name comes from the cluster ARN, the instance is <cluster>-1 within 63 characters', () => {
    expect(sourceNameOf('arn:aws:rds:us-east-1:1:cluster:shop-aurora')).toBe('shop-aurora');
    expect(sourceNameOf('arn:aws:rds:us-east-1:1:db:shop-db')).toBe('shop-db');
    const name = restoredName(step({ resourceType: 'aurora-cluster' }), 'shop-aurora', '20261122T074500Z-x-3f9a');
    expect(name).toBe('shop-aurora-dp-20261122t074500z-3f9a-r');
    expect(auroraInstanceId(name)).toBe(`${name}-1`);
    const long = `a${'-b'.repeat(31)}`.slice(0, 63);
    const id = auroraInstanceId(long);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(id).not.toContain('--');
    expect(id.endsWith('-1')).toBe(true);
  });
});
