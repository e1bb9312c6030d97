import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { containerArn, ECS_CONTAINER, taskArn, taskDefinitionArn } from './topology.js';

/** Task lifecycle states exactly as ECS names them. */
export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

export type StopCode = 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated' | 'ServiceSchedulerInitiated';

export interface LabTask {
  id: string;
  arn: string;
  az: string;
  subnetId: string;
  ip: string;
  /** Loopback port of the app process (what the ALB dials for this task's IP). */
  port: number;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedBy: string;
  group: string;
  createdAt: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  connectivityAt?: Date;
  stoppingAt?: Date;
  executionStoppedAt?: Date;
  stoppedAt?: Date;
  stopCode?: StopCode;
  stoppedReason?: string;
  containerStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  containerReason?: string;
  exitCode?: number;
  containerUuid: string;
  attachmentId: string;
  eniId: string;
  version: number;
  tags: Record<string, string>;
  child: ChildProcess | undefined;
}

export function newTask(o: {
  id: string;
  az: string;
  subnetId: string;
  ip: string;
  port: number;
  startedBy: string;
  group: string;
  tags: Record<string, string>;
}): LabTask {
  return {
    ...o,
    arn: taskArn(o.id),
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: new Date(),
    containerStatus: 'PENDING',
    containerUuid: randomUUID(),
    attachmentId: randomUUID(),
    eniId: `eni-0${o.id.slice(0, 16)}`,
    version: 1,
    tags: { ...o.tags },
    child: undefined,
  };
}

const secs = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

/** Whether ECS still counts the task toward the service (desired RUNNING and not on its way out). */
export const isActive = (t: LabTask) => t.desiredStatus === 'RUNNING';

/** The awsJson1_1 `Task` shape (timestamps as epoch seconds). */
export function taskJson(t: LabTask, clusterArnValue: string, includeTags: boolean) {
  const eniStatus =
    t.lastStatus === 'PROVISIONING'
      ? 'PRECREATED'
      : t.lastStatus === 'STOPPED'
        ? 'DELETED'
        : t.lastStatus === 'DEPROVISIONING'
          ? 'DELETING'
          : 'ATTACHED';
  return {
    attachments: [
      {
        id: t.attachmentId,
        type: 'ElasticNetworkInterface',
        status: eniStatus,
        details: [
          { name: 'subnetId', value: t.subnetId },
          { name: 'networkInterfaceId', value: t.eniId },
          { name: 'macAddress', value: `0a:${t.id.slice(0, 10).match(/../g)?.join(':')}` },
          { name: 'privateDnsName', value: `ip-${t.ip.replaceAll('.', '-')}.ec2.internal` },
          { name: 'privateIPv4Address', value: t.ip },
        ],
      },
    ],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: t.az,
    clusterArn: clusterArnValue,
    connectivity: t.connectivityAt ? 'CONNECTED' : undefined,
    connectivityAt: secs(t.connectivityAt),
    containers: [
      {
        containerArn: containerArn(t.id, t.containerUuid),
        taskArn: t.arn,
        name: ECS_CONTAINER,
        image: 'drillproof/lab-app:latest',
        lastStatus: t.containerStatus,
        exitCode: t.exitCode,
        reason: t.containerReason,
        networkInterfaces: [{ attachmentId: t.attachmentId, privateIpv4Address: t.ip }],
        healthStatus: 'UNKNOWN',
        cpu: '0',
      },
    ],
    cpu: '256',
    createdAt: secs(t.createdAt),
    desiredStatus: t.desiredStatus,
    enableExecuteCommand: false,
    executionStoppedAt: secs(t.executionStoppedAt),
    group: t.group,
    healthStatus: 'UNKNOWN',
    lastStatus: t.lastStatus,
    launchType: 'FARGATE',
    memory: '512',
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    pullStartedAt: secs(t.pullStartedAt),
    pullStoppedAt: secs(t.pullStoppedAt),
    startedAt: secs(t.startedAt),
    startedBy: t.startedBy,
    stopCode: t.stopCode,
    stoppedAt: secs(t.stoppedAt),
    stoppedReason: t.stoppedReason,
    stoppingAt: secs(t.stoppingAt),
    tags: includeTags ? Object.entries(t.tags).map(([key, value]) => ({ key, value })) : undefined,
    taskArn: t.arn,
    taskDefinitionArn: taskDefinitionArn(),
    version: t.version,
    ephemeralStorage: { sizeInGiB: 20 },
    fargateEphemeralStorage: { sizeInGiB: 20 },
  };
}
