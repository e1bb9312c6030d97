import type { AwsApis } from '../../aws/apis.js';
import type { WatchSpec } from '../faults/types.js';
import type { WatchEvent } from './pollers.js';

type Spec<K extends WatchSpec['source']> = Extract<WatchSpec, { source: K }>;

/**
 * The group's capacity, each instance's lifecycle and health, and each scaling activity (launch,
 * termination) once per status, with AWS's start time and cause.
 */
export async function autoScalingStates(
  aws: AwsApis,
  spec: Spec<'autoscaling'>,
  since: Date,
  seen: Set<string>,
): Promise<WatchEvent[]> {
  const res = await aws.autoscaling.describeAutoScalingGroups({ AutoScalingGroupNames: [spec.groupName] });
  const g = res.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === spec.groupName);
  const out: WatchEvent[] = [];
  if (g) {
    const inService = (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
    out.push({
      source: 'autoscaling',
      resource: spec.groupName,
      state: `desired ${g.DesiredCapacity ?? '?'}, in service ${inService}`,
      ...(g.SuspendedProcesses?.length
        ? { reason: `suspended ${g.SuspendedProcesses.map((p) => p.ProcessName).join(', ')}` }
        : {}),
    });
    for (const i of g.Instances ?? []) {
      out.push({
        source: 'autoscaling',
        resource: `${spec.groupName}/${i.InstanceId ?? '?'}`,
        state: `${i.LifecycleState ?? 'unknown'} ${i.HealthStatus ?? ''}`.trim(),
        ...(i.AvailabilityZone ? { reason: i.AvailabilityZone } : {}),
      });
    }
  }
  const acts = await aws.autoscaling.describeScalingActivities({ AutoScalingGroupName: spec.groupName });
  // Oldest first, so the timeline reads in order.
  for (const a of [...(acts.Activities ?? [])].reverse()) {
    if (!a.ActivityId || !a.StartTime || a.StartTime.getTime() < since.getTime() - 60_000) continue;
    const key = `${a.ActivityId}|${a.StatusCode ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      source: 'autoscaling',
      resource: spec.groupName,
      state: `activity ${a.StatusCode ?? 'unknown'}`,
      eventId: a.ActivityId,
      ...(a.Description ? { message: a.Description } : {}),
      ...(a.Cause ? { reason: a.Cause } : {}),
      eventTime: (a.EndTime ?? a.StartTime).toISOString(),
    });
  }
  return out;
}
