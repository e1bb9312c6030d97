import {
  AutoScalingClient,
  paginateDescribeAutoScalingGroups,
  paginateDescribeAutoScalingInstances,
  paginateDescribeScalingActivities,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  BackupClient,
  DescribeRecoveryPointCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  PutRestoreValidationResultCommand,
  paginateListBackupVaults,
  paginateListRecoveryPointsByBackupVault,
  paginateListRecoveryPointsByResource,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import {
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  ListTagsOfResourceCommand,
  paginateListTables,
  paginateQuery,
  paginateScan,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  TagResourceCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  EC2Client,
  paginateDescribeInstances,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTagsForResourceCommand as EcsListTagsForResourceCommand,
  TagResourceCommand as EcsTagResourceCommand,
  UntagResourceCommand as EcsUntagResourceCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTasks,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  CreateExperimentTemplateCommand,
  DeleteExperimentTemplateCommand,
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  paginateListExperiments,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { IAMClient, paginateSimulatePrincipalPolicy } from '@aws-sdk/client-iam';
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
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListTagsCommand as LambdaListTagsCommand,
  TagResourceCommand as LambdaTagResourceCommand,
  UntagResourceCommand as LambdaUntagResourceCommand,
  PutFunctionConcurrencyCommand,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import {
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  FailoverDBClusterCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  paginateDescribeEvents,
  RDSClient,
  RebootDBInstanceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsApis } from './apis.js';
import { type AttemptStack, type AwsAttempt, addAttemptRecorder, attemptsOf } from './attempts.js';
import { type CallRecorder, redactParams } from './call-record.js';
import { elasticacheCalls } from './elasticache.js';
import { configuredEndpoint } from './endpoint.js';
import { awsErrorCode, translateAwsError } from './errors.js';
import { addFisWireMiddleware, type MiddlewareStackLike } from './fis-wire.js';
import { readAllPages } from './paginate.js';
import { rdsTagCalls } from './rds-tags.js';
import { type ClientPair, clientFor, READ_ATTEMPTS, WRITE_ATTEMPTS } from './retry-policy.js';

/** Where and as whom drillproof talks to AWS (or to the lab's AWS-compatible endpoint). */
export interface AwsTarget {
  region: string;
  /** Named profile from ~/.aws/config (SSO profiles included). */
  profile?: string;
  /** Endpoint override (the lab). Without it the SDK also honours AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Static credentials (the lab accepts any); otherwise the default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK attempts per call with adaptive retry (default: retry-policy.ts, more for reads than writes). */
  maxAttempts?: number;
}

interface Sendable {
  send(command: unknown): Promise<unknown>;
}

/** Test and tooling hooks: `instrument` sees every SDK client once, right after it is made. */
export interface AwsApiOptions {
  instrument?: (client: { middlewareStack: MiddlewareStackLike }, service: string) => void;
  /** Environment for endpoint detection (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the AWS API surface. This is the only place drillproof constructs SDK clients: adaptive
 * retries, one credential provider shared by every client (so an SSO login prompt happens once),
 * and every call reported to `record` with its request id, timing and outcome.
 * @throws DrillproofError (translated from the SDK) from every API method.
 */
export function createAwsApis(
  target: AwsTarget,
  record: CallRecorder = () => {},
  options: AwsApiOptions = {},
): AwsApis {
  // The endpoint the calls really go to: the target's, or the one the SDK takes from the
  // environment (AWS_ENDPOINT_URL). Recorded in the journal so `recover` uses the same one.
  const endpoint = target.endpoint ?? configuredEndpoint(options.env);
  const base = {
    region: target.region,
    retryMode: 'adaptive',
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
  };
  const budget = (read: boolean) => ({ maxAttempts: target.maxAttempts ?? (read ? READ_ATTEMPTS : WRITE_ATTEMPTS) });
  // STS resolves the provider chain (profile, SSO, env, IMDS); every other client reuses its
  // memoized provider. client-fis is an older line without the `profile` option, so sharing is
  // also what makes profiles work for FIS. STS is only read.
  const sts = new STSClient({
    ...base,
    ...budget(true),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
  const shared = { ...base, credentials: target.credentials ?? sts.config.credentials };
  /** A read client and a write client: the SDK's attempt budget is a client setting (retry-policy.ts). */
  const pair = <C>(make: (config: typeof shared & { maxAttempts: number }) => C): ClientPair<C> => ({
    read: make({ ...shared, ...budget(true) }),
    write: make({ ...shared, ...budget(false) }),
  });
  const ec2 = pair((c) => new EC2Client(c));
  const elbv2 = pair((c) => new ElasticLoadBalancingV2Client(c));
  const rds = pair((c) => new RDSClient(c));
  const elasticache = pair((c) => new ElastiCacheClient(c));
  const fis = pair((c) => new FisClient(c));
  const ecs = pair((c) => new ECSClient(c));
  const cloudwatch = pair((c) => new CloudWatchClient(c));
  const dynamodb = pair((c) => new DynamoDBClient(c));
  const backup = pair((c) => new BackupClient(c));
  const lambda = pair((c) => new LambdaClient(c));
  const autoscaling = pair((c) => new AutoScalingClient(c));
  // IAM is global: its one endpoint signs for us-east-1 (aws partition). Only read.
  const iamClient = new IAMClient({
    ...shared,
    ...budget(true),
    region: target.endpoint ? target.region : 'us-east-1',
  });
  const iam = { read: iamClient, write: iamClient };
  const stsPair = { read: sts, write: sts };
  addFisWireMiddleware(fis.read.middlewareStack as unknown as MiddlewareStackLike);
  addFisWireMiddleware(fis.write.middlewareStack as unknown as MiddlewareStackLike);
  const clients: [string, ClientPair<{ middlewareStack: unknown }>][] = [
    ['sts', stsPair],
    ['ec2', ec2],
    ['elbv2', elbv2],
    ['rds', rds],
    ['elasticache', elasticache],
    ['fis', fis],
    ['ecs', ecs],
    ['cloudwatch', cloudwatch],
    ['iam', iam],
    ['dynamodb', dynamodb],
    ['backup', backup],
    ['lambda', lambda],
    ['autoscaling', autoscaling],
  ];
  for (const [name, p] of clients) {
    for (const c of new Set([p.read, p.write])) {
      addAttemptRecorder(c.middlewareStack as unknown as AttemptStack);
      options.instrument?.(c as { middlewareStack: MiddlewareStackLike }, name);
    }
  }
  const errCtx = {
    region: target.region,
    ...(endpoint ? { endpoint } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  };

  type Meta = { $metadata?: { requestId?: string; attempts?: number } };
  /** Each attempt of a retried call (attempts.ts); a call answered at once needs no list. */
  const retried = (outcome: unknown): { tries?: AwsAttempt[] } => {
    const tries = attemptsOf(outcome);
    return tries.length > 1 ? { tries } : {};
  };
  /** One record per request: the answer's request id and attempts, or the error's. */
  const succeeded = (service: string, operation: string, input: object, out: unknown, started: number) => {
    const meta = (out as Meta).$metadata;
    safeRecord(record, {
      service,
      operation,
      requestId: meta?.requestId ?? null,
      ms: performance.now() - started,
      attempts: meta?.attempts ?? 1,
      ok: true,
      ...retried(out),
      params: redactParams(input) as Record<string, unknown>,
    });
  };
  const failed = (service: string, operation: string, input: object, err: unknown, started: number): never => {
    const meta = (err as Meta).$metadata;
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
      ...retried(err),
      params: redactParams(input) as Record<string, unknown>,
    });
    throw translateAwsError(err, { service, operation, ...errCtx });
  };

  const call =
    <I extends object, O>(
      service: string,
      operation: string,
      clients: ClientPair<Sendable>,
      Cmd: new (input: I) => unknown,
    ) =>
    async (input: I): Promise<O> => {
      const started = performance.now();
      const client = clientFor(clients, operation);
      try {
        const out = (await client.send(new Cmd(input))) as O;
        succeeded(service, operation, input, out, started);
        return out;
      } catch (err) {
        return failed(service, operation, input, err, started);
      }
    };

  /** A paged list operation read to its end (see paginate.ts); every page is one recorded call. */
  const pages =
    <I extends object, O extends object>(
      service: string,
      operation: string,
      clients: ClientPair<unknown>,
      paginate: (config: never, input: I) => AsyncIterable<O>,
      listKeys: string[],
      sumKeys: string[] = [],
    ) =>
    (input: I): Promise<O> =>
      readAllPages(
        paginate as never,
        clientFor(clients, operation),
        input,
        listKeys,
        {
          page: (req, out, started) => succeeded(service, operation, req, out, started),
          failed: (req, err, started) => failed(service, operation, req, err, started),
        },
        sumKeys,
      );

  return {
    region: target.region,
    ...(endpoint ? { endpoint } : {}),
    ec2: {
      describeInstances: pages('ec2', 'DescribeInstances', ec2, paginateDescribeInstances, ['Reservations']),
      stopInstances: call('ec2', 'StopInstances', ec2, StopInstancesCommand),
      startInstances: call('ec2', 'StartInstances', ec2, StartInstancesCommand),
      rebootInstances: call('ec2', 'RebootInstances', ec2, RebootInstancesCommand),
      terminateInstances: call('ec2', 'TerminateInstances', ec2, TerminateInstancesCommand),
      createTags: call('ec2', 'CreateTags', ec2, CreateTagsCommand),
      deleteTags: call('ec2', 'DeleteTags', ec2, DeleteTagsCommand),
    },
    elbv2: {
      describeTargetHealth: call('elbv2', 'DescribeTargetHealth', elbv2, DescribeTargetHealthCommand),
      describeTargetGroups: pages('elbv2', 'DescribeTargetGroups', elbv2, paginateDescribeTargetGroups, [
        'TargetGroups',
      ]),
      describeLoadBalancers: pages('elbv2', 'DescribeLoadBalancers', elbv2, paginateDescribeLoadBalancers, [
        'LoadBalancers',
      ]),
      registerTargets: call('elbv2', 'RegisterTargets', elbv2, RegisterTargetsCommand),
      deregisterTargets: call('elbv2', 'DeregisterTargets', elbv2, DeregisterTargetsCommand),
    },
    rds: {
      describeDBInstances: pages('rds', 'DescribeDBInstances', rds, paginateDescribeDBInstances, ['DBInstances']),
      describeDBClusters: pages('rds', 'DescribeDBClusters', rds, paginateDescribeDBClusters, ['DBClusters']),
      describeDBSnapshots: pages('rds', 'DescribeDBSnapshots', rds, paginateDescribeDBSnapshots, ['DBSnapshots']),
      describeEvents: pages('rds', 'DescribeEvents', rds, paginateDescribeEvents, ['Events']),
      rebootDBInstance: call('rds', 'RebootDBInstance', rds, RebootDBInstanceCommand),
      failoverDBCluster: call('rds', 'FailoverDBCluster', rds, FailoverDBClusterCommand),
      ...rdsTagCalls(rds, call),
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
      createDBInstance: call('rds', 'CreateDBInstance', rds, CreateDBInstanceCommand),
      deleteDBCluster: call('rds', 'DeleteDBCluster', rds, DeleteDBClusterCommand),
      createDBSnapshot: call('rds', 'CreateDBSnapshot', rds, CreateDBSnapshotCommand),
      deleteDBSnapshot: call('rds', 'DeleteDBSnapshot', rds, DeleteDBSnapshotCommand),
    },
    elasticache: elasticacheCalls(elasticache, call, pages),
    fis: {
      createExperimentTemplate: call('fis', 'CreateExperimentTemplate', fis, CreateExperimentTemplateCommand),
      deleteExperimentTemplate: call('fis', 'DeleteExperimentTemplate', fis, DeleteExperimentTemplateCommand),
      getExperimentTemplate: call('fis', 'GetExperimentTemplate', fis, GetExperimentTemplateCommand),
      startExperiment: call('fis', 'StartExperiment', fis, StartExperimentCommand),
      getExperiment: call('fis', 'GetExperiment', fis, GetExperimentCommand),
      stopExperiment: call('fis', 'StopExperiment', fis, StopExperimentCommand),
      listExperiments: pages('fis', 'ListExperiments', fis, paginateListExperiments, ['experiments']),
    },
    ecs: {
      listClusters: pages('ecs', 'ListClusters', ecs, paginateListClusters, ['clusterArns']),
      listServices: pages('ecs', 'ListServices', ecs, paginateListServices, ['serviceArns']),
      describeServices: call('ecs', 'DescribeServices', ecs, DescribeServicesCommand),
      listTasks: pages('ecs', 'ListTasks', ecs, paginateListTasks, ['taskArns']),
      describeTasks: call('ecs', 'DescribeTasks', ecs, DescribeTasksCommand),
      stopTask: call('ecs', 'StopTask', ecs, StopTaskCommand),
      tagResource: call('ecs', 'TagResource', ecs, EcsTagResourceCommand),
      untagResource: call('ecs', 'UntagResource', ecs, EcsUntagResourceCommand),
      listTagsForResource: call('ecs', 'ListTagsForResource', ecs, EcsListTagsForResourceCommand),
    },
    sts: { getCallerIdentity: call('sts', 'GetCallerIdentity', stsPair, GetCallerIdentityCommand) },
    cloudwatch: {
      describeAlarms: pages('cloudwatch', 'DescribeAlarms', cloudwatch, paginateDescribeAlarms, [
        'MetricAlarms',
        'CompositeAlarms',
      ]),
    },
    iam: {
      simulatePrincipalPolicy: pages('iam', 'SimulatePrincipalPolicy', iam, paginateSimulatePrincipalPolicy, [
        'EvaluationResults',
      ]),
    },
    dynamodb: {
      describeTable: call('dynamodb', 'DescribeTable', dynamodb, DescribeTableCommand),
      listTables: pages('dynamodb', 'ListTables', dynamodb, paginateListTables, ['TableNames']),
      listTagsOfResource: call('dynamodb', 'ListTagsOfResource', dynamodb, ListTagsOfResourceCommand),
      tagResource: call('dynamodb', 'TagResource', dynamodb, TagResourceCommand),
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
      query: pages('dynamodb', 'Query', dynamodb, paginateQuery, ['Items'], ['Count', 'ScannedCount']),
      scan: pages('dynamodb', 'Scan', dynamodb, paginateScan, ['Items'], ['Count', 'ScannedCount']),
    },
    autoscaling: {
      describeAutoScalingInstances: pages(
        'autoscaling',
        'DescribeAutoScalingInstances',
        autoscaling,
        paginateDescribeAutoScalingInstances,
        ['AutoScalingInstances'],
      ),
      describeAutoScalingGroups: pages(
        'autoscaling',
        'DescribeAutoScalingGroups',
        autoscaling,
        paginateDescribeAutoScalingGroups,
        ['AutoScalingGroups'],
      ),
      describeScalingActivities: pages(
        'autoscaling',
        'DescribeScalingActivities',
        autoscaling,
        paginateDescribeScalingActivities,
        ['Activities'],
      ),
      suspendProcesses: call('autoscaling', 'SuspendProcesses', autoscaling, SuspendProcessesCommand),
      resumeProcesses: call('autoscaling', 'ResumeProcesses', autoscaling, ResumeProcessesCommand),
    },
    backup: {
      listBackupVaults: pages('backup', 'ListBackupVaults', backup, paginateListBackupVaults, ['BackupVaultList']),
      listRecoveryPointsByBackupVault: pages(
        'backup',
        'ListRecoveryPointsByBackupVault',
        backup,
        paginateListRecoveryPointsByBackupVault,
        ['RecoveryPoints'],
      ),
      listRecoveryPointsByResource: pages(
        'backup',
        'ListRecoveryPointsByResource',
        backup,
        paginateListRecoveryPointsByResource,
        ['RecoveryPoints'],
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
    lambda: {
      getFunction: call('lambda', 'GetFunction', lambda, GetFunctionCommand),
      getFunctionConfiguration: call('lambda', 'GetFunctionConfiguration', lambda, GetFunctionConfigurationCommand),
      getFunctionConcurrency: call('lambda', 'GetFunctionConcurrency', lambda, GetFunctionConcurrencyCommand),
      putFunctionConcurrency: call('lambda', 'PutFunctionConcurrency', lambda, PutFunctionConcurrencyCommand),
      deleteFunctionConcurrency: call('lambda', 'DeleteFunctionConcurrency', lambda, DeleteFunctionConcurrencyCommand),
      tagResource: call('lambda', 'TagResource', lambda, LambdaTagResourceCommand),
      untagResource: call('lambda', 'UntagResource', lambda, LambdaUntagResourceCommand),
      listTags: call('lambda', 'ListTags', lambda, LambdaListTagsCommand),
      listFunctions: pages('lambda', 'ListFunctions', lambda, paginateListFunctions, ['Functions']),
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

export type KmsPublicKey = GetPublicKeyCommandOutput;

/** The KMS calls evidence signing makes. */
export interface KmsApi {
  getPublicKey(i: GetPublicKeyCommandInput): Promise<GetPublicKeyCommandOutput>;
  sign(i: SignCommandInput): Promise<SignCommandOutput>;
  /** Closes the client's connections. */
  destroy(): void;
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
          ...(attemptsOf(out).length > 1 ? { tries: attemptsOf(out) } : {}),
          params: redactParams(input) as Record<string, unknown>,
        });
        return out;
      } catch (err) {
        const meta = (err as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
        safeRecord(record, {
          service: 'kms',
          operation,
          requestId: meta?.requestId ?? null,
          ms: performance.now() - started,
          attempts: meta?.attempts ?? 1,
          ok: false,
          errorCode: awsErrorCode(err) ?? 'Unknown',
          ...(attemptsOf(err).length > 1 ? { tries: attemptsOf(err) } : {}),
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
    destroy: () => kms.destroy(),
  };
}

function createKmsClient(target: AwsTarget): KMSClient {
  // Signing the same digest again is harmless: the write budget.
  const kms = new KMSClient({
    region: target.region,
    maxAttempts: target.maxAttempts ?? WRITE_ATTEMPTS,
    retryMode: 'adaptive',
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
  addAttemptRecorder(kms.middlewareStack as unknown as AttemptStack);
  return kms;
}
