/**
 * One entry per AWS operation drillproof calls. An entry is all a new operation needs: the
 * contract tests then validate every captured request of it against AWS's model of the service
 * (test/contract/model.ts loads any service of the `aws-sdk` package), and `operations.test.ts`
 * fails for an operation used in src without an entry here.
 *
 * - `service`: the service key of `aws-sdk/apis/metadata.json` (ec2, rds, elbv2, fis, ...).
 * - `lab`: the lab answers it; `test/lab/contract-responses.test.ts` (with the optional lab parts
 *   started, their calls in `test/lab/contract-services.ts`) checks its answer against the output shape.
 * - `planned`: not sent by src yet (the coming fault modules will); `golden-requests.ts` holds a
 *   request of it built with the real v3 client, validated against the model. When src sends it,
 *   drop `planned` and make a path of `paths.test.ts` send it (`operations.test.ts` says so).
 */
export interface ContractCase {
  service: string;
  operation: string;
  lab?: true;
  planned?: true;
}

export const CONTRACT_CASES: ContractCase[] = [
  { service: 'sts', operation: 'GetCallerIdentity', lab: true },
  { service: 'ec2', operation: 'DescribeInstances', lab: true },
  { service: 'ec2', operation: 'StopInstances', lab: true },
  { service: 'ec2', operation: 'StartInstances', lab: true },
  { service: 'ec2', operation: 'RebootInstances', lab: true },
  { service: 'ec2', operation: 'TerminateInstances', lab: true },
  // The drill's lease tag on the instances it faults (taken after preflight, released in rollback).
  { service: 'ec2', operation: 'CreateTags', lab: true },
  { service: 'ec2', operation: 'DeleteTags', lab: true },
  { service: 'elbv2', operation: 'DescribeTargetHealth', lab: true },
  { service: 'elbv2', operation: 'DescribeTargetGroups', lab: true },
  { service: 'elbv2', operation: 'DescribeLoadBalancers', lab: true },
  { service: 'elbv2', operation: 'RegisterTargets', lab: true },
  { service: 'elbv2', operation: 'DeregisterTargets', lab: true },
  { service: 'rds', operation: 'DescribeDBInstances', lab: true },
  { service: 'rds', operation: 'DescribeDBClusters', lab: true },
  { service: 'rds', operation: 'DescribeDBSnapshots', lab: true },
  { service: 'rds', operation: 'DescribeEvents', lab: true },
  { service: 'rds', operation: 'RebootDBInstance', lab: true },
  { service: 'rds', operation: 'FailoverDBCluster', lab: true },
  { service: 'rds', operation: 'RestoreDBInstanceFromDBSnapshot', lab: true },
  { service: 'rds', operation: 'RestoreDBInstanceToPointInTime', lab: true },
  { service: 'rds', operation: 'DeleteDBInstance', lab: true },
  // backup-restore of an Aurora recovery point: the instance in the restored cluster, then the cluster.
  { service: 'rds', operation: 'CreateDBInstance', lab: true },
  { service: 'rds', operation: 'DeleteDBCluster', lab: true },
  // rds-restore `from: fresh-snapshot`: the drill's own snapshot, deleted by rollback, recover and sweep.
  { service: 'rds', operation: 'CreateDBSnapshot', lab: true },
  { service: 'rds', operation: 'DeleteDBSnapshot', lab: true },
  // The lease tag on the DB instances and clusters a drill fails over.
  { service: 'rds', operation: 'AddTagsToResource', lab: true },
  { service: 'rds', operation: 'ListTagsForResource', lab: true },
  { service: 'rds', operation: 'RemoveTagsFromResource', lab: true },
  { service: 'fis', operation: 'CreateExperimentTemplate', lab: true },
  { service: 'fis', operation: 'DeleteExperimentTemplate', lab: true },
  { service: 'fis', operation: 'GetExperimentTemplate', lab: true },
  { service: 'fis', operation: 'StartExperiment', lab: true },
  { service: 'fis', operation: 'GetExperiment', lab: true },
  { service: 'fis', operation: 'StopExperiment', lab: true },
  { service: 'fis', operation: 'ListExperiments', lab: true },
  { service: 'cloudwatch', operation: 'DescribeAlarms' },
  { service: 'iam', operation: 'SimulatePrincipalPolicy', lab: true },
  { service: 'kms', operation: 'GetPublicKey' },
  { service: 'kms', operation: 'Sign' },
  { service: 'secretsmanager', operation: 'GetSecretValue' },
  // DynamoDB: the heartbeat probe, table checks, and the restore surface of src/aws/clients.ts.
  { service: 'dynamodb', operation: 'DescribeTable', lab: true },
  { service: 'dynamodb', operation: 'PutItem', lab: true },
  { service: 'dynamodb', operation: 'GetItem', lab: true },
  { service: 'dynamodb', operation: 'Query', lab: true },
  { service: 'dynamodb', operation: 'Scan', lab: true },
  { service: 'dynamodb', operation: 'ListTables', lab: true },
  { service: 'dynamodb', operation: 'ListTagsOfResource', lab: true },
  // dynamodb-restore tags the restored table.
  { service: 'dynamodb', operation: 'TagResource' },
  { service: 'dynamodb', operation: 'DescribeContinuousBackups', lab: true },
  { service: 'dynamodb', operation: 'RestoreTableToPointInTime', lab: true },
  { service: 'dynamodb', operation: 'RestoreTableFromBackup', lab: true },
  { service: 'dynamodb', operation: 'DescribeBackup', lab: true },
  { service: 'dynamodb', operation: 'ListBackups', lab: true },
  { service: 'dynamodb', operation: 'DeleteTable', lab: true },
  // AWS Backup restores (src/aws/clients.ts).
  { service: 'backup', operation: 'ListBackupVaults', lab: true },
  { service: 'backup', operation: 'ListRecoveryPointsByBackupVault', lab: true },
  { service: 'backup', operation: 'ListRecoveryPointsByResource', lab: true },
  { service: 'backup', operation: 'DescribeRecoveryPoint', lab: true },
  { service: 'backup', operation: 'GetRecoveryPointRestoreMetadata', lab: true },
  { service: 'backup', operation: 'StartRestoreJob', lab: true },
  { service: 'backup', operation: 'DescribeRestoreJob', lab: true },
  { service: 'backup', operation: 'PutRestoreValidationResult', lab: true },
  // Lambda: the lambda probe (Invoke), the lambda-function resource, lambda-throttle and the FIS
  // Lambda preflight.
  { service: 'lambda', operation: 'Invoke', lab: true },
  { service: 'lambda', operation: 'GetFunction' },
  { service: 'lambda', operation: 'GetFunctionConfiguration', lab: true },
  { service: 'lambda', operation: 'GetFunctionConcurrency', lab: true },
  { service: 'lambda', operation: 'PutFunctionConcurrency', lab: true },
  { service: 'lambda', operation: 'DeleteFunctionConcurrency', lab: true },
  // The lease tag on the functions a drill throttles (sweep lists the functions).
  { service: 'lambda', operation: 'TagResource', lab: true },
  { service: 'lambda', operation: 'ListTags', lab: true },
  { service: 'lambda', operation: 'UntagResource', lab: true },
  { service: 'lambda', operation: 'ListFunctions', lab: true },
  // ElastiCache (elasticache-replication-group, elasticache-failover and its watcher).
  { service: 'elasticache', operation: 'DescribeReplicationGroups', lab: true },
  { service: 'elasticache', operation: 'DescribeEvents', lab: true },
  { service: 'elasticache', operation: 'TestFailover', lab: true },
  // The lease tag on the replication groups a drill fails over.
  { service: 'elasticache', operation: 'AddTagsToResource', lab: true },
  { service: 'elasticache', operation: 'ListTagsForResource', lab: true },
  { service: 'elasticache', operation: 'RemoveTagsFromResource', lab: true },
  // ECS: the ecs-service resource, the ecs-stop-tasks fault and the ECS watcher.
  { service: 'ecs', operation: 'ListClusters' },
  { service: 'ecs', operation: 'ListServices' },
  { service: 'ecs', operation: 'DescribeServices', lab: true },
  { service: 'ecs', operation: 'ListTasks', lab: true },
  { service: 'ecs', operation: 'DescribeTasks', lab: true },
  { service: 'ecs', operation: 'StopTask', lab: true },
  // The lease tag on the services a drill stops tasks of (long service ARN).
  { service: 'ecs', operation: 'TagResource', lab: true },
  { service: 'ecs', operation: 'ListTagsForResource', lab: true },
  { service: 'ecs', operation: 'UntagResource', lab: true },
  // What the coming fault modules send (golden requests in golden-requests.ts).
  { service: 'ecs', operation: 'UpdateService', lab: true, planned: true },
  { service: 'elasticache', operation: 'DescribeCacheClusters', lab: true, planned: true },
  { service: 'autoscaling', operation: 'SetDesiredCapacity', planned: true },
  // EC2 Auto Scaling: the group of a targeted instance, its capacity and activities, its processes.
  { service: 'autoscaling', operation: 'DescribeAutoScalingInstances', lab: true },
  { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', lab: true },
  { service: 'autoscaling', operation: 'DescribeScalingActivities', lab: true },
  { service: 'autoscaling', operation: 'SuspendProcesses' },
  { service: 'autoscaling', operation: 'ResumeProcesses' },
];

export const caseKey = (c: { service: string; operation: string }) => `${c.service}:${c.operation}`;
