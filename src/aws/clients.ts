import {
  BackupClient,
  DescribeRecoveryPointCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListBackupVaultsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRecoveryPointsByResourceCommand,
  PutRestoreValidationResultCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  QueryCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  EC2Client,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  CreateExperimentTemplateCommand,
  DeleteExperimentTemplateCommand,
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  RDSClient,
  RebootDBInstanceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsApis } from './apis.js';
import { type CallRecorder, redactParams } from './call-record.js';
import { awsErrorCode, translateAwsError } from './errors.js';

/** Where and as whom drillproof talks to AWS (or to the lab's AWS-compatible endpoint). */
export interface AwsTarget {
  region: string;
  /** Named profile from ~/.aws/config (SSO profiles included). */
  profile?: string;
  /** Endpoint override (the lab). Without it the SDK also honours AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Static credentials (the lab accepts any); otherwise the default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK attempts per call with adaptive retry (default 6). */
  maxAttempts?: number;
}

interface Sendable {
  send(command: unknown): Promise<unknown>;
}

/**
 * Builds the AWS API surface. This is the only place drillproof constructs SDK clients: adaptive
 * retries, one credential provider shared by every client (so an SSO login prompt happens once),
 * and every call reported to `record` with its request id, timing and outcome.
 * @throws DrillproofError (translated from the SDK) from every API method.
 */
