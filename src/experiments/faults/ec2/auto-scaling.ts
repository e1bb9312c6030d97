import { z } from 'zod';
import type { AwsApis } from '../../../aws/apis.js';
import { DrillproofError } from '../../../errors.js';
import { arns, call, type PlanContext } from '../../plan/context.js';
import type { AwsCall } from '../../plan/types.js';
import { defineInverse, requestIds } from '../inverse.js';
import type { FaultAction, FaultContext, FollowUpResult } from '../types.js';
import { pollUntil } from '../wait.js';

/**
 * What an EC2 fault does about the Auto Scaling group of its instances. A stopped or terminated
 * group instance is marked Unhealthy by the group's HealthCheck process and replaced by
 * ReplaceUnhealthy, so a drill has to say which of the two it means to prove:
 * - `suspend`: the instances stay out as the fault left them; the group's HealthCheck,
 *   ReplaceUnhealthy and AZRebalance processes are suspended for the drill (ResumeProcesses is
 *   journaled before the suspend, and runs in rollback and `recover`).
 * - `replace`: the group's own replacement is the recovery; the drill waits until the group runs
 *   its desired capacity of healthy InService instances without the faulted ones, and rollback
 *   accepts an instance the group terminated.
 */
export const autoScalingOption = z.enum(['suspend', 'replace']).optional().meta({
  description:
    "Required when a selected instance is in an Auto Scaling group. `suspend`: suspend the group's HealthCheck, ReplaceUnhealthy and AZRebalance processes for the drill (resumed in rollback). `replace`: let the group replace the instances; recovery waits until the group is back at its desired capacity with healthy InService instances.",
});

export type AutoScalingChoice = z.infer<typeof autoScalingOption>;

/**
 * The processes `suspend` suspends. HealthCheck and ReplaceUnhealthy are what the EC2 Auto Scaling
 * user guide suggests suspending so instances can be taken down without the group terminating them
 * ("Considerations for suspending processes"); AZRebalance keeps an AZ impairment from moving
 * capacity. Launch and Terminate stay active: suspending them stops scaling policies, which would
 * change the system the drill measures, and the API reference warns that it can keep other
 * processes from working.
 */
export const DRILL_SUSPENDED_PROCESSES = ['HealthCheck', 'ReplaceUnhealthy', 'AZRebalance'] as const;

/** The group ARN pattern of Suspend/ResumeProcesses (the only Auto Scaling actions with resources). */
export function groupArns(ctx: PlanContext): string[] {
  return arns(ctx, 'autoscaling', 'autoScalingGroup:*:autoScalingGroupName/*');
}

/**
 * Plan calls: the group lookup in preflight (always: any instance may be in a group), and with a
 * choice the watcher's reads and the chosen mode's calls.
 */
export function autoScalingPlanCalls(ctx: PlanContext, choice: AutoScalingChoice) {
  const preflight: AwsCall[] = [
    call('autoscaling', 'DescribeAutoScalingInstances', ['*'], { note: 'the Auto Scaling group of each instance' }),
  ];
  const watch: AwsCall[] = choice
    ? [
        call('autoscaling', 'DescribeAutoScalingGroups', ['*'], {
          note: 'group capacity and instance lifecycle (and the replace recovery)',
        }),
        call('autoscaling', 'DescribeScalingActivities', ['*'], { note: 'the group activities (replacements)' }),
      ]
    : [];
  const processes = { ScalingProcesses: [...DRILL_SUSPENDED_PROCESSES] };
  const suspend = call('autoscaling', 'SuspendProcesses', groupArns(ctx), {
    params: processes,
    note: 'before the fault, on the groups of the instances',
  });
  const resume = call('autoscaling', 'ResumeProcesses', groupArns(ctx), {
    params: processes,
    note: 'the processes suspended for the drill',
  });
  const suspending = choice === 'suspend';
  return {
    preflight,
    inject: suspending ? [suspend] : [],
    watch,
    inverse: suspending ? [resume] : [],
    inverseActions: suspending ? [resumeProcesses.action] : [],
  };
}

