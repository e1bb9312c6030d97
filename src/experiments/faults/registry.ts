import { DrillproofError } from '../../errors.js';
import { azImpairmentRuntime } from './az-impairment.js';
import { ec2RebootRuntime, ec2StopRuntime, ec2TerminateRuntime } from './ec2.js';
import { elbv2DeregisterRuntime } from './elbv2.js';
import { execRuntime, httpRuntime } from './exec-http.js';
import { fisExperimentRuntime } from './fis.js';
import { auroraFailoverRuntime, rdsFailoverRuntime } from './rds.js';
import { rdsRestoreRuntime } from './rds-restore.js';
import type { FaultRuntime } from './types.js';

/** Fault runtimes by scenario `type`. Built explicitly; registering a type twice is a bug. */
export function createFaultRegistry(extra: FaultRuntime[] = []): Map<string, FaultRuntime> {
  const reg = new Map<string, FaultRuntime>();
  for (const f of [
    ec2StopRuntime,
    ec2RebootRuntime,
    ec2TerminateRuntime,
    elbv2DeregisterRuntime,
    rdsFailoverRuntime,
    auroraFailoverRuntime,
    rdsRestoreRuntime,
    fisExperimentRuntime,
    azImpairmentRuntime,
    execRuntime,
    httpRuntime,
    ...extra,
  ]) {
    if (reg.has(f.type)) throw DrillproofError.tool('FaultTypeDuplicate', `fault type ${f.type} registered twice`);
    reg.set(f.type, f);
  }
  return reg;
}
