import { lookup } from 'node:dns/promises';
import type { AwsApis } from '../../aws/apis.js';
import type { WatchSpec } from '../faults/types.js';
import { rdsEventIdOf } from './rds-event-ids.js';

/** One observation of AWS state, journalled as `watch.event` when it changes. */
export interface WatchEvent {
  source: 'ec2' | 'elbv2' | 'rds' | 'fis' | 'dns' | 'backup';
  resource: string;
  state: string;
  reason?: string;
  eventId?: string;
  message?: string;
  /** AWS-side time of an RDS event, RFC 3339. */
  eventTime?: string;
}

type Spec<S extends WatchSpec['source']> = Extract<WatchSpec, { source: S }>;

/** Instance states with the state reason code. */
export async function ec2States(aws: AwsApis, spec: Spec<'ec2'>): Promise<WatchEvent[]> {
  const res = await aws.ec2.describeInstances({ InstanceIds: spec.instanceIds });
  return (res.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.InstanceId && spec.instanceIds.includes(i.InstanceId))
    .map((i) => ({
      source: 'ec2' as const,
      resource: i.InstanceId as string,
      state: i.State?.Name ?? 'unknown',
      ...(i.StateReason?.Code ? { reason: i.StateReason.Code } : {}),
    }));
}

/** Target health states with their reason codes. */
export async function targetHealth(aws: AwsApis, spec: Spec<'elbv2'>): Promise<WatchEvent[]> {
  const res = await aws.elbv2.describeTargetHealth({ TargetGroupArn: spec.targetGroupArn });
  return (res.TargetHealthDescriptions ?? []).map((d) => ({
    source: 'elbv2' as const,
    resource: `${d.Target?.Id ?? '?'}${d.Target?.Port ? `:${d.Target.Port}` : ''}`,
    state: d.TargetHealth?.State ?? 'unknown',
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
  }));
}

/** The instance or cluster status, and every RDS event since the run started, once each (`seen`). */
export async function rdsStatusAndEvents(
  aws: AwsApis,
  spec: Spec<'rds'>,
  since: Date,
  seen: Set<string>,
): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  try {
    const status =
      spec.sourceType === 'db-cluster'
        ? (await aws.rds.describeDBClusters({ DBClusterIdentifier: spec.id })).DBClusters?.[0]?.Status
        : (await aws.rds.describeDBInstances({ DBInstanceIdentifier: spec.id })).DBInstances?.[0]?.DBInstanceStatus;
    out.push({ source: 'rds', resource: spec.id, state: status ?? 'unknown' });
  } catch {
    out.push({ source: 'rds', resource: spec.id, state: 'absent' });
  }
  const ev = await aws.rds.describeEvents({ SourceIdentifier: spec.id, SourceType: spec.sourceType, StartTime: since });
  for (const e of ev.Events ?? []) {
    const id = rdsEventIdOf(e.Message);
    const key = `${spec.id}|${id ?? ''}|${e.Date?.toISOString() ?? ''}|${e.Message ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      source: 'rds',
      resource: spec.id,
      state: 'event',
      ...(id ? { eventId: id } : {}),
      ...(e.Message ? { message: e.Message } : {}),
      ...(e.Date ? { eventTime: e.Date.toISOString() } : {}),
    });
  }
  return out;
}

/** The experiment's state and each action's, once the experiment id is known. */
export async function fisStates(aws: AwsApis, spec: Spec<'fis'>): Promise<WatchEvent[]> {
  const id = spec.experimentId();
  if (!id) return [];
  const res = await aws.fis.getExperiment({ id });
  const ex = res.experiment;
  const out: WatchEvent[] = [
    {
      source: 'fis',
      resource: id,
      state: ex?.state?.status ?? 'unknown',
      ...(ex?.state?.reason ? { reason: ex.state.reason } : {}),
    },
  ];
  for (const [name, a] of Object.entries(ex?.actions ?? {})) {
    out.push({
      source: 'fis',
      resource: `${id}/${name}`,
      state: a.state?.status ?? 'unknown',
      ...(a.state?.reason ? { reason: a.state.reason } : {}),
    });
  }
  return out;
}

/** The endpoint's addresses, sorted: a failover's DNS flip shows as a change. */
export async function dnsAnswers(spec: Spec<'dns'>): Promise<WatchEvent[]> {
  const answers = await lookup(spec.hostname, { all: true });
  return [
    {
      source: 'dns' as const,
      resource: spec.hostname,
      state: answers
        .map((a) => a.address)
        .sort()
        .join(','),
    },
  ];
}

/** The restore job's status with its PercentDone (each change is one event), once it has an id. */
export async function restoreJobState(aws: AwsApis, spec: Spec<'backup'>): Promise<WatchEvent[]> {
  const id = spec.restoreJobId();
  if (!id) return [];
  const j = await aws.backup.describeRestoreJob({ RestoreJobId: id });
  return [
    {
      source: 'backup',
      resource: id,
      state: `${j.Status ?? 'unknown'}${j.PercentDone ? ` ${j.PercentDone}` : ''}`,
      ...(j.StatusMessage ? { reason: j.StatusMessage } : {}),
    },
  ];
}
