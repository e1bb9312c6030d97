import { LAB_ACCOUNT_ID, LAB_AZS, LAB_REGION } from './types.js';

/** Deterministic ids so scenario files can name lab resources. */
export const LAB_LB_ARN = `arn:aws:elasticloadbalancing:${LAB_REGION}:${LAB_ACCOUNT_ID}:loadbalancer/app/lab-alb/0a1b000000000001`;
export const LAB_TG_ARN = `arn:aws:elasticloadbalancing:${LAB_REGION}:${LAB_ACCOUNT_ID}:targetgroup/lab-web/0a1b000000000001`;

export function labAzs(count: number): string[] {
  return LAB_AZS.slice(0, Math.min(Math.max(count, 2), LAB_AZS.length));
}

/** `lab-1b` -> `b`: a hex digit, so ids stay valid EC2-style hex. */
const letter = (az: string) => az.slice(-1);

export const subnetId = (az: string) => `subnet-0${letter(az)}${'0'.repeat(15)}`;

/** `i-0a000000000000001`: 17 hex characters like a real instance id. */
export const instanceId = (az: string, n: number) => `i-0${letter(az)}${String(n).padStart(15, '0')}`;

export const INSTANCE_TAGS = { app: 'web', drillproof: 'allowed', 'FIS-Ready': 'True' };
