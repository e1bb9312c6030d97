import type * as asg from '@aws-sdk/client-auto-scaling';
import type * as backup from '@aws-sdk/client-backup';
import type * as cw from '@aws-sdk/client-cloudwatch';
import type * as ddb from '@aws-sdk/client-dynamodb';
import type * as ec2 from '@aws-sdk/client-ec2';
import type * as ecs from '@aws-sdk/client-ecs';
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as elasticache from '@aws-sdk/client-elasticache';
import type * as fis from '@aws-sdk/client-fis';
import type * as iam from '@aws-sdk/client-iam';
import type * as lambda from '@aws-sdk/client-lambda';
import type * as rds from '@aws-sdk/client-rds';
import type * as sts from '@aws-sdk/client-sts';

/**
 * The narrow AWS surface the drill engine uses. Faults, watchers and preflight receive these
 * interfaces, never SDK clients, so tests can swap them and every call goes through recording.
 * Paged list operations (DescribeInstances, DescribeDBInstances, DescribeDBClusters,
 * DescribeDBSnapshots, DescribeEvents, DescribeTargetGroups, DescribeLoadBalancers, ListExperiments, DescribeAlarms,
 * SimulatePrincipalPolicy, DynamoDB ListTables / Query / Scan (Count and ScannedCount summed),
 * the Backup vault and recovery point lists, DescribeAutoScalingInstances,
 * DescribeAutoScalingGroups, DescribeScalingActivities)
 * are read to the end with the SDK paginators: their output holds every item of every page.
 */
export interface Ec2Api {
  describeInstances(i: ec2.DescribeInstancesCommandInput): Promise<ec2.DescribeInstancesCommandOutput>;
  stopInstances(i: ec2.StopInstancesCommandInput): Promise<ec2.StopInstancesCommandOutput>;
  startInstances(i: ec2.StartInstancesCommandInput): Promise<ec2.StartInstancesCommandOutput>;
  rebootInstances(i: ec2.RebootInstancesCommandInput): Promise<ec2.RebootInstancesCommandOutput>;
  terminateInstances(i: ec2.TerminateInstancesCommandInput): Promise<ec2.TerminateInstancesCommandOutput>;
  createTags(i: ec2.CreateTagsCommandInput): Promise<ec2.CreateTagsCommandOutput>;
  deleteTags(i: ec2.DeleteTagsCommandInput): Promise<ec2.DeleteTagsCommandOutput>;
}

export interface Elbv2Api {
  describeTargetHealth(i: elbv2.DescribeTargetHealthCommandInput): Promise<elbv2.DescribeTargetHealthCommandOutput>;
  describeTargetGroups(i: elbv2.DescribeTargetGroupsCommandInput): Promise<elbv2.DescribeTargetGroupsCommandOutput>;
  describeLoadBalancers(i: elbv2.DescribeLoadBalancersCommandInput): Promise<elbv2.DescribeLoadBalancersCommandOutput>;
  registerTargets(i: elbv2.RegisterTargetsCommandInput): Promise<elbv2.RegisterTargetsCommandOutput>;
  deregisterTargets(i: elbv2.DeregisterTargetsCommandInput): Promise<elbv2.DeregisterTargetsCommandOutput>;
}

