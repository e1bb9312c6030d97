import { ec2LeaseKind } from './ec2/lease.js';
import { ecsServiceLeaseKind } from './ecs/lease.js';
import { replicationGroupLeaseKind } from './elasticache/lease.js';
import { lambdaFunctionLeaseKind } from './lambda/lease.js';
import type { LeaseKind } from './lease-kind.js';
import { auroraClusterLeaseKind, rdsInstanceLeaseKind } from './rds/lease.js';

/**
 * The resource types a drill leases when a fault impairs them: the targets of the destructive
 * native faults that a second drill must not hit at once (ec2-stop / reboot / terminate,
 * rds-failover, aurora-failover, elasticache-failover, ecs-stop-tasks, lambda-throttle, and
 * az-impairment's instances, services and database). Restores do not impair their source; a FIS
 * experiment's targets are FIS's to resolve, so it leases nothing.
 */
export const LEASE_KINDS: readonly LeaseKind[] = [
  ec2LeaseKind,
  rdsInstanceLeaseKind,
  auroraClusterLeaseKind,
  replicationGroupLeaseKind,
  ecsServiceLeaseKind,
  lambdaFunctionLeaseKind,
];

export function leaseKind(resourceType: string | undefined): LeaseKind | undefined {
  return LEASE_KINDS.find((k) => k.resourceType === resourceType);
}

/** Rollback stack entries that release a lease (kept while an earlier undo failed). */
export function isLeaseStep(stepId: string): boolean {
  return LEASE_KINDS.some((k) => k.stepId === stepId);
}
