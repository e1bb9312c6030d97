import type { AwsApis } from '../../aws/apis.js';
import type { Journal } from '../../run/journal.js';
import type { Clock } from '../../util/clock.js';
import type { WatchSpec } from '../faults/types.js';
import { autoScalingStates } from './autoscaling.js';
import { restoreJobState } from './backup.js';
import { ecsService } from './ecs.js';
import { replicationGroupTimeline } from './elasticache.js';
import {
  dnsAnswers,
  ec2States,
  fisStates,
  lambdaState,
  rdsStatusAndEvents,
  targetHealth,
  type WatchEvent,
} from './pollers.js';

export type { WatchEvent };

type Poller = () => Promise<WatchEvent[]>;

/**
 * Records the AWS-side timeline while faults are active: instance states, target health with
 * reason codes, ECS task states with stop codes, service counts, deployments and events, RDS
 * events by EventID (never by message text), FIS experiment and action states, DNS answers of
 * database endpoints, Auto Scaling group capacity, instance lifecycle and activities. Only changes
 * are journalled. Watchers explain the RTO; they
 * never replace the probe measurement, and their errors never fail a drill.
 */
export class WatcherSet {
  private readonly pollers = new Map<string, Poller>();
  private readonly last = new Map<string, string>();
  private readonly seenRdsEvents = new Set<string>();
  private readonly seenCacheEvents = new Set<string>();
  private readonly seenEcs = new Set<string>();
  private readonly seenActivities = new Set<string>();
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
      // Events without an id (cache events) differ by their message.
      const v = `${ev.state}|${ev.reason ?? ''}|${ev.message ?? ''}`;
      if (this.last.get(k) === v) return;
      this.last.set(k, v);
    }
    this.deps.journal.append('watch.event', ev as unknown as Record<string, unknown>);
  }

  private pollerFor(spec: WatchSpec): Poller {
    const { aws } = this.deps;
    switch (spec.source) {
      case 'ec2':
        return () => ec2States(aws, spec);
      case 'elbv2':
        return () => targetHealth(aws, spec);
      case 'ecs':
        return () => ecsService(aws, spec, this.deps.since, this.seenEcs);
      case 'rds':
        return () => rdsStatusAndEvents(aws, spec, this.deps.since, this.seenRdsEvents);
      case 'elasticache':
        return () => replicationGroupTimeline(aws, spec, this.deps.since, this.seenCacheEvents);
      case 'fis':
        return () => fisStates(aws, spec);
      case 'dns':
        return () => dnsAnswers(spec);
      case 'lambda':
        return () => lambdaState(aws, spec);
      case 'autoscaling':
        return () => autoScalingStates(aws, spec, this.deps.since, this.seenActivities);
      case 'backup':
        return () => restoreJobState(aws, spec);
    }
  }
}

function watchKey(spec: WatchSpec): string {
  switch (spec.source) {
    case 'ec2':
      return `ec2:${spec.instanceIds.join(',')}`;
    case 'elbv2':
      return `elbv2:${spec.targetGroupArn}`;
    case 'ecs':
      return `ecs:${spec.cluster}/${spec.service}`;
    case 'rds':
      return `rds:${spec.id}`;
    case 'elasticache':
      return `elasticache:${spec.replicationGroupId}`;
    case 'fis':
      return `fis:${spec.key}`;
    case 'dns':
      return `dns:${spec.hostname}`;
    case 'lambda':
      return `lambda:${spec.functionName}`;
    case 'autoscaling':
      return `autoscaling:${spec.groupName}`;
    case 'backup':
      return `backup:${spec.key}`;
  }
}
