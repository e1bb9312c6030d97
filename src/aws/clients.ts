import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
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
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandInput,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
  type SignCommandInput,
  type SignCommandOutput,
} from '@aws-sdk/client-kms';
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
  };
}

function safeRecord(record: CallRecorder, r: Parameters<CallRecorder>[0]): void {
  try {
    record(r);
  } catch {
    // A broken recorder must never change the outcome of an AWS call.
  }
}

export type KmsPublicKey = GetPublicKeyCommandOutput;

/** The KMS calls evidence signing makes. */
export interface KmsApi {
  getPublicKey(i: GetPublicKeyCommandInput): Promise<GetPublicKeyCommandOutput>;
  sign(i: SignCommandInput): Promise<SignCommandOutput>;
}

/**
 * KMS for signing evidence with a KMS key (same region, profile and endpoint rules), each call
 * recorded and its errors translated like every other AWS call.
 */
export function createKmsApi(target: AwsTarget, record: CallRecorder = () => {}): KmsApi {
  const kms = createKmsClient(target);
  const call =
    <I extends object, O>(operation: string, Cmd: new (input: I) => unknown) =>
    async (input: I): Promise<O> => {
      const started = performance.now();
      try {
        const out = (await kms.send(new Cmd(input) as never)) as O & {
          $metadata?: { requestId?: string; attempts?: number };
        };
        safeRecord(record, {
          service: 'kms',
          operation,
          requestId: out.$metadata?.requestId ?? null,
          ms: performance.now() - started,
          attempts: out.$metadata?.attempts ?? 1,
          ok: true,
          params: redactParams(input) as Record<string, unknown>,
        });
        return out;
      } catch (err) {
        safeRecord(record, {
          service: 'kms',
          operation,
          requestId: null,
          ms: performance.now() - started,
          attempts: 1,
          ok: false,
          errorCode: awsErrorCode(err) ?? 'Unknown',
          params: redactParams(input) as Record<string, unknown>,
        });
        throw translateAwsError(err, {
          service: 'kms',
          operation,
          region: target.region,
          ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        });
      }
    };
  return {
    getPublicKey: call<GetPublicKeyCommandInput, GetPublicKeyCommandOutput>('GetPublicKey', GetPublicKeyCommand),
    sign: call<SignCommandInput, SignCommandOutput>('Sign', SignCommand),
  };
}

function createKmsClient(target: AwsTarget): KMSClient {
  return new KMSClient({
    region: target.region,
    maxAttempts: target.maxAttempts ?? 6,
    retryMode: 'adaptive',
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
}
