import { LAB_ACCOUNT_ID, LAB_REGION } from '../types.js';

export const dbArn = (id: string) => `arn:aws:rds:${LAB_REGION}:${LAB_ACCOUNT_ID}:db:${id}`;
export const clusterArn = (id: string) => `arn:aws:rds:${LAB_REGION}:${LAB_ACCOUNT_ID}:cluster:${id}`;
export const snapshotArn = (id: string) => `arn:aws:rds:${LAB_REGION}:${LAB_ACCOUNT_ID}:snapshot:${id}`;

/** A stable-looking resource id (`db-` + 26 upper-case alphanumerics) derived from the name. */
export function resourceId(prefix: string, name: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; out.length < 26; i++) {
    h = Math.imul(h ^ (name.charCodeAt(i % name.length) + i), 16777619) >>> 0;
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[h % 32];
  }
  return `${prefix}-${out}`;
}
