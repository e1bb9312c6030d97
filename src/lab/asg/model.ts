import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';

/** The processes SuspendProcesses / ResumeProcesses accept (Auto Scaling API reference, SuspendProcesses). */
export const SCALING_PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions',
] as const;
export type ScalingProcess = (typeof SCALING_PROCESSES)[number];

export const isScalingProcess = (s: string): s is ScalingProcess =>
  (SCALING_PROCESSES as readonly string[]).includes(s);

/** The LifecycleState values the lab's group uses (a subset of the API's enum). */
export type LifecycleState = 'Pending' | 'InService' | 'Terminating' | 'Terminated';
export type HealthStatus = 'Healthy' | 'Unhealthy';
export type ActivityStatus = 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';

export interface AsgMember {
  id: string;
  az: string;
  lifecycle: LifecycleState;
  health: HealthStatus;
  /** When the instance went InService (the health check grace period counts from here). */
  inServiceAt: number;
  /** One of the instances `lab up` started (kept by `lab reset`); replacements are not. */
  original: boolean;
}

export interface AsgActivity {
  id: string;
  description: string;
  cause: string;
  start: Date;
  end: Date | undefined;
  status: ActivityStatus;
  statusMessage: string | undefined;
  progress: number;
  /** JSON text as AWS writes it, e.g. {"Subnet ID":"subnet-...","Availability Zone":"lab-1a"}. */
  details: string;
}

export interface SuspendedProcess {
  name: ScalingProcess;
  reason: string;
}

export const ASG_NAME = 'lab-web-asg';
/** arn:aws:autoscaling:region:account:autoScalingGroup:uuid:autoScalingGroupName/name */
export const ASG_ARN = `arn:aws:autoscaling:${LAB_REGION}:${LAB_ACCOUNT_ID}:autoScalingGroup:0a1b0000-0000-4000-8000-000000000001:autoScalingGroupName/${ASG_NAME}`;
export const ASG_LAUNCH_TEMPLATE = {
  LaunchTemplateId: 'lt-0a1b0000000000001',
  LaunchTemplateName: 'lab-web',
  Version: '$Default',
};
/** The tag EC2 Auto Scaling puts on every instance it launches. */
export const ASG_TAG = 'aws:autoscaling:groupName';

/** `2026-01-02T03:04:05Z`: Auto Scaling writes causes with whole seconds. */
export const causeTime = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
