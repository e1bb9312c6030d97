import { z } from 'zod';
import type { AwsApis, EcsService } from '../../../aws/apis.js';
import { faultTimeFromJournal } from '../../../run/journal.js';
import { describeTasks, type TaskInfo, toTaskInfo } from '../../resources/ecs-service.js';
import type { FaultConfirmation } from '../definition.js';
import { defineInverse } from '../inverse.js';
import type { FaultAction, FaultContext, FollowUpResult, InverseContext } from '../types.js';
import { pollUntil } from '../wait.js';

/** Where the service stands: its counts, its running tasks and their target health. */
export interface ServiceSnapshot {
  desiredCount: number;
  runningCount: number;
  running: TaskInfo[];
  /** Task IP → health state in each target group (`healthy`, `initial`, absent ...). */
  health: Map<string, string[]>;
}

export async function describeService(aws: AwsApis, cluster: string, service: string): Promise<EcsService> {
  const r = await aws.ecs.describeServices({ cluster, services: [service] });
  const s = r.services?.[0];
  if (!s) throw new Error(`service ${service} not found in ${cluster}`);
  return s;
}

export async function snapshot(
  aws: AwsApis,
  cluster: string,
  service: string,
  targetGroupArns: string[],
): Promise<ServiceSnapshot> {
  const s = await describeService(aws, cluster, service);
  const arns = (await aws.ecs.listTasks({ cluster, serviceName: service, desiredStatus: 'RUNNING' })).taskArns ?? [];
  const running = (arns.length ? await describeTasks(aws, cluster, arns) : [])
    .filter((t) => t.lastStatus === 'RUNNING')
    .map(toTaskInfo);
  const health = new Map<string, string[]>();
  for (const tg of targetGroupArns) {
    const h = await aws.elbv2.describeTargetHealth({ TargetGroupArn: tg });
    for (const d of h.TargetHealthDescriptions ?? []) {
      const id = d.Target?.Id;
      if (id) health.set(id, [...(health.get(id) ?? []), d.TargetHealth?.State ?? 'unknown']);
    }
  }
  return { desiredCount: s.desiredCount ?? 0, runningCount: s.runningCount ?? 0, running, health };
}

/** Back at desired count, none of the stopped tasks among the running, every running task healthy in every target group. */
export function recoveredIn(s: ServiceSnapshot, stopped: ReadonlySet<string>, tgCount: number): boolean {
  if (s.runningCount < s.desiredCount || s.running.length < s.desiredCount) return false;
  if (s.running.some((t) => stopped.has(t.arn))) return false;
  if (tgCount === 0) return true;
  return s.running.every((t) => {
    const states = t.ip ? (s.health.get(t.ip) ?? []) : [];
    return states.length >= tgCount && states.every((x) => x === 'healthy');
  });
}

/** Polls until the service is recovered (`recoveredIn`); its snapshot then. */
function untilRecovered(
  c: Pick<InverseContext, 'aws' | 'clock' | 'pollMs' | 'waitTimeoutMs'>,
  o: { cluster: string; service: string; targetGroupArns: string[]; stopped: ReadonlySet<string> },
  signal?: AbortSignal,
): Promise<ServiceSnapshot> {
  return pollUntil(
    async () => {
      const snap = await snapshot(c.aws, o.cluster, o.service, o.targetGroupArns);
      return recoveredIn(snap, o.stopped, o.targetGroupArns.length) ? snap : undefined;
    },
    {
      clock: c.clock,
      intervalMs: c.pollMs,
      timeoutMs: c.waitTimeoutMs,
      ...(signal ? { signal } : {}),
      what: `service ${o.service} back at desired count with healthy targets`,
    },
  );
}

/**
 * The "undo" of a task stop: nothing can start a stopped task again; rollback (and `recover`
 * after a crash) waits until the service is back at its desired count, none of the stopped
 * tasks running, every task healthy in its target groups, so the lab or account is left as found.
 */
export const awaitService = defineInverse({
  action: 'ecs.await-service',
  params: z.object({
    cluster: z.string(),
    service: z.string(),
    targetGroupArns: z.array(z.string()),
    stopped: z.array(z.string()),
  }),
  async run(ctx, p) {
    await untilRecovered(ctx, { ...p, stopped: new Set(p.stopped) });
    return [];
  },
});

