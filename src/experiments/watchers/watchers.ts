import { lookup } from 'node:dns/promises';
import type { AwsApis } from '../../aws/apis.js';
import type { Journal } from '../../run/journal.js';
import type { Clock } from '../../util/clock.js';
import type { WatchSpec } from '../faults/types.js';
import { rdsEventIdOf } from './rds-event-ids.js';

/** One observation of AWS state, journalled as `watch.event` when it changes. */
export interface WatchEvent {
  source: 'ec2' | 'elbv2' | 'rds' | 'fis' | 'dns';
  resource: string;
  state: string;
  reason?: string;
  eventId?: string;
  message?: string;
  /** AWS-side time of an RDS event, RFC 3339. */
  eventTime?: string;
}

type Poller = () => Promise<WatchEvent[]>;

/**
 * Records the AWS-side timeline while faults are active: instance states, target health with
 * reason codes, RDS events by EventID (never by message text), FIS experiment and action states,
 * DNS answers of database endpoints. Only changes are journalled. Watchers explain the RTO; they
 * never replace the probe measurement, and their errors never fail a drill.
 */
export class WatcherSet {
  private readonly pollers = new Map<string, Poller>();
  private readonly last = new Map<string, string>();
  private readonly seenRdsEvents = new Set<string>();
  private stopper: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private errorsNoted = new Set<string>();

  constructor(private readonly deps: { aws: AwsApis; journal: Journal; clock: Clock; pollMs: number; since: Date }) {}

  add(spec: WatchSpec): void {
    const key = watchKey(spec);
    if (this.pollers.has(key)) return;
    this.pollers.set(key, this.pollerFor(spec));
  }

  start(): void {
    if (this.loop) return;
    this.stopper = new AbortController();
    const signal = this.stopper.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        await this.pollOnce();
        try {
          await this.deps.clock.sleep(this.deps.pollMs, signal);
        } catch {
          return;
        }
      }
    })();
  }

  /** Stops polling after one last poll, so the final states are on record. */
  async stop(): Promise<void> {
    this.stopper?.abort();
    await this.loop;
    this.loop = null;
    await this.pollOnce();
  }

  async pollOnce(): Promise<void> {
    await Promise.all(
      [...this.pollers.entries()].map(async ([key, poll]) => {
        try {
          for (const ev of await poll()) this.record(ev);
        } catch (err) {
          if (!this.errorsNoted.has(key)) {
            this.errorsNoted.add(key);
            this.deps.journal.append('note', { message: `watcher ${key} failed: ${(err as Error).message}` });
          }
        }
      }),
    );
  }

  private record(ev: WatchEvent): void {
    if (ev.eventId === undefined) {
      const k = `${ev.source}:${ev.resource}`;
      const v = `${ev.state}|${ev.reason ?? ''}`;
      if (this.last.get(k) === v) return;
      this.last.set(k, v);
    }
    this.deps.journal.append('watch.event', ev as unknown as Record<string, unknown>);
  }

  private pollerFor(spec: WatchSpec): Poller {
    const { aws } = this.deps;
    switch (spec.source) {
      case 'ec2':
        return async () => {
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
        };
      case 'elbv2':
        return async () => {
          const res = await aws.elbv2.describeTargetHealth({ TargetGroupArn: spec.targetGroupArn });
          return (res.TargetHealthDescriptions ?? []).map((d) => ({
            source: 'elbv2' as const,
            resource: `${d.Target?.Id ?? '?'}${d.Target?.Port ? `:${d.Target.Port}` : ''}`,
            state: d.TargetHealth?.State ?? 'unknown',
            ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
          }));
        };
      case 'rds':
        return async () => {
          const out: WatchEvent[] = [];
          try {
            const status =
              spec.sourceType === 'db-cluster'
                ? (await aws.rds.describeDBClusters({ DBClusterIdentifier: spec.id })).DBClusters?.[0]?.Status
                : (await aws.rds.describeDBInstances({ DBInstanceIdentifier: spec.id })).DBInstances?.[0]
                    ?.DBInstanceStatus;
            out.push({ source: 'rds', resource: spec.id, state: status ?? 'unknown' });
          } catch {
            out.push({ source: 'rds', resource: spec.id, state: 'absent' });
          }
          const ev = await aws.rds.describeEvents({
            SourceIdentifier: spec.id,
            SourceType: spec.sourceType,
            StartTime: this.deps.since,
          });
          for (const e of ev.Events ?? []) {
            const id = rdsEventIdOf(e.Message);
            const key = `${spec.id}|${id ?? ''}|${e.Date?.toISOString() ?? ''}|${e.Message ?? ''}`;
            if (this.seenRdsEvents.has(key)) continue;
            this.seenRdsEvents.add(key);
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
        };
      case 'fis':
        return async () => {
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
        };
      case 'dns':
        return async () => {
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
        };
    }
  }
}

function watchKey(spec: WatchSpec): string {
  switch (spec.source) {
    case 'ec2':
      return `ec2:${spec.instanceIds.join(',')}`;
    case 'elbv2':
      return `elbv2:${spec.targetGroupArn}`;
    case 'rds':
      return `rds:${spec.id}`;
    case 'fis':
      return `fis:${spec.key}`;
    case 'dns':
      return `dns:${spec.hostname}`;
  }
}
