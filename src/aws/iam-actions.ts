/**
 * The IAM action each SDK operation needs, so an AccessDenied can say exactly what to add and
 * `plan` / docs can list the permissions of a drill.
 */
const SERVICE_PREFIX: Record<string, string> = {
  ec2: 'ec2',
  rds: 'rds',
  elbv2: 'elasticloadbalancing',
  fis: 'fis',
  ecs: 'ecs',
  sts: 'sts',
  cloudwatch: 'cloudwatch',
  iam: 'iam',
};

/** `('elbv2', 'RegisterTargets')` → `elasticloadbalancing:RegisterTargets`. */
export function iamActionFor(service: string, operation: string): string {
  return `${SERVICE_PREFIX[service] ?? service}:${operation}`;
}
