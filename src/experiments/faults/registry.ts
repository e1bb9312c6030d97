import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { describeInput } from '../../scenario/common.js';
import { azImpairmentDefinition } from './az-impairment.js';
import { backupRestoreDefinition } from './backup/restore.js';
import type { FaultDefinition } from './definition.js';
import { dynamoRestoreDefinition } from './dynamodb/restore.js';
import { ec2RebootDefinition } from './ec2/reboot.js';
import { ec2StopDefinition } from './ec2/stop.js';
import { ec2TerminateDefinition } from './ec2/terminate.js';
import { ecsStopTasksDefinition } from './ecs/stop-tasks.js';
import { elasticacheFailoverDefinition } from './elasticache/failover.js';
import { elbv2DeregisterDefinition } from './elbv2-deregister.js';
import { execDefinition } from './exec.js';
import { fisExperimentDefinition } from './fis/experiment.js';
import { httpDefinition } from './http.js';
import type { InverseHandler } from './inverse.js';
import { lambdaThrottleDefinition } from './lambda/throttle.js';
import { LEASE_KINDS } from './lease-kinds.js';
import { auroraFailoverDefinition } from './rds/aurora-failover.js';
import { rdsFailoverDefinition } from './rds/failover.js';
import { rdsRestoreDefinition } from './rds/restore.js';
import type { InverseContext, InverseSpec } from './types.js';

/**
 * Every fault type, explicitly (no registration by import side effects). The order is the order
 * of the scenario schema's fault union, hence of the JSON Schema and the reference.
 */
export const FAULTS = [
  ec2StopDefinition,
  ec2RebootDefinition,
  ec2TerminateDefinition,
  elbv2DeregisterDefinition,
  ecsStopTasksDefinition,
  rdsFailoverDefinition,
  auroraFailoverDefinition,
  rdsRestoreDefinition,
  dynamoRestoreDefinition,
  elasticacheFailoverDefinition,
  backupRestoreDefinition,
  fisExperimentDefinition,
  azImpairmentDefinition,
  execDefinition,
  httpDefinition,
  lambdaThrottleDefinition,
] as const;

type Faults = typeof FAULTS;
type SchemasOf<T extends readonly { schema: z.ZodType }[]> = { -readonly [K in keyof T]: T[K]['schema'] };

export const FAULT_TYPES: readonly string[] = FAULTS.map((f) => f.type);

const byType = new Map<string, FaultDefinition>();
for (const f of FAULTS as readonly FaultDefinition[]) {
  if (byType.has(f.type)) throw DrillproofError.tool('FaultTypeDuplicate', `fault type ${f.type} registered twice`);
  byType.set(f.type, f);
}

/** The definition of a fault type (undefined for a type drillproof does not have). */
export function faultDefinition(type: string): FaultDefinition | undefined {
  return byType.get(type);
}

/**
 * For `resolveScenarioVars`: fault and rollback steps whose type expands `${env.X}` at run time.
 */
export function keepsEnvUntilRun(path: string, value: Record<string, unknown>): boolean {
  if (!/^(steps\.faults|rollback\.steps)\[\d+\]$/.test(path) || typeof value.type !== 'string') return false;
  return byType.get(value.type)?.expandsEnvAtRun === true;
}

/** The scenario's fault step: the union of every fault type's schema. */
export const faultSchema = z.discriminatedUnion('type', FAULTS.map((f) => f.schema) as SchemasOf<Faults>, {
  error: (iss) =>
    iss.code === 'invalid_union'
      ? `unknown fault type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use one of ${FAULT_TYPES.join(', ')}`
      : undefined,
});

export type Fault = z.infer<typeof faultSchema>;
export type FaultType = Fault['type'];
export type FaultOf<T extends FaultType> = Extract<Fault, { type: T }>;

type AnyInverse = InverseHandler<Record<string, unknown>>;

/**
 * The one inverse registry: every undo any fault module can journal, by action name. A name
 * owned by two different handlers is a bug; the same handler shared by two modules (az-impairment
 * journals ec2-stop's start-instances) is registered once.
 */
const inverses = new Map<string, AnyInverse>();
// The engine's own undo (the drill's lease on its targets) beside every fault module's.
const ENGINE_INVERSES: readonly AnyInverse[] = [...new Set(LEASE_KINDS.map((k) => k.release as AnyInverse))];
for (const f of [...(FAULTS as readonly FaultDefinition[]), { inverses: ENGINE_INVERSES }]) {
  for (const h of f.inverses) {
    const known = inverses.get(h.action);
    if (known && known !== h) throw DrillproofError.tool('InverseDuplicate', `inverse ${h.action} defined twice`);
    inverses.set(h.action, h);
  }
}

export function inverseHandler(action: string): AnyInverse | undefined {
  return inverses.get(action);
}

/** The engine's own inverses (not a fault module's): the lease release. */
export function engineInverseNames(): string[] {
  return ENGINE_INVERSES.map((h) => h.action);
}

/** Every registered inverse action name. */
export function inverseActionNames(): string[] {
  return [...inverses.keys()];
}

/**
 * Executes one recorded inverse (rollback, `recover`, `sweep`). Every inverse is idempotent (safe
 * to run again after a crash mid-rollback): starting running instances, registering registered
 * targets, deleting a deleted instance or stopping a finished experiment all succeed without
 * changing anything.
 * @returns the AWS request ids of the calls that changed something
 * @throws DrillproofError `InverseUnknown`, `InverseParamsInvalid`, or what the undo threw
 */
export async function executeInverse(ctx: InverseContext, spec: InverseSpec): Promise<string[]> {
  const h = inverses.get(spec.action);
  if (!h) {
    throw DrillproofError.tool('InverseUnknown', `no inverse named ${spec.action}`, {
      hint: `known inverses: ${[...inverses.keys()].join(', ')}`,
    });
  }
  const p = h.params.safeParse(spec.params);
  if (!p.success) {
    throw DrillproofError.tool('InverseParamsInvalid', `inverse ${spec.action} has invalid params: ${p.error.message}`);
  }
  return h.run(ctx, p.data);
}