/** Instance id → Auto Scaling group name, for the instances that are in a group. */
export async function groupsOfInstances(aws: AwsApis, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // DescribeAutoScalingInstances takes at most 50 instance ids per request.
  for (let k = 0; k < ids.length; k += 50) {
    const res = await aws.autoscaling.describeAutoScalingInstances({ InstanceIds: ids.slice(k, k + 50) });
    for (const i of res.AutoScalingInstances ?? []) {
      if (i.InstanceId && i.AutoScalingGroupName) out.set(i.InstanceId, i.AutoScalingGroupName);
    }
  }
  return out;
}

/** The groups of a fault's instances and what the scenario chose for them. */
export interface AutoScalingScope {
  choice: AutoScalingChoice;
  /** Group name → the step's instances in it. */
  groups: Map<string, string[]>;
}

/**
 * Looks up the groups of the instances. @throws DrillproofError `AutoScalingChoiceMissing`
 * (exit 3, preflight) when an instance is in a group and the step does not say `autoScaling`.
 */
export async function autoScalingScope(
  step: { id: string; type: string; autoScaling?: AutoScalingChoice },
  ctx: FaultContext,
  ids: string[],
): Promise<AutoScalingScope> {
  const groups = new Map<string, string[]>();
  for (const [id, g] of await groupsOfInstances(ctx.aws, ids)) groups.set(g, [...(groups.get(g) ?? []), id]);
  if (groups.size > 0 && step.autoScaling === undefined) {
    const named = [...groups].map(([g, members]) => `${members.join(', ')} in ${g}`).join('; ');
    throw DrillproofError.user(
      'AutoScalingChoiceMissing',
      `fault ${step.id} (${step.type}): instance(s) ${named}: the group would replace them during the drill`,
      {
        exitCode: 3,
        hint: `set autoScaling on the fault: \`suspend\` (suspend ${DRILL_SUSPENDED_PROCESSES.join(', ')} of ${[...groups.keys()].join(', ')} for the drill) or \`replace\` (the group replaces the instances; recovery waits for it)`,
      },
    );
  }
  return { choice: step.autoScaling, groups };
}

/** Resumes the processes a drill suspended; resuming a process that runs changes nothing. */
export const resumeProcesses = defineInverse({
  action: 'autoscaling.resume-processes',
  params: z.object({ groups: z.array(z.string()).min(1), processes: z.array(z.string()).min(1) }),
  async run(ctx, { groups, processes }) {
    const rids: string[] = [];
    for (const g of groups) {
      rids.push(
        ...requestIds(
          await ctx.aws.autoscaling.resumeProcesses({ AutoScalingGroupName: g, ScalingProcesses: processes }),
        ),
      );
    }
    return rids;
  },
});

/**
 * `suspend`: SuspendProcesses on every group before the fault, ResumeProcesses journaled first
 * (the action's `before`), and the group watchers. `replace`: the recovery follow-up and the
 * watchers. No group: the action unchanged.
 */
export function withAutoScaling(action: FaultAction, scope: AutoScalingScope, region: string): FaultAction {
  const groups = [...scope.groups.keys()];
  if (groups.length === 0) return action;
  const processes = [...DRILL_SUSPENDED_PROCESSES];
  const out: FaultAction = {
    ...action,
    preflight: async (c) => [...(await action.preflight(c)), autoScalingCheck(scope)],
    watch: [...(action.watch ?? []), ...groups.map((groupName) => ({ source: 'autoscaling' as const, groupName }))],
  };
  if (scope.choice === 'suspend') {
    out.before = {
      description: `suspend ${processes.join(', ')} of ${groups.join(', ')}`,
      inverse: resumeProcesses.spec(
        { groups, processes },
        `resume ${processes.join(', ')} of ${groups.join(', ')}`,
        groups.map(
          (g) =>
            `aws autoscaling resume-processes --region ${region} --auto-scaling-group-name ${g} --scaling-processes ${processes.join(' ')}`,
        ),
      ),
      run: async (c) => {
        const rids: string[] = [];
        for (const g of groups) {
          const res = await c.aws.autoscaling.suspendProcesses({
            AutoScalingGroupName: g,
            ScalingProcesses: processes,
          });
          rids.push(...requestIds(res));
        }
        return { requestIds: rids };
      },
    };
  } else if (scope.choice === 'replace') {
    const prev = action.followUp;
    const faulted = new Set([...scope.groups.values()].flat());
    out.followUp = async (c) => {
      const [a, b] = await Promise.all([prev?.(c), awaitGroupsRestored(c, groups, faulted)]);
      return a ? { ok: a.ok && b.ok, detail: `${a.detail}; ${b.detail}`, data: { ...a.data, ...b.data } } : b;
    };
  }
  return out;
}

