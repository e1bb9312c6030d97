/**
 * One entry per AWS operation drillproof calls. An entry is all a new operation needs: the
 * contract tests then validate every captured request of it against AWS's model of the service
 * (test/contract/model.ts loads any service of the `aws-sdk` package), and `operations.test.ts`
 * fails for an operation used in src without an entry here.
 *
 * - `service`: the service key of `aws-sdk/apis/metadata.json` (ec2, rds, elbv2, fis, ...).
 * - `lab`: the lab answers it; `lab-responses.test.ts` checks its answer against the output shape.
 */
export interface ContractCase {
  service: string;
  operation: string;
  lab?: true;
}

export const CONTRACT_CASES: ContractCase[] = [
  { service: 'sts', operation: 'GetCallerIdentity', lab: true },
  { service: 'ec2', operation: 'DescribeInstances', lab: true },
  { service: 'ec2', operation: 'StopInstances', lab: true },
  { service: 'ec2', operation: 'StartInstances', lab: true },
  { service: 'ec2', operation: 'RebootInstances', lab: true },
  { service: 'ec2', operation: 'TerminateInstances', lab: true },
  { service: 'elbv2', operation: 'DescribeTargetHealth', lab: true },
  { service: 'elbv2', operation: 'DescribeTargetGroups', lab: true },
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
  // EC2 Auto Scaling: the group of a targeted instance, its capacity and activities, its processes.
  { service: 'autoscaling', operation: 'DescribeAutoScalingInstances', lab: true },
  { service: 'autoscaling', operation: 'DescribeAutoScalingGroups', lab: true },
  { service: 'autoscaling', operation: 'DescribeScalingActivities', lab: true },
  { service: 'autoscaling', operation: 'SuspendProcesses' },
  { service: 'autoscaling', operation: 'ResumeProcesses' },
];

export const caseKey = (c: { service: string; operation: string }) => `${c.service}:${c.operation}`;
