/** The FIS actions the lab carries out (ListActions answers these; others fail at StartExperiment). */
export interface ActionDef {
  id: string;
  description: string;
  /** Target key -> resource type. */
  targets: Record<string, string>;
  parameters: Record<string, { description: string; required: boolean }>;
}

export const LAB_ACTIONS: ActionDef[] = [
  {
    id: 'aws:ec2:stop-instances',
    description: 'Stop the specified EC2 instances.',
    targets: { Instances: 'aws:ec2:instance' },
    parameters: {
      startInstancesAfterDuration: {
        description: 'The time to wait before restarting the instances (ISO 8601 duration).',
        required: false,
      },
      completeIfInstancesTerminated: {
        description: 'Whether the action completes if the instances are terminated.',
        required: false,
      },
    },
  },
  {
    id: 'aws:ec2:reboot-instances',
    description: 'Reboot the specified EC2 instances.',
    targets: { Instances: 'aws:ec2:instance' },
    parameters: {},
  },
  {
    id: 'aws:ec2:terminate-instances',
    description: 'Terminate the specified EC2 instances.',
    targets: { Instances: 'aws:ec2:instance' },
    parameters: {},
  },
  {
    id: 'aws:rds:failover-db-cluster',
    description: 'Failover a DB cluster.',
    targets: { Clusters: 'aws:rds:cluster' },
    parameters: {},
  },
  {
    id: 'aws:rds:reboot-db-instances',
    description: 'Reboot the specified DB instances.',
    targets: { DBInstances: 'aws:rds:db' },
    parameters: { forceFailover: { description: 'Force failover (true/false).', required: false } },
  },
  {
    id: 'aws:fis:wait',
    description: 'Wait for the specified duration.',
    targets: {},
    parameters: { duration: { description: 'The duration (ISO 8601).', required: true } },
  },
  {
    id: 'aws:network:disrupt-connectivity',
    description: 'Deny network traffic to or from the specified subnets.',
    targets: { Subnets: 'aws:ec2:subnet' },
    parameters: {
      duration: { description: 'The duration (ISO 8601).', required: true },
      scope: {
        description: 'all | availability-zone (the lab disrupts the whole AZ of each subnet).',
        required: false,
      },
    },
  },
  {
    id: 'aws:ecs:stop-task',
    description: 'Stop the specified ECS tasks.',
    targets: { Tasks: 'aws:ecs:task' },
    parameters: {},
  },
  ...(['invocation-error', 'invocation-add-delay', 'invocation-http-integration-response'] as const).map(
    (name): ActionDef => ({
      id: `aws:lambda:${name}`,
      description:
        name === 'invocation-error'
          ? 'Mark invocations of the Lambda functions as failed.'
          : name === 'invocation-add-delay'
            ? 'Delay the start of invocations of the Lambda functions.'
            : 'Answer invocations of the Lambda functions with an HTTP integration response.',
      targets: { Functions: 'aws:lambda:function' },
      parameters: {
        duration: { description: 'How long the fault lasts (ISO 8601).', required: true },
        invocationPercentage: {
          description: 'Percentage of invocations to fault (1-100, default 100).',
          required: false,
        },
        ...(name === 'invocation-add-delay'
          ? { startupDelayMilliseconds: { description: 'Delay in ms (0-900000, default 1000).', required: false } }
          : {
              preventExecution: { description: 'Return without running the function (default true).', required: false },
            }),
        ...(name === 'invocation-http-integration-response'
          ? {
              statusCode: { description: 'HTTP status code to answer with (100-599).', required: true },
              contentTypeHeader: { description: 'Content-Type header of the answer.', required: true },
            }
          : {}),
      },
    }),
  ),
];

export const actionDef = (id: string) => LAB_ACTIONS.find((a) => a.id === id);
