import { DrillproofError } from '../../src/errors.js';

type Wrap = <I, O>(
  service: string,
  op: string,
  fn: (i: I) => O,
) => (i: I) => Promise<O & { $metadata: { requestId: string; attempts: number } }>;

/** What the fake AWS Backup and DynamoDB hold (restores land in `dbs` / `tables`). */
export interface FakeBackupState {
  dbs: Map<string, { id: string; multiAz: boolean; az: string; status: string; tags: Record<string, string> }>;
  tables: Map<string, { status: string; items: number }>;
  restoreJobs: Map<string, { status: string; created: string; validation?: string }>;
  /** Recovery points in `lab-vault`: `{arn, resourceArn, created}`. */
  points: { arn: string; resourceArn: string; created: Date }[];
}

const notFound = (what: string) =>
  DrillproofError.user('AwsResourceNotFound', `${what} not found`, {
    details: { awsCode: 'ResourceNotFoundException' },
  });

/** AWS Backup whose restore jobs complete at once, creating the DB instance or table they name. */
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
          s.tables.set(md.targetTableName as string, { status: 'ACTIVE', items: 3 });
          s.restoreJobs.set(id, { status: 'COMPLETED', created: md.targetTableName as string });
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

export function dynamodbApi(wrap: Wrap, s: FakeBackupState) {
  const table = (n: string | undefined) => {
    const t = s.tables.get(n ?? '');
    if (!t) throw notFound(`table ${n}`);
    return t;
  };
  return {
    describeTable: wrap('dynamodb', 'DescribeTable', (i: { TableName?: string }) => ({
      Table: { TableName: i.TableName, TableStatus: table(i.TableName).status },
    })),
    listTables: wrap('dynamodb', 'ListTables', () => ({ TableNames: [...s.tables.keys()] })),
    scan: wrap('dynamodb', 'Scan', (i: { TableName?: string }) => ({ Count: table(i.TableName).items })),
    deleteTable: wrap('dynamodb', 'DeleteTable', (i: { TableName?: string }) => {
      table(i.TableName);
      s.tables.delete(i.TableName as string);
      return {};
    }),
  };
}
