/**
 * The services of the contract checks, under every name they go by: the service key of the
 * `aws-sdk` (v2) models (`apis/metadata.json`), the npm package of the v3 client and its client
 * class. One table, used by the model loader, the v3 type reader, the capture middleware and the
 * scan of src.
 */
export interface ContractService {
  key: string;
  /** `@aws-sdk/<package>` */
  package: string;
  client: string;
}

export const CONTRACT_SERVICES: ContractService[] = [
  { key: 'ec2', package: 'client-ec2', client: 'EC2Client' },
  { key: 'elbv2', package: 'client-elastic-load-balancing-v2', client: 'ElasticLoadBalancingV2Client' },
  { key: 'rds', package: 'client-rds', client: 'RDSClient' },
  { key: 'fis', package: 'client-fis', client: 'FisClient' },
  { key: 'sts', package: 'client-sts', client: 'STSClient' },
  { key: 'cloudwatch', package: 'client-cloudwatch', client: 'CloudWatchClient' },
  { key: 'iam', package: 'client-iam', client: 'IAMClient' },
  { key: 'kms', package: 'client-kms', client: 'KMSClient' },
  { key: 'secretsmanager', package: 'client-secrets-manager', client: 'SecretsManagerClient' },
  { key: 'ecs', package: 'client-ecs', client: 'ECSClient' },
  { key: 'lambda', package: 'client-lambda', client: 'LambdaClient' },
  { key: 'elasticache', package: 'client-elasticache', client: 'ElastiCacheClient' },
  { key: 'dynamodb', package: 'client-dynamodb', client: 'DynamoDBClient' },
  { key: 'backup', package: 'client-backup', client: 'BackupClient' },
  { key: 'autoscaling', package: 'client-auto-scaling', client: 'AutoScalingClient' },
];

export const serviceByKey = (key: string): ContractService | undefined => CONTRACT_SERVICES.find((s) => s.key === key);
