import { randomBytes } from 'node:crypto';
import type { AwsTarget } from '../../aws/clients.js';
import { DrillproofError } from '../../errors.js';
import { readLabInfo } from '../../lab/lab.js';
import { resolveLabDir } from '../../lab/state-dir.js';
import type { LabInfo } from '../../lab/types.js';
import type { DrillScenario } from '../phases/drill-input.js';

/** The facts of a running lab that drills need (`<state dir>/lab.json`, read by the lab's reader). */
export type LabFacts = LabInfo;

/** Default lab state directory (the lab module writes lab.json there). */
export function defaultLabDir(env: NodeJS.ProcessEnv): string {
  return resolveLabDir(undefined, env);
}

/** The running lab's facts. @throws DrillproofError `LabNotRunning` (exit 3: nothing can be injected without it) */
export function readLabFacts(dir: string): LabFacts {
  return readLabInfo(dir, process.env, { exitCode: 3 });
}

/** Where the drill's AWS calls go: the lab endpoint (any credentials) or real AWS. */
export function awsTargetOf(scenario: DrillScenario, lab: LabFacts | null): AwsTarget {
  if (scenario.target.provider === 'lab') {
    if (!lab) throw DrillproofError.tool('LabMissing', 'a lab scenario needs the lab facts');
    return {
      region: lab.region ?? scenario.target.region,
      endpoint: lab.awsEndpoint,
      credentials: (lab.credentials as AwsTarget['credentials']) ?? {
        accessKeyId: 'drillproof-lab',
        secretAccessKey: 'drillproof-lab',
      },
    };
  }
  return {
    region: scenario.target.region,
    ...(scenario.target.profile ? { profile: scenario.target.profile } : {}),
    ...(scenario.target.endpoint ? { endpoint: scenario.target.endpoint } : {}),
  };
}

/** `20261122T074500Z-lab-ec2-instance-stop-3f9a`: sortable, readable, unique. */
export function newRunId(name: string, nowMs: number = Date.now()): string {
  const ts = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${ts}-${slug}-${randomBytes(2).toString('hex')}`;
}
