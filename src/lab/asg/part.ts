import { autoScalingService } from '../api/autoscaling.js';
import type { LabPart, LabPartContext } from '../part.js';
import { instanceId } from '../topology.js';
import { AutoScalingGroupLab } from './group.js';
import { ASG_ARN, ASG_NAME, ASG_TAG } from './model.js';

/** `lab.json` `asg` (with `asg: true` / `lab up --asg`). */
export interface AsgLabInfo {
  groupName: string;
  groupArn: string;
  targetGroupArns: string[];
  availabilityZones: string[];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  healthCheckType: 'EC2' | 'ELB';
  healthCheckGracePeriodMs: number;
  /** The group's instances at start (replacements get new ids). */
  instanceIds: string[];
}

/**
 * The Auto Scaling group `lab-web-asg`: it owns the first `asgInstancesPerAz` web instances of
 * every AZ (tagged `aws:autoscaling:groupName`) and replaces them when they stop or terminate.
 */
export async function startAsgPart(ctx: LabPartContext): Promise<LabPart> {
  const o = ctx.options;
  const originals = ctx.azs.flatMap((az) =>
    Array.from({ length: o.asgInstancesPerAz }, (_, k) => ({ id: instanceId(az, k + 1), az })),
  );
  for (const m of originals) {
    const i = ctx.fleet.instances.get(m.id);
    if (!i) throw new Error(`auto scaling: instance ${m.id} is not in the lab`);
    i.tags[ASG_TAG] = ASG_NAME;
  }
  const desired = originals.length;
  const group = new AutoScalingGroupLab(
    {
      name: ASG_NAME,
      azs: ctx.azs,
      minSize: desired,
      maxSize: desired * 2,
      desiredCapacity: desired,
      healthCheckType: o.asgHealthCheckType,
      healthCheckGracePeriodMs: o.asgHealthCheckGracePeriodMs,
      checkIntervalMs: o.asgCheckIntervalMs,
    },
    {
      fleet: ctx.fleet,
      targetGroups: [ctx.webTargetGroup],
      reachable: ctx.network.reachable,
      freePort: ctx.freePort,
      log: ctx.log,
    },
    originals,
  );
  group.start();
  const targetGroupArns = [ctx.webTargetGroup.arn];
  const info: AsgLabInfo = {
    groupName: ASG_NAME,
    groupArn: ASG_ARN,
    targetGroupArns,
    availabilityZones: [...ctx.azs],
    minSize: group.s.minSize,
    maxSize: group.s.maxSize,
    desiredCapacity: desired,
    healthCheckType: o.asgHealthCheckType,
    healthCheckGracePeriodMs: o.asgHealthCheckGracePeriodMs,
    instanceIds: originals.map((m) => m.id),
  };
  return {
    name: 'asg',
    info: { asg: info },
    status: () => ({
      name: ASG_NAME,
      desiredCapacity: group.s.desiredCapacity,
      instances: [...group.members.values()].map((m) => ({
        id: m.id,
        az: m.az,
        lifecycleState: m.lifecycle,
        healthStatus: m.health,
      })),
      suspendedProcesses: [...group.suspended.keys()],
      activities: group.activities.length,
    }),
    beforeReset: () => group.pauseForReset(),
    reset: async () => group.restore(),
    shutdown: async () => {
      group.stop();
      await group.settle();
    },
    query: { autoscaling: autoScalingService([group], targetGroupArns) },
  };
}
