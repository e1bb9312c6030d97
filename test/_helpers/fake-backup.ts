import { DrillproofError } from '../../src/errors.js';
import type { FakeTable } from './fake-dynamodb.js';

type Wrap = <I, O>(
  service: string,
  op: string,
  fn: (i: I) => O,
) => (i: I) => Promise<O & { $metadata: { requestId: string; attempts: number } }>;

/** What the fake AWS Backup sees of the fake AWS (restores land in `dbs` / `tables`). */
export interface FakeBackupState {
  dbs: Map<string, { id: string; multiAz: boolean; az: string; status: string; tags: Record<string, string> }>;
  tables: Map<string, FakeTable>;
  /** Aurora restores make a cluster with no member (as AWS Backup does). */
  clusters: Map<string, { id: string; members: string[]; status: string; tags: Record<string, string> }>;
  restoreJobs: Map<string, { status: string; created: string; validation?: string }>;
  /** Recovery points in `lab-vault`: `{arn, resourceArn, created}`. */
  points: { arn: string; resourceArn: string; created: Date }[];
}

const notFound = (what: string) =>
  DrillproofError.user('AwsResourceNotFound', `${what} not found`, {
    details: { awsCode: 'ResourceNotFoundException' },
  });

/** AWS Backup whose restore jobs complete at once, creating the DB instance, cluster or table they name. */
export function backupApi(wrap: Wrap, s: FakeBackupState) {
  const point = (arn: string | undefined) => {
    const p = s.points.find((x) => x.arn === arn);
    if (!p) throw notFound(`recovery point ${arn}`);
    return p;
  };
  return {
    listRecoveryPointsByBackupVault: wrap(
      'backup',
      'ListRecoveryPointsByBackupVault',
      (i: { ByResourceArn?: string }) => ({
        RecoveryPoints: s.points
          .filter((p) => !i.ByResourceArn || p.resourceArn === i.ByResourceArn)
          .map((p) => ({ RecoveryPointArn: p.arn, Status: 'COMPLETED', CreationDate: p.created })),
      }),
    ),
    describeRecoveryPoint: wrap('backup', 'DescribeRecoveryPoint', (i: { RecoveryPointArn?: string }) => {
      const p = point(i.RecoveryPointArn);
      return { RecoveryPointArn: p.arn, Status: 'COMPLETED', CreationDate: p.created };
    }),
    getRecoveryPointRestoreMetadata: wrap(
      'backup',
      'GetRecoveryPointRestoreMetadata',
      (i: { RecoveryPointArn?: string }) => {
        const p = point(i.RecoveryPointArn);
        return {
          RestoreMetadata: p.resourceArn.includes(':dynamodb:')
            ? { targetTableName: 'orig' }
            : p.resourceArn.includes(':cluster:')
              ? { DBClusterIdentifier: 'orig', Engine: 'aurora-postgresql' }
              : { DBInstanceIdentifier: 'orig' },
        };
      },
    ),
    startRestoreJob: wrap(
      'backup',
      'StartRestoreJob',
      (i: { RecoveryPointArn?: string; Metadata?: Record<string, string> }) => {
        const p = point(i.RecoveryPointArn);
        const id = `job-${s.restoreJobs.size + 1}`;
        const md = i.Metadata ?? {};
        if (p.resourceArn.includes(':dynamodb:')) {
          const name = md.targetTableName as string;
          s.tables.set(name, { name, status: 'ACTIVE', tags: {}, pitr: false, items: 3 });
          s.restoreJobs.set(id, { status: 'COMPLETED', created: md.targetTableName as string });
        } else if (p.resourceArn.includes(':cluster:')) {
          const name = md.DBClusterIdentifier as string;
          s.clusters.set(name, { id: name, members: [], status: 'available', tags: {} });
          s.restoreJobs.set(id, { status: 'COMPLETED', created: name });
        } else {
          const name = md.DBInstanceIdentifier as string;
          s.dbs.set(name, { id: name, multiAz: false, az: 'us-east-1a', status: 'available', tags: {} });
          s.restoreJobs.set(id, { status: 'COMPLETED', created: name });
        }
        return { RestoreJobId: id };
      },
    ),
    describeRestoreJob: wrap('backup', 'DescribeRestoreJob', (i: { RestoreJobId?: string }) => {
      const j = s.restoreJobs.get(i.RestoreJobId ?? '');
      if (!j) throw notFound(`restore job ${i.RestoreJobId}`);
      return { RestoreJobId: i.RestoreJobId, Status: j.status, PercentDone: '100.00%', ValidationStatus: j.validation };
    }),
    putRestoreValidationResult: wrap(
      'backup',
      'PutRestoreValidationResult',
      (i: { RestoreJobId?: string; ValidationStatus?: string }) => {
        const j = s.restoreJobs.get(i.RestoreJobId ?? '');
        if (!j) throw notFound(`restore job ${i.RestoreJobId}`);
        j.validation = i.ValidationStatus;
        return {};
      },
    ),
  };
}
