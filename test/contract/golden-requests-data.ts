import {
  DescribeAutoScalingGroupsCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByResourceCommand,
  PutRestoreValidationResultCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
} from '@aws-sdk/client-dynamodb';
import type { Golden } from './golden-requests.js';
import {
  A,
  AS_NS,
  AT,
  asEmpty,
  BACKUP,
  ddbWire,
  JOB,
  json,
  processes,
  processesWire,
  query,
  RP,
  TABLE,
  xml,
} from './golden-shared.js';

/** DynamoDB and AWS Backup restores, Auto Scaling processes. */
export const DATA_GOLDEN: Golden[] = [
  {
    service: 'dynamodb',
    operation: 'RestoreTableToPointInTime',
    command: new RestoreTableToPointInTimeCommand({
      SourceTableName: 'lab-app',
      TargetTableName: 'lab-app-dp-r1',
      RestoreDateTime: AT,
    }),
    wire: ddbWire('RestoreTableToPointInTime', {
      SourceTableName: 'lab-app',
      TargetTableName: 'lab-app-dp-r1',
      RestoreDateTime: 1772366400,
    }),
    answer: {
      body: json({
        TableDescription: {
          TableName: 'lab-app-dp-r1',
          TableStatus: 'CREATING',
          RestoreSummary: { SourceTableArn: TABLE, RestoreDateTime: 1772366400, RestoreInProgress: true },
        },
      }),
    },
    reads: (o) => (o.TableDescription as { TableStatus: string }).TableStatus,
    expect: 'CREATING',
  },
  {
    service: 'dynamodb',
    operation: 'RestoreTableFromBackup',
    command: new RestoreTableFromBackupCommand({ TargetTableName: 'lab-app-dp-r2', BackupArn: BACKUP }),
    wire: ddbWire('RestoreTableFromBackup', { TargetTableName: 'lab-app-dp-r2', BackupArn: BACKUP }),
    answer: { body: json({ TableDescription: { TableName: 'lab-app-dp-r2', TableStatus: 'CREATING' } }) },
    reads: (o) => (o.TableDescription as { TableName: string }).TableName,
    expect: 'lab-app-dp-r2',
  },
  {
    service: 'dynamodb',
    operation: 'DescribeContinuousBackups',
    command: new DescribeContinuousBackupsCommand({ TableName: 'lab-app' }),
    wire: ddbWire('DescribeContinuousBackups', { TableName: 'lab-app' }),
    answer: {
      body: json({
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: {
            PointInTimeRecoveryStatus: 'ENABLED',
            LatestRestorableDateTime: 1772366400,
          },
        },
      }),
    },
    reads: (o) =>
      (
        o.ContinuousBackupsDescription as { PointInTimeRecoveryDescription: { LatestRestorableDateTime: Date } }
      ).PointInTimeRecoveryDescription.LatestRestorableDateTime.toISOString(),
    expect: '2026-03-01T12:00:00.000Z',
  },
  {
    service: 'dynamodb',
    operation: 'DeleteTable',
    command: new DeleteTableCommand({ TableName: 'lab-app-dp-r1' }),
    wire: ddbWire('DeleteTable', { TableName: 'lab-app-dp-r1' }),
    answer: { body: json({ TableDescription: { TableName: 'lab-app-dp-r1', TableStatus: 'DELETING' } }) },
    reads: (o) => (o.TableDescription as { TableStatus: string }).TableStatus,
    expect: 'DELETING',
  },
  {
    service: 'backup',
    operation: 'StartRestoreJob',
    command: new StartRestoreJobCommand({
      RecoveryPointArn: RP,
      Metadata: { targetTableName: 'lab-app-dp-r3' },
      IamRoleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
      ResourceType: 'DynamoDB',
      IdempotencyToken: 'dp-r3',
    }),
    wire: {
      method: 'PUT',
      path: '/restore-jobs',
      headers: { 'content-type': 'application/json' },
      body: {
        RecoveryPointArn: RP,
        Metadata: { targetTableName: 'lab-app-dp-r3' },
        IamRoleArn: 'arn:aws:iam::000000000000:role/service-role/AWSBackupDefaultServiceRole',
        ResourceType: 'DynamoDB',
        IdempotencyToken: 'dp-r3',
      },
    },
    answer: { body: json({ RestoreJobId: JOB }) },
    reads: (o) => o.RestoreJobId,
    expect: JOB,
  },
  {
    service: 'backup',
    operation: 'DescribeRestoreJob',
    command: new DescribeRestoreJobCommand({ RestoreJobId: JOB }),
    wire: { method: 'GET', path: `/restore-jobs/${JOB}` },
    answer: {
      body: json({
        RestoreJobId: JOB,
        Status: 'COMPLETED',
        CreatedResourceArn: `arn:aws:dynamodb:${A}:table/lab-app-dp-r3`,
        CompletionDate: 1772366460,
      }),
    },
    reads: (o) => [o.Status, (o.CompletionDate as Date).toISOString()],
    expect: ['COMPLETED', '2026-03-01T12:01:00.000Z'],
  },
  {
    service: 'backup',
    operation: 'PutRestoreValidationResult',
    command: new PutRestoreValidationResultCommand({
      RestoreJobId: JOB,
      ValidationStatus: 'SUCCESSFUL',
      ValidationStatusMessage: 'drillproof: 3 of 3 checks passed',
    }),
    wire: {
      method: 'PUT',
      path: `/restore-jobs/${JOB}/validations`,
      headers: { 'content-type': 'application/json' },
      body: { ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: 'drillproof: 3 of 3 checks passed' },
    },
    answer: { status: 204, body: '' },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 204,
  },
  {
    service: 'backup',
    operation: 'GetRecoveryPointRestoreMetadata',
    command: new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: 'lab-vault', RecoveryPointArn: RP }),
    wire: {
      method: 'GET',
      path: `/backup-vaults/lab-vault/recovery-points/${encodeURIComponent(RP)}/restore-metadata`,
    },
    answer: {
      body: json({ RecoveryPointArn: RP, RestoreMetadata: { targetTableName: 'lab-app' }, ResourceType: 'DynamoDB' }),
    },
    reads: (o) => o.RestoreMetadata,
    expect: { targetTableName: 'lab-app' },
  },
  {
    service: 'backup',
    operation: 'ListRecoveryPointsByResource',
    command: new ListRecoveryPointsByResourceCommand({ ResourceArn: TABLE, MaxResults: 100 }),
    wire: {
      method: 'GET',
      path: `/resources/${encodeURIComponent(TABLE)}/recovery-points`,
      query: { maxResults: '100' },
    },
    answer: {
      body: json({ RecoveryPoints: [{ RecoveryPointArn: RP, Status: 'COMPLETED', CreationDate: 1772366400 }] }),
    },
    reads: (o) => (o.RecoveryPoints as { RecoveryPointArn: string }[]).map((r) => r.RecoveryPointArn),
    expect: [RP],
  },
  {
    service: 'autoscaling',
    operation: 'DescribeAutoScalingGroups',
    command: new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-asg'] }),
    wire: query({
      Action: 'DescribeAutoScalingGroups',
      Version: '2011-01-01',
      'AutoScalingGroupNames.member.1': 'web-asg',
    }),
    answer: {
      body: xml(
        'DescribeAutoScalingGroups',
        AS_NS,
        '<AutoScalingGroups><member><AutoScalingGroupName>web-asg</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>4</MaxSize><DesiredCapacity>2</DesiredCapacity><DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>us-east-1a</member></AvailabilityZones><HealthCheckType>ELB</HealthCheckType><CreatedTime>2026-03-01T12:00:00.000Z</CreatedTime><SuspendedProcesses><member><ProcessName>Launch</ProcessName><SuspensionReason>User suspended</SuspensionReason></member></SuspendedProcesses></member></AutoScalingGroups>',
      ),
    },
    reads: (o) =>
      (o.AutoScalingGroups as { SuspendedProcesses: { ProcessName: string }[] }[]).map((g) =>
        g.SuspendedProcesses.map((p) => p.ProcessName),
      ),
    expect: [['Launch']],
  },
  {
    service: 'autoscaling',
    operation: 'SuspendProcesses',
    command: new SuspendProcessesCommand(processes),
    wire: processesWire('SuspendProcesses'),
    answer: { body: asEmpty('SuspendProcesses') },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 200,
  },
  {
    service: 'autoscaling',
    operation: 'ResumeProcesses',
    command: new ResumeProcessesCommand(processes),
    wire: processesWire('ResumeProcesses'),
    answer: { body: asEmpty('ResumeProcesses') },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 200,
  },
  {
    service: 'autoscaling',
    operation: 'SetDesiredCapacity',
    command: new SetDesiredCapacityCommand({
      AutoScalingGroupName: 'web-asg',
      DesiredCapacity: 2,
      HonorCooldown: false,
    }),
    wire: query({
      Action: 'SetDesiredCapacity',
      Version: '2011-01-01',
      AutoScalingGroupName: 'web-asg',
      DesiredCapacity: '2',
      HonorCooldown: 'false',
    }),
    answer: { body: asEmpty('SetDesiredCapacity') },
    reads: (o) => (o.$metadata as { httpStatusCode: number }).httpStatusCode,
    expect: 200,
  },
];