export interface RdsApi {
  describeDBInstances(i: rds.DescribeDBInstancesCommandInput): Promise<rds.DescribeDBInstancesCommandOutput>;
  describeDBClusters(i: rds.DescribeDBClustersCommandInput): Promise<rds.DescribeDBClustersCommandOutput>;
  describeDBSnapshots(i: rds.DescribeDBSnapshotsCommandInput): Promise<rds.DescribeDBSnapshotsCommandOutput>;
  describeEvents(i: rds.DescribeEventsCommandInput): Promise<rds.DescribeEventsCommandOutput>;
  rebootDBInstance(i: rds.RebootDBInstanceCommandInput): Promise<rds.RebootDBInstanceCommandOutput>;
  failoverDBCluster(i: rds.FailoverDBClusterCommandInput): Promise<rds.FailoverDBClusterCommandOutput>;
  restoreDBInstanceFromDBSnapshot(
    i: rds.RestoreDBInstanceFromDBSnapshotCommandInput,
  ): Promise<rds.RestoreDBInstanceFromDBSnapshotCommandOutput>;
  restoreDBInstanceToPointInTime(
    i: rds.RestoreDBInstanceToPointInTimeCommandInput,
  ): Promise<rds.RestoreDBInstanceToPointInTimeCommandOutput>;
  deleteDBInstance(i: rds.DeleteDBInstanceCommandInput): Promise<rds.DeleteDBInstanceCommandOutput>;
  // backup-restore of an Aurora cluster: AWS Backup makes the cluster, the drill adds its instance.
  createDBInstance(i: rds.CreateDBInstanceCommandInput): Promise<rds.CreateDBInstanceCommandOutput>;
  deleteDBCluster(i: rds.DeleteDBClusterCommandInput): Promise<rds.DeleteDBClusterCommandOutput>;
  createDBSnapshot(i: rds.CreateDBSnapshotCommandInput): Promise<rds.CreateDBSnapshotCommandOutput>;
  deleteDBSnapshot(i: rds.DeleteDBSnapshotCommandInput): Promise<rds.DeleteDBSnapshotCommandOutput>;
  // The drill's lease tag on the DB instances and clusters it fails over.
  addTagsToResource(i: rds.AddTagsToResourceCommandInput): Promise<rds.AddTagsToResourceCommandOutput>;
  removeTagsFromResource(i: rds.RemoveTagsFromResourceCommandInput): Promise<rds.RemoveTagsFromResourceCommandOutput>;
  listTagsForResource(i: rds.ListTagsForResourceCommandInput): Promise<rds.ListTagsForResourceCommandOutput>;
}

/** ElastiCache (Redis OSS / Valkey replication groups). DescribeReplicationGroups and DescribeEvents are read to the end. */
export interface ElastiCacheApi {
  describeReplicationGroups(
    i: elasticache.DescribeReplicationGroupsCommandInput,
  ): Promise<elasticache.DescribeReplicationGroupsCommandOutput>;
  describeEvents(i: elasticache.DescribeEventsCommandInput): Promise<elasticache.DescribeEventsCommandOutput>;
  testFailover(i: elasticache.TestFailoverCommandInput): Promise<elasticache.TestFailoverCommandOutput>;
  // The drill's lease tag on the replication groups it fails over.
  addTagsToResource(i: elasticache.AddTagsToResourceCommandInput): Promise<elasticache.AddTagsToResourceCommandOutput>;
  removeTagsFromResource(
    i: elasticache.RemoveTagsFromResourceCommandInput,
  ): Promise<elasticache.RemoveTagsFromResourceCommandOutput>;
  listTagsForResource(
    i: elasticache.ListTagsForResourceCommandInput,
  ): Promise<elasticache.ListTagsForResourceCommandOutput>;
}

export interface FisApi {
  createExperimentTemplate(
    i: fis.CreateExperimentTemplateCommandInput,
  ): Promise<fis.CreateExperimentTemplateCommandOutput>;
  deleteExperimentTemplate(
    i: fis.DeleteExperimentTemplateCommandInput,
  ): Promise<fis.DeleteExperimentTemplateCommandOutput>;
  getExperimentTemplate(i: fis.GetExperimentTemplateCommandInput): Promise<fis.GetExperimentTemplateCommandOutput>;
  startExperiment(i: fis.StartExperimentCommandInput): Promise<fis.StartExperimentCommandOutput>;
  getExperiment(i: fis.GetExperimentCommandInput): Promise<fis.GetExperimentCommandOutput>;
  stopExperiment(i: fis.StopExperimentCommandInput): Promise<fis.StopExperimentCommandOutput>;
  listExperiments(i: fis.ListExperimentsCommandInput): Promise<fis.ListExperimentsCommandOutput>;
}