export function createAwsApis(target: AwsTarget, record: CallRecorder = () => {}): AwsApis {
  const base = {
    region: target.region,
    maxAttempts: target.maxAttempts ?? 6,
    retryMode: 'adaptive',
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
  };
  // STS resolves the provider chain (profile, SSO, env, IMDS); every other client reuses its
  // memoized provider. client-fis is an older line without the `profile` option, so sharing is
  // also what makes profiles work for FIS.
  const sts = new STSClient({
    ...base,
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
  const shared = { ...base, credentials: target.credentials ?? sts.config.credentials };
  const ec2 = new EC2Client(shared);
  const elbv2 = new ElasticLoadBalancingV2Client(shared);
  const rds = new RDSClient(shared);
  const fis = new FisClient(shared);
  const cloudwatch = new CloudWatchClient(shared);
  const dynamodb = new DynamoDBClient(shared);
  const backup = new BackupClient(shared);

  const call =
    <I extends object, O>(service: string, operation: string, client: Sendable, Cmd: new (input: I) => unknown) =>
    async (input: I): Promise<O> => {
      const started = performance.now();
      const params = redactParams(input) as Record<string, unknown>;
      try {
        const out = (await client.send(new Cmd(input))) as O & {
          $metadata?: { requestId?: string; attempts?: number };
        };
        safeRecord(record, {
          service,
          operation,
          requestId: out.$metadata?.requestId ?? null,
          ms: performance.now() - started,
          attempts: out.$metadata?.attempts ?? 1,
          ok: true,
          params,
        });
        return out;
      } catch (err) {
        const meta = (err as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
        const code = awsErrorCode(err) ?? 'Unknown';
        safeRecord(record, {
          service,
          operation,
          requestId: meta?.requestId ?? null,
          ms: performance.now() - started,
          attempts: meta?.attempts ?? 1,
          // A DryRun "error" is the success answer of a permission check.
          ok: code === 'DryRunOperation',
          errorCode: code,
          params,
        });
        throw translateAwsError(err, {
          service,
          operation,
          region: target.region,
          ...(target.endpoint ? { endpoint: target.endpoint } : {}),
          ...(target.profile ? { profile: target.profile } : {}),
        });
      }
    };

  return {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ec2: {
      describeInstances: call('ec2', 'DescribeInstances', ec2, DescribeInstancesCommand),
      stopInstances: call('ec2', 'StopInstances', ec2, StopInstancesCommand),
      startInstances: call('ec2', 'StartInstances', ec2, StartInstancesCommand),
      rebootInstances: call('ec2', 'RebootInstances', ec2, RebootInstancesCommand),
      terminateInstances: call('ec2', 'TerminateInstances', ec2, TerminateInstancesCommand),
    },
    elbv2: {
      describeTargetHealth: call('elbv2', 'DescribeTargetHealth', elbv2, DescribeTargetHealthCommand),
      describeTargetGroups: call('elbv2', 'DescribeTargetGroups', elbv2, DescribeTargetGroupsCommand),
      registerTargets: call('elbv2', 'RegisterTargets', elbv2, RegisterTargetsCommand),
      deregisterTargets: call('elbv2', 'DeregisterTargets', elbv2, DeregisterTargetsCommand),
    },
    rds: {
      describeDBInstances: call('rds', 'DescribeDBInstances', rds, DescribeDBInstancesCommand),
      describeDBClusters: call('rds', 'DescribeDBClusters', rds, DescribeDBClustersCommand),
      describeDBSnapshots: call('rds', 'DescribeDBSnapshots', rds, DescribeDBSnapshotsCommand),
      describeEvents: call('rds', 'DescribeEvents', rds, DescribeEventsCommand),
      rebootDBInstance: call('rds', 'RebootDBInstance', rds, RebootDBInstanceCommand),
      failoverDBCluster: call('rds', 'FailoverDBCluster', rds, FailoverDBClusterCommand),
      restoreDBInstanceFromDBSnapshot: call(
        'rds',
        'RestoreDBInstanceFromDBSnapshot',
        rds,
        RestoreDBInstanceFromDBSnapshotCommand,
      ),
      restoreDBInstanceToPointInTime: call(
        'rds',
        'RestoreDBInstanceToPointInTime',
        rds,
        RestoreDBInstanceToPointInTimeCommand,
      ),
      deleteDBInstance: call('rds', 'DeleteDBInstance', rds, DeleteDBInstanceCommand),
    },
    fis: {
      createExperimentTemplate: call('fis', 'CreateExperimentTemplate', fis, CreateExperimentTemplateCommand),
      deleteExperimentTemplate: call('fis', 'DeleteExperimentTemplate', fis, DeleteExperimentTemplateCommand),
      getExperimentTemplate: call('fis', 'GetExperimentTemplate', fis, GetExperimentTemplateCommand),
      startExperiment: call('fis', 'StartExperiment', fis, StartExperimentCommand),
      getExperiment: call('fis', 'GetExperiment', fis, GetExperimentCommand),
      stopExperiment: call('fis', 'StopExperiment', fis, StopExperimentCommand),
      listExperiments: call('fis', 'ListExperiments', fis, ListExperimentsCommand),
    },
    sts: { getCallerIdentity: call('sts', 'GetCallerIdentity', sts, GetCallerIdentityCommand) },
    cloudwatch: { describeAlarms: call('cloudwatch', 'DescribeAlarms', cloudwatch, DescribeAlarmsCommand) },
    dynamodb: {
      describeTable: call('dynamodb', 'DescribeTable', dynamodb, DescribeTableCommand),
      listTables: call('dynamodb', 'ListTables', dynamodb, ListTablesCommand),
      listTagsOfResource: call('dynamodb', 'ListTagsOfResource', dynamodb, ListTagsOfResourceCommand),
      describeContinuousBackups: call(
        'dynamodb',
        'DescribeContinuousBackups',
        dynamodb,
        DescribeContinuousBackupsCommand,
      ),
      restoreTableToPointInTime: call(
        'dynamodb',
        'RestoreTableToPointInTime',
        dynamodb,
        RestoreTableToPointInTimeCommand,
      ),
      restoreTableFromBackup: call('dynamodb', 'RestoreTableFromBackup', dynamodb, RestoreTableFromBackupCommand),
      describeBackup: call('dynamodb', 'DescribeBackup', dynamodb, DescribeBackupCommand),
      listBackups: call('dynamodb', 'ListBackups', dynamodb, ListBackupsCommand),
      deleteTable: call('dynamodb', 'DeleteTable', dynamodb, DeleteTableCommand),
      getItem: call('dynamodb', 'GetItem', dynamodb, GetItemCommand),
      query: call('dynamodb', 'Query', dynamodb, QueryCommand),
      scan: call('dynamodb', 'Scan', dynamodb, ScanCommand),
    },
    backup: {
      listBackupVaults: call('backup', 'ListBackupVaults', backup, ListBackupVaultsCommand),
      listRecoveryPointsByBackupVault: call(
        'backup',
        'ListRecoveryPointsByBackupVault',
        backup,
        ListRecoveryPointsByBackupVaultCommand,
      ),
      listRecoveryPointsByResource: call(
        'backup',
        'ListRecoveryPointsByResource',
        backup,
        ListRecoveryPointsByResourceCommand,
      ),
      describeRecoveryPoint: call('backup', 'DescribeRecoveryPoint', backup, DescribeRecoveryPointCommand),
      getRecoveryPointRestoreMetadata: call(
        'backup',
        'GetRecoveryPointRestoreMetadata',
        backup,
        GetRecoveryPointRestoreMetadataCommand,
      ),
      startRestoreJob: call('backup', 'StartRestoreJob', backup, StartRestoreJobCommand),
      describeRestoreJob: call('backup', 'DescribeRestoreJob', backup, DescribeRestoreJobCommand),
      putRestoreValidationResult: call(
        'backup',
        'PutRestoreValidationResult',
        backup,
        PutRestoreValidationResultCommand,
      ),
    },
  };
}

function safeRecord(record: CallRecorder, r: Parameters<CallRecorder>[0]): void {
  try {
    record(r);
  } catch {
    // A broken recorder must never change the outcome of an AWS call.
  }
}

/**
 * A DynamoDB client for the heartbeat writer: its own attempts and timeouts (a heartbeat must settle
 * within its deadline), the same region, profile, endpoint and credential rules as every client.
 */
export function createDynamoDbClient(
  target: AwsTarget,
  o: { maxAttempts: number; connectTimeoutMs: number; requestTimeoutMs: number },
): DynamoDBClient {
  return new DynamoDBClient({
    region: target.region,
    maxAttempts: o.maxAttempts,
    requestHandler: { connectionTimeout: o.connectTimeoutMs, requestTimeout: o.requestTimeoutMs },
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
}

/** A KMS client for signing evidence with a KMS key (same region, profile and endpoint rules). */
export function createKmsClient(target: AwsTarget): KMSClient {
  return new KMSClient({
    region: target.region,
    maxAttempts: target.maxAttempts ?? 6,
    retryMode: 'adaptive',
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
}
