import { randomBytes } from 'node:crypto';
import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';

/** Deterministic names and ARNs of the lab's ECS resources (long ARN format). */
export const ECS_CLUSTER = 'lab-cluster';
export const ECS_SERVICE = 'lab-api';
export const ECS_TASK_FAMILY = 'lab-api';
export const ECS_CONTAINER = 'app';
/** The container port every task listens on (awsvpc: each task has its own IP). */
export const ECS_CONTAINER_PORT = 80;

const base = `arn:aws:ecs:${LAB_REGION}:${LAB_ACCOUNT_ID}`;
export const clusterArn = (name = ECS_CLUSTER) => `${base}:cluster/${name}`;
export const serviceArn = (name = ECS_SERVICE, cluster = ECS_CLUSTER) => `${base}:service/${cluster}/${name}`;
export const taskArn = (id: string, cluster = ECS_CLUSTER) => `${base}:task/${cluster}/${id}`;
export const taskDefinitionArn = (rev = 1) => `${base}:task-definition/${ECS_TASK_FAMILY}:${rev}`;
export const containerArn = (taskId: string, uuid: string) => `${base}:container/${ECS_CLUSTER}/${taskId}/${uuid}`;
export const ECS_TG_ARN = `arn:aws:elasticloadbalancing:${LAB_REGION}:${LAB_ACCOUNT_ID}:targetgroup/lab-api-ip/0a1b000000000002`;
export const ECS_TG_NAME = 'lab-api-ip';

/** A task id as ECS writes it: 32 lowercase hex characters. */
export const newTaskId = () => randomBytes(16).toString('hex');
export const newDeploymentId = () => `ecs-svc/${BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 19n}`;

/**
 * The lab VPC is 10.0.0.0/16 with one /24 per AZ (lab-1a = 10.0.1.0/24 ...). Task IPs are identities
 * only: the lab never sends a packet to them; the ALB maps each to the task's loopback port.
 */
export function subnetCidr(azIndex: number): string {
  return `10.0.${azIndex + 1}.0/24`;
}

export function azOfIp(ip: string, azs: readonly string[]): string | undefined {
  const m = /^10\.0\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  return azs[Number(m[1]) - 1];
}

/** Hands out task IPs per AZ, never reusing one that is still held. */
export class IpPool {
  private readonly next = new Map<string, number>();
  private readonly held = new Set<string>();

  constructor(private readonly azs: readonly string[]) {}

  take(az: string): string {
    const idx = this.azs.indexOf(az);
    for (let i = 0; i < 240; i++) {
      const n = this.next.get(az) ?? 10;
      this.next.set(az, n >= 249 ? 10 : n + 1);
      const ip = `10.0.${idx + 1}.${n}`;
      if (!this.held.has(ip)) {
        this.held.add(ip);
        return ip;
      }
    }
    throw new Error(`no free task IP in ${az}`);
  }

  release(ip: string): void {
    this.held.delete(ip);
  }
}