/** ListClusters, ListServices and ListTasks are read to the end (every page). */
export interface EcsApi {
  listClusters(i: ecs.ListClustersCommandInput): Promise<ecs.ListClustersCommandOutput>;
  listServices(i: ecs.ListServicesCommandInput): Promise<ecs.ListServicesCommandOutput>;
  describeServices(i: ecs.DescribeServicesCommandInput): Promise<ecs.DescribeServicesCommandOutput>;
  listTasks(i: ecs.ListTasksCommandInput): Promise<ecs.ListTasksCommandOutput>;
  describeTasks(i: ecs.DescribeTasksCommandInput): Promise<ecs.DescribeTasksCommandOutput>;
  stopTask(i: ecs.StopTaskCommandInput): Promise<ecs.StopTaskCommandOutput>;
  // The drill's lease tag on the services it faults (long service ARN).
  tagResource(i: ecs.TagResourceCommandInput): Promise<ecs.TagResourceCommandOutput>;
  untagResource(i: ecs.UntagResourceCommandInput): Promise<ecs.UntagResourceCommandOutput>;
  listTagsForResource(i: ecs.ListTagsForResourceCommandInput): Promise<ecs.ListTagsForResourceCommandOutput>;
}

export interface StsApi {
  getCallerIdentity(i: sts.GetCallerIdentityCommandInput): Promise<sts.GetCallerIdentityCommandOutput>;
}

export interface CloudWatchApi {
  describeAlarms(i: cw.DescribeAlarmsCommandInput): Promise<cw.DescribeAlarmsCommandOutput>;
}

export interface DynamoDbApi {
  describeTable(i: ddb.DescribeTableCommandInput): Promise<ddb.DescribeTableCommandOutput>;
  listTables(i: ddb.ListTablesCommandInput): Promise<ddb.ListTablesCommandOutput>;
  listTagsOfResource(i: ddb.ListTagsOfResourceCommandInput): Promise<ddb.ListTagsOfResourceCommandOutput>;
  tagResource(i: ddb.TagResourceCommandInput): Promise<ddb.TagResourceCommandOutput>;
  describeContinuousBackups(
    i: ddb.DescribeContinuousBackupsCommandInput,
  ): Promise<ddb.DescribeContinuousBackupsCommandOutput>;
  restoreTableToPointInTime(
    i: ddb.RestoreTableToPointInTimeCommandInput,
  ): Promise<ddb.RestoreTableToPointInTimeCommandOutput>;
  restoreTableFromBackup(i: ddb.RestoreTableFromBackupCommandInput): Promise<ddb.RestoreTableFromBackupCommandOutput>;
  describeBackup(i: ddb.DescribeBackupCommandInput): Promise<ddb.DescribeBackupCommandOutput>;
  listBackups(i: ddb.ListBackupsCommandInput): Promise<ddb.ListBackupsCommandOutput>;
  deleteTable(i: ddb.DeleteTableCommandInput): Promise<ddb.DeleteTableCommandOutput>;
  getItem(i: ddb.GetItemCommandInput): Promise<ddb.GetItemCommandOutput>;
  query(i: ddb.QueryCommandInput): Promise<ddb.QueryCommandOutput>;
  scan(i: ddb.ScanCommandInput): Promise<ddb.ScanCommandOutput>;
}

export interface BackupApi {
  listBackupVaults(i: backup.ListBackupVaultsCommandInput): Promise<backup.ListBackupVaultsCommandOutput>;
  listRecoveryPointsByBackupVault(
    i: backup.ListRecoveryPointsByBackupVaultCommandInput,
  ): Promise<backup.ListRecoveryPointsByBackupVaultCommandOutput>;
  listRecoveryPointsByResource(
    i: backup.ListRecoveryPointsByResourceCommandInput,
  ): Promise<backup.ListRecoveryPointsByResourceCommandOutput>;
  describeRecoveryPoint(
    i: backup.DescribeRecoveryPointCommandInput,
  ): Promise<backup.DescribeRecoveryPointCommandOutput>;
  getRecoveryPointRestoreMetadata(
    i: backup.GetRecoveryPointRestoreMetadataCommandInput,
  ): Promise<backup.GetRecoveryPointRestoreMetadataCommandOutput>;
  startRestoreJob(i: backup.StartRestoreJobCommandInput): Promise<backup.StartRestoreJobCommandOutput>;
  describeRestoreJob(i: backup.DescribeRestoreJobCommandInput): Promise<backup.DescribeRestoreJobCommandOutput>;
  putRestoreValidationResult(
    i: backup.PutRestoreValidationResultCommandInput,
  ): Promise<backup.PutRestoreValidationResultCommandOutput>;
}

