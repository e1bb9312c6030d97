import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy } from '../../../../src/experiments/iam-policy.js';
import { loadScenarioFile } from '../../../../src/experiments/load.js';
import { buildPlan } from '../../../../src/experiments/plan/build.js';
import { globMatch } from '../../../../src/lab/api/auth.js';
import { repoRoot } from '../../../_helpers/scenario-files.js';

/**
 * A DynamoDB recovery point has one of two ARNs (AWS Backup Developer Guide, "Advanced DynamoDB
 * backup"; Backup API StartBackupJob RecoveryPointArn): the AWS Backup form with the advanced
 * features for DynamoDB on, the DynamoDB backup form without them. The generated policy must let
 * the restore calls act on either.
 */
const ADVANCED = 'arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45';
const NATIVE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc';
const RDS_SNAPSHOT = 'arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1eb3b5e7-9eb0-435a-a80b-108b488b0d45';

function allows(file: string, action: string, arn: string): boolean {
  const l = loadScenarioFile(file);
  const policy = buildIamPolicy(
    buildPlan({ scenario: l.scenario, path: file, sha256: l.sha256, attachments: l.attachments }),
  );
  return policy.Statement.some((s) => s.Action.includes(action) && [s.Resource].flat().some((r) => globMatch(r, arn)));
}

const RDS_CLUSTER_SNAPSHOT =
  'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-1eb3b5e7-9eb0-435a-a80b-108b488b0d45';

const RESTORE_CALLS = ['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob'];

describe('backup-restore policy: the recovery point ARN forms', () => {
  for (const dir of ['aws', 'lab']) {
    const ddb = join(repoRoot, 'scenarios', dir, 'backup-restore-dynamodb.yaml');
    const rds = join(repoRoot, 'scenarios', dir, 'backup-restore-rds.yaml');
    it(`${dir}: DynamoDB restores are allowed on an advanced (AWS Backup) and a DynamoDB backup ARN`, () => {
      for (const action of RESTORE_CALLS) {
        expect(allows(ddb, action, ADVANCED), `${action} ${ADVANCED}`).toBe(true);
        expect(allows(ddb, action, NATIVE), `${action} ${NATIVE}`).toBe(true);
      }
    });
    it(`${dir}: RDS restores are allowed on the snapshot AWS Backup took, not on a DynamoDB backup`, () => {
      for (const action of RESTORE_CALLS) {
        expect(allows(rds, action, RDS_SNAPSHOT), `${action} ${RDS_SNAPSHOT}`).toBe(true);
        expect(allows(rds, action, NATIVE), `${action} ${NATIVE}`).toBe(false);
      }
    });
    const aurora = join(repoRoot, 'scenarios', dir, 'backup-restore-aurora.yaml');
    it(`${dir}: Aurora restores are allowed on the cluster snapshot AWS Backup took, not on an instance snapshot`, () => {
      for (const action of RESTORE_CALLS) {
        expect(allows(aurora, action, RDS_CLUSTER_SNAPSHOT), `${action} ${RDS_CLUSTER_SNAPSHOT}`).toBe(true);
        expect(allows(aurora, action, RDS_SNAPSHOT), `${action} ${RDS_SNAPSHOT}`).toBe(false);
      }
    });
    it(`${dir}: the instance the Aurora drill adds, and its deletes, are allowed on <source>-dp-* only`, () => {
      const acct = dir === 'aws' ? '123456789012' : '000000000000';
      const src = dir === 'aws' ? 'shop-aurora' : 'lab-aurora';
      const name = `${src}-dp-20261202t010000z-abcd-restore`;
      const db = `arn:aws:rds:us-east-1:${acct}:db:${name}-1`;
      const cluster = `arn:aws:rds:us-east-1:${acct}:cluster:${name}`;
      // rds:CreateDBInstance is authorized on the new instance and on the cluster it joins.
      expect(allows(aurora, 'rds:CreateDBInstance', db)).toBe(true);
      expect(allows(aurora, 'rds:CreateDBInstance', cluster)).toBe(true);
      expect(allows(aurora, 'rds:DeleteDBInstance', db)).toBe(true);
      expect(allows(aurora, 'rds:DeleteDBCluster', cluster)).toBe(true);
      // Never the source cluster or its instances.
      expect(allows(aurora, 'rds:DeleteDBCluster', `arn:aws:rds:us-east-1:${acct}:cluster:${src}`)).toBe(false);
      expect(allows(aurora, 'rds:DeleteDBInstance', `arn:aws:rds:us-east-1:${acct}:db:${src}-1`)).toBe(false);
      expect(allows(aurora, 'rds:CreateDBInstance', `arn:aws:rds:us-east-1:${acct}:cluster:${src}`)).toBe(false);
      expect(allows(aurora, 'iam:PassRole', `arn:aws:iam::${acct}:role/service-role/AWSBackupDefaultServiceRole`)).toBe(
        true,
      );
    });
  }
});