export function awaitServiceSpec(o: {
  cluster: string;
  service: string;
  targetGroupArns: string[];
  stopped: string[];
  region: string;
}) {
  const { region, ...params } = o;
  return awaitService.spec(params, `wait for service ${o.service} to be back at its desired count, healthy`, [
    `aws ecs describe-services --region ${region} --cluster ${o.cluster} --services ${o.service} --query 'services[0].[desiredCount,runningCount,events[:5]]'`,
  ]);
}

/**
 * The follow-up of a task stop: waits until the service is back at its desired count with
 * healthy targets (the service side of the recovery; the probes are the user side), and records
 * the replacement time from F and where the replacements were placed.
 */
export function awaitReplacement(o: {
  stepId: string;
  cluster: string;
  service: string;
  targetGroupArns: string[];
  stopped: TaskInfo[];
  before: TaskInfo[];
}): (c: FaultContext) => Promise<FollowUpResult> {
  return async (c) => {
    const startedAt = c.timeline.nowMs();
    const stopped = new Set(o.stopped.map((t) => t.arn));
    const known = new Set(o.before.map((t) => t.arn));
    const s = await untilRecovered(c, { ...o, stopped }, c.signal);
    const readyAt = c.timeline.nowMs();
    const faultAt = faultTimeFromJournal(c.journal.entries) ?? startedAt;
    const replacements = s.running.filter((t) => !known.has(t.arn)).map((t) => ({ task: t.id, az: t.az, ip: t.ip }));
    const seconds = Math.round(readyAt - faultAt) / 1000;
    const where = replacements.map((r) => `${r.task.slice(0, 8)} in ${r.az ?? '?'}`).join(', ');
    return {
      ok: true,
      detail: `service ${o.service} back at ${s.runningCount}/${s.desiredCount} with healthy targets ${seconds}s after the fault; replacements: ${where || 'none'}`,
      data: {
        replacement: {
          stepId: o.stepId,
          service: o.service,
          seconds,
          desiredCount: s.desiredCount,
          stopped: o.stopped.map((t) => ({ task: t.id, az: t.az })),
          replacements,
        },
      },
    };
  };
}

/**
 * Confirmation of a task stop from ECS's own answers: every stopped task reached STOPPED
 * (DescribeTasks, with its stop code) and the service's running count dropped below its
 * desired count (DescribeServices now, or the service watcher's record since the fault).
 */
export const stopTasksConfirmation: FaultConfirmation = {
  async check(action: FaultAction, ctx: FaultContext) {
    const cluster = action.targets[0]?.split('/').slice(-2, -1)[0] ?? 'default';
    const tasks = await describeTasks(ctx.aws, cluster, action.targets);
    const notStopped = tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn);
    const answers: unknown[] = tasks.map((t) => ({
      task: t.taskArn,
      lastStatus: t.lastStatus,
      stopCode: t.stopCode,
      stoppedReason: t.stoppedReason,
      group: t.group,
    }));
    const service = tasks[0]?.group?.startsWith('service:') ? tasks[0].group.slice('service:'.length) : undefined;
    let dropped = false;
    if (service) {
      const s = await describeService(ctx.aws, cluster, service);
      answers.push({ service, desiredCount: s.desiredCount, runningCount: s.runningCount });
      dropped =
        (s.runningCount ?? 0) < (s.desiredCount ?? 0) ||
        ctx.journal.entries.some((e) => {
          const d = e.data as { source?: string; resource?: string; running?: number; desired?: number };
          return (
            e.kind === 'watch.event' &&
            d.source === 'ecs' &&
            d.resource === service &&
            typeof d.running === 'number' &&
            typeof d.desired === 'number' &&
            d.running < d.desired
          );
        });
    }
    if (tasks.length < action.targets.length || notStopped.length) {
      return {
        status: 'not-confirmed' as const,
        detail: `not STOPPED: ${[...notStopped, ...action.targets.filter((a) => !tasks.some((t) => t.taskArn === a))].join(', ')}`,
        answers,
      };
    }
    if (!dropped) {
      return {
        status: 'not-confirmed' as const,
        detail: `tasks STOPPED but the running count of ${service ?? 'the service'} never dropped`,
        answers,
      };
    }
    return {
      status: 'confirmed' as const,
      detail: `${tasks.length} task(s) STOPPED (${[...new Set(tasks.map((t) => t.stopCode))].join(', ')}) and the running count of ${service} dropped`,
      answers,
    };
  },
};
