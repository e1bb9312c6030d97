import type { AwsApis } from '../../aws/apis.js';
import { describeTasks } from '../resources/ecs-service.js';
import type { WatchEvent } from './pollers.js';

interface EcsSpec {
  cluster: string;
  service: string;
  taskArns: string[];
}

/** The tasks a service watcher follows: the stopped ones and every task seen running since. */
const followed = new WeakMap<EcsSpec, Set<string>>();

const shortId = (arn: string) => arn.split('/').pop() ?? arn;

/**
 * One poll of an ECS service: its running vs desired count, each deployment's rollout state, the
 * service events since the run started (once each, `seen`), and the state of every followed task
 * with its stop code and stopped reason (a replacement appears with the AZ it was placed in).
 */
export async function ecsService(aws: AwsApis, spec: EcsSpec, since: Date, seen: Set<string>): Promise<WatchEvent[]> {
  const tracked = followed.get(spec) ?? new Set(spec.taskArns);
  followed.set(spec, tracked);
  const out: WatchEvent[] = [];
  const r = await aws.ecs.describeServices({ cluster: spec.cluster, services: [spec.service] });
  const s = r.services?.[0];
  if (!s) return [{ source: 'ecs', resource: spec.service, state: 'absent' }];
  const running = s.runningCount ?? 0;
  const desired = s.desiredCount ?? 0;
  out.push({
    source: 'ecs',
    resource: spec.service,
    state: `running ${running}/${desired}${s.pendingCount ? `, pending ${s.pendingCount}` : ''}`,
    running,
    desired,
  });
  for (const d of s.deployments ?? []) {
    out.push({
      source: 'ecs',
      resource: `${spec.service}/${d.id ?? '?'}`,
      state: `${d.status ?? '?'} ${d.rolloutState ?? ''}`.trim(),
      ...(d.rolloutStateReason ? { reason: d.rolloutStateReason } : {}),
    });
  }
  for (const e of [...(s.events ?? [])].reverse()) {
    if (!e.id || seen.has(e.id) || (e.createdAt && e.createdAt.getTime() < since.getTime())) continue;
    seen.add(e.id);
    out.push({
      source: 'ecs',
      resource: spec.service,
      state: 'event',
      eventId: e.id,
      ...(e.message ? { message: e.message } : {}),
      ...(e.createdAt ? { eventTime: e.createdAt.toISOString() } : {}),
    });
  }
  const now = await aws.ecs.listTasks({ cluster: spec.cluster, serviceName: spec.service, desiredStatus: 'RUNNING' });
  for (const a of now.taskArns ?? []) tracked.add(a);
  for (const t of tracked.size ? await describeTasks(aws, spec.cluster, [...tracked]) : []) {
    const reason = [t.stopCode, t.stoppedReason].filter(Boolean).join(': ');
    out.push({
      source: 'ecs',
      resource: `task/${shortId(t.taskArn ?? '?')}`,
      state: t.lastStatus ?? 'unknown',
      ...(reason ? { reason } : {}),
      ...(t.availabilityZone ? { az: t.availabilityZone } : {}),
    });
  }
  return out;
}
