import { lookup } from 'node:dns/promises';
import type { AwsApis } from '../../aws/apis.js';
import type { WatchSpec } from '../faults/types.js';
import { rdsEventIdOf } from './rds-event-ids.js';

/** One observation of AWS state, journalled as `watch.event` when it changes. */
export interface WatchEvent {
  source: 'ec2' | 'elbv2' | 'ecs' | 'rds' | 'elasticache' | 'fis' | 'dns' | 'lambda' | 'autoscaling' | 'backup';
  resource: string;
  state: string;
  reason?: string;
  eventId?: string;
  message?: string;
  /** ECS service counts (the `running n/m` state as numbers). */
  running?: number;
  desired?: number;
  /** Where an ECS task runs. */
  az?: string;
  /** AWS-side time of an RDS, ElastiCache or ECS service event or an Auto Scaling activity's start, RFC 3339. */
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

/**
 * The function's state and reserved concurrency (a throttle shows as `reserved concurrency 0`),
 * with what the FIS Lambda extension needs (layer, exec wrapper, configuration location) as the
 * message: the values of other environment variables are never read into the journal.
 */
export async function lambdaState(aws: AwsApis, spec: Spec<'lambda'>): Promise<WatchEvent[]> {
  const [cfg, conc] = await Promise.all([
    aws.lambda.getFunctionConfiguration({ FunctionName: spec.functionName }),
    aws.lambda.getFunctionConcurrency({ FunctionName: spec.functionName }),
  ]);
  const env = cfg.Environment?.Variables ?? {};
  const layer = (cfg.Layers ?? []).map((l) => l.Arn ?? '').find((a) => FIS_LAYER.test(a));
  const fis = [
    `FIS extension layer ${layer ?? 'absent'}`,
    `AWS_LAMBDA_EXEC_WRAPPER ${env.AWS_LAMBDA_EXEC_WRAPPER ?? 'unset'}`,
    `AWS_FIS_CONFIGURATION_LOCATION ${env.AWS_FIS_CONFIGURATION_LOCATION ?? 'unset'}`,
  ].join('; ');
  const reserved = conc.ReservedConcurrentExecutions;
  return [
    {
      source: 'lambda',
      resource: cfg.FunctionName ?? spec.functionName,
      state: `${cfg.State ?? 'unknown'}, reserved concurrency ${reserved ?? 'none'}`,
      ...(cfg.LastUpdateStatus && cfg.LastUpdateStatus !== 'Successful'
        ? { reason: `update ${cfg.LastUpdateStatus}` }
        : {}),
      message: fis,
    },
  ];
}

/** The AWS FIS Lambda extension layer, in any region's publishing account, either architecture. */
export const FIS_LAYER = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:aws-fis-extension-(x86_64|arm64):\d+$/;