/** Preflight check lines: which group, which choice. */
export function autoScalingCheck(scope: AutoScalingScope) {
  const groups = [...scope.groups.keys()];
  return {
    check: 'auto-scaling',
    ok: true,
    detail:
      groups.length === 0
        ? 'no selected instance is in an Auto Scaling group'
        : `${groups.join(', ')}: ${
            scope.choice === 'suspend'
              ? `${DRILL_SUSPENDED_PROCESSES.join(', ')} suspended for the drill`
              : 'the group replaces the instances; recovery waits for its desired capacity'
          }`,
  };
}

export interface Replacement {
  group: string;
  instanceId: string;
  az: string | null;
  /** The launch activity's start and end (AWS's own times), RFC 3339. */
  launchStartedAt: string | null;
  launchEndedAt: string | null;
}

/**
 * `replace` recovery: each group runs at least its desired capacity of Healthy InService
 * instances other than the faulted ones. Data: the replacement instances with their launch times.
 */
export async function awaitGroupsRestored(
  c: FaultContext,
  groups: string[],
  faulted: Set<string>,
): Promise<FollowUpResult> {
  await pollUntil(
    async () => {
      const res = await c.aws.autoscaling.describeAutoScalingGroups({ AutoScalingGroupNames: groups });
      const ok = groups.every((name) => {
        const g = res.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === name);
        const healthy = (g?.Instances ?? []).filter(
          (i) =>
            i.LifecycleState === 'InService' &&
            i.HealthStatus?.toLowerCase() === 'healthy' &&
            !faulted.has(i.InstanceId ?? ''),
        );
        return g !== undefined && healthy.length >= (g.DesiredCapacity ?? 0);
      });
      return ok ? true : undefined;
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      signal: c.signal,
      what: `Auto Scaling group(s) ${groups.join(', ')} back at desired capacity without ${[...faulted].join(', ')}`,
    },
  );
  const replacements = await launchedSince(c, groups);
  const named = replacements.map((r) => `${r.instanceId}${r.az ? ` (${r.az})` : ''}`).join(', ');
  return {
    ok: true,
    detail: `${groups.join(', ')} back at desired capacity${named ? `; replaced by ${named}` : ''}`,
    data: { autoScaling: { groups, faulted: [...faulted], replacements } },
  };
}

/** Launch activities of the groups during the drill (the instance id is in the description). */
async function launchedSince(c: FaultContext, groups: string[]): Promise<Replacement[]> {
  const out: Replacement[] = [];
  // A minute of slack for the difference between this machine's clock and AWS's.
  const since = c.timeline.anchorWallMs - 60_000;
  for (const g of groups) {
    const res = await c.aws.autoscaling.describeScalingActivities({ AutoScalingGroupName: g });
    for (const a of res.Activities ?? []) {
      const id = /Launching a new EC2 instance: (i-[0-9a-f]+)/.exec(a.Description ?? '')?.[1];
      if (!id || a.StatusCode !== 'Successful' || !a.StartTime) continue;
      if (a.StartTime.getTime() < since) continue;
      let az: string | null = null;
      try {
        az = (JSON.parse(a.Details ?? '{}') as Record<string, string>)['Availability Zone'] ?? null;
      } catch {
        az = null;
      }
      out.push({
        group: g,
        instanceId: id,
        az,
        launchStartedAt: a.StartTime.toISOString(),
        launchEndedAt: a.EndTime?.toISOString() ?? null,
      });
    }
  }
  return out.sort((x, y) => (x.launchStartedAt ?? '').localeCompare(y.launchStartedAt ?? ''));
}