/** EC2 Auto Scaling: which group owns an instance, its capacity and activities, its processes. */
export interface AutoScalingApi {
  describeAutoScalingInstances(
    i: asg.DescribeAutoScalingInstancesCommandInput,
  ): Promise<asg.DescribeAutoScalingInstancesCommandOutput>;
  describeAutoScalingGroups(
    i: asg.DescribeAutoScalingGroupsCommandInput,
  ): Promise<asg.DescribeAutoScalingGroupsCommandOutput>;
  describeScalingActivities(
    i: asg.DescribeScalingActivitiesCommandInput,
  ): Promise<asg.DescribeScalingActivitiesCommandOutput>;
  suspendProcesses(i: asg.SuspendProcessesCommandInput): Promise<asg.SuspendProcessesCommandOutput>;
  resumeProcesses(i: asg.ResumeProcessesCommandInput): Promise<asg.ResumeProcessesCommandOutput>;
}

export interface IamApi {
  simulatePrincipalPolicy(
    i: iam.SimulatePrincipalPolicyCommandInput,
  ): Promise<iam.SimulatePrincipalPolicyCommandOutput>;
}

/** Lambda control plane: the function's configuration and its reserved concurrency. */
export interface LambdaApi {
  getFunction(i: lambda.GetFunctionCommandInput): Promise<lambda.GetFunctionCommandOutput>;
  getFunctionConfiguration(
    i: lambda.GetFunctionConfigurationCommandInput,
  ): Promise<lambda.GetFunctionConfigurationCommandOutput>;
  getFunctionConcurrency(
    i: lambda.GetFunctionConcurrencyCommandInput,
  ): Promise<lambda.GetFunctionConcurrencyCommandOutput>;
  putFunctionConcurrency(
    i: lambda.PutFunctionConcurrencyCommandInput,
  ): Promise<lambda.PutFunctionConcurrencyCommandOutput>;
  deleteFunctionConcurrency(
    i: lambda.DeleteFunctionConcurrencyCommandInput,
  ): Promise<lambda.DeleteFunctionConcurrencyCommandOutput>;
  // The drill's lease tag on the functions it faults (unqualified function ARN); ListFunctions
  // (read to the end) is what sweep looks through.
  tagResource(i: lambda.TagResourceCommandInput): Promise<lambda.TagResourceCommandOutput>;
  untagResource(i: lambda.UntagResourceCommandInput): Promise<lambda.UntagResourceCommandOutput>;
  listTags(i: lambda.ListTagsCommandInput): Promise<lambda.ListTagsCommandOutput>;
  listFunctions(i: lambda.ListFunctionsCommandInput): Promise<lambda.ListFunctionsCommandOutput>;
}

export interface AwsApis {
  region: string;
  endpoint?: string;
  ec2: Ec2Api;
  elbv2: Elbv2Api;
  rds: RdsApi;
  elasticache: ElastiCacheApi;
  fis: FisApi;
  ecs: EcsApi;
  sts: StsApi;
  cloudwatch: CloudWatchApi;
  dynamodb: DynamoDbApi;
  backup: BackupApi;
  iam: IamApi;
  lambda: LambdaApi;
  autoscaling: AutoScalingApi;
}

/** SDK shapes other layers name (they never import the SDK themselves). */
export type Ec2Instance = ec2.Instance;
export type EcsTask = ecs.Task;
export type EcsService = ecs.Service;
export type FisExperimentTemplateInput = fis.CreateExperimentTemplateCommandInput;
