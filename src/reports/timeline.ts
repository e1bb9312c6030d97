import type { JournalEntry } from '../run/journal-types.js';
import type { AwsCallEntry, TimelineEntry } from './evidence-schema.js';

/**
 * The AWS-side timeline of a run, from the journal. It explains the RTO (when AWS saw the
 * instance stop, the target turn unhealthy, the failover complete); it never replaces the probe
 * measurement. RDS events are identified by EventID, never by message text.
 */
export const RDS_EVENT_MEANINGS: Record<string, string> = {
  'RDS-EVENT-0006': 'DB instance restarted',
  'RDS-EVENT-0013': 'Multi-AZ failover started',
  'RDS-EVENT-0015': 'Multi-AZ failover completed',
  'RDS-EVENT-0049': 'Multi-AZ failover completed',
  'RDS-EVENT-0050': 'Multi-AZ activation started',
  'RDS-EVENT-0051': 'Multi-AZ activation completed',
  'RDS-EVENT-0071': 'Aurora failover completed',
  'RDS-EVENT-0072': 'Aurora failover started (same AZ)',
  'RDS-EVENT-0073': 'Aurora failover started (other AZ)',
  'RDS-EVENT-0005': 'DB instance created',
  'RDS-EVENT-0003': 'DB instance deleted',
  'RDS-EVENT-0019': 'restored from a point in time',
  'RDS-EVENT-0043': 'restored from a DB snapshot',
};

type Data = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const WATCH_SOURCES = new Set(['ec2', 'elbv2', 'ecs', 'rds', 'elasticache', 'fis', 'dns', 'lambda']);

function base(e: JournalEntry, faultAtMs: number | null): Pick<TimelineEntry, 'time' | 't' | 'offsetSeconds'> {
  return {
    time: e.time,
    t: e.t,
    offsetSeconds: faultAtMs === null ? null : Math.round(e.t - faultAtMs) / 1000,
  };
}

function entry(
  e: JournalEntry,
  faultAtMs: number | null,
  fields: Omit<TimelineEntry, 'time' | 't' | 'offsetSeconds' | 'state' | 'reason' | 'eventId' | 'requestIds'> &
    Partial<Pick<TimelineEntry, 'state' | 'reason' | 'eventId' | 'requestIds'>>,
): TimelineEntry {
  return {
    ...base(e, faultAtMs),
    state: null,
    reason: null,
    eventId: null,
    requestIds: [],
    ...fields,
  };
}

function watchEvent(e: JournalEntry, faultAtMs: number | null): TimelineEntry {
  const d = e.data as Data;
  const src = str(d.source) ?? 'drillproof';
  const source = (WATCH_SOURCES.has(src) ? src : 'drillproof') as TimelineEntry['source'];
  const state = str(d.state);
  const reason = str(d.reason);
  const eventId = str(d.eventId);
  let what = state ?? '';
  // ECS service events carry a uuid, not a catalogued EventID: their message is what happened.
  if (eventId && src === 'ecs') what = str(d.message) ?? 'service event';
  else if (eventId) what = `${eventId}: ${RDS_EVENT_MEANINGS[eventId] ?? str(d.message) ?? 'event'}`;
  else if (reason) what = `${state ?? 'state'} (${reason})`;
  if (src === 'ecs' && str(d.az)) what = `${what} in ${str(d.az)}`;
  else if (!state && str(d.message)) what = str(d.message) as string;
  return entry(e, faultAtMs, {
    source,
    kind: 'watch.event',
    resource: str(d.resource),
    what,
    state,
    reason,
    eventId,
    requestIds: strs(d.requestIds),
  });
}

/** Turns journal entries into the timeline shown in reports, in journal order. */
export function buildTimeline(journal: readonly JournalEntry[], faultAtMs: number | null): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const e of journal) {
    const d = e.data as Data;
    switch (e.kind) {
      case 'run.started':
        out.push(entry(e, faultAtMs, { source: 'drillproof', kind: e.kind, resource: null, what: 'run started' }));
        break;
      case 'phase.started':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: null,
            what: `${str(d.phase) ?? 'phase'} started`,
          }),
        );
        break;
      case 'fault.requested':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: strs(d.targets).join(', ') || null,
            what: `fault ${str(d.stepId) ?? ''} injected: ${str(d.action) ?? str(d.fault) ?? ''}`.trim(),
          }),
        );
        break;
      case 'fault.acknowledged':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: null,
            what: `fault ${str(d.stepId) ?? ''} acknowledged by AWS`,
            requestIds: strs(d.requestIds),
          }),
        );
        break;
      case 'fault.failed':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: null,
            what: `fault ${str(d.stepId) ?? ''} failed: ${str(d.error) ?? 'unknown error'}`,
          }),
        );
        break;
      case 'watch.event':
        out.push(watchEvent(e, faultAtMs));
        break;
      case 'recovery.detected': {
        // The engine journals `probes: [...]` (every recovery probe held); older entries `probe`.
        const probes = strs(d.probes).length ? strs(d.probes) : str(d.probe) ? [str(d.probe) as string] : [];
        const hold = typeof d.holdMs === 'number' ? ` (held ok for ${d.holdMs / 1000}s)` : '';
        out.push(
          entry(e, faultAtMs, {
            source: 'probe',
            kind: e.kind,
            resource: probes.join(', ') || null,
            what: `recovery confirmed by ${probes.length > 1 ? 'probes' : 'probe'} ${probes.join(', ')}${hold}`,
          }),
        );
        break;
      }
      case 'guardrail.tripped':
        out.push(
          entry(e, faultAtMs, {
            source: 'guardrail',
            kind: e.kind,
            resource: null,
            what: `guardrail ${str(d.guardrail) ?? ''} tripped: ${str(d.detail) ?? ''}`.trim(),
          }),
        );
        break;
      case 'rollback.started':
      case 'rollback.succeeded':
      case 'rollback.failed':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: null,
            what:
              e.kind === 'rollback.failed'
                ? `rollback of ${str(d.stepId) ?? ''} FAILED: ${str(d.error) ?? ''}`
                : `rollback of ${str(d.stepId) ?? ''} ${e.kind === 'rollback.started' ? 'started' : 'succeeded'}`,
            requestIds: strs(d.requestIds),
          }),
        );
        break;
      case 'signal':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: null,
            what: `signal ${str(d.signal) ?? ''} received`,
          }),
        );
        break;
      case 'run.finished':
        out.push(
          entry(e, faultAtMs, {
            source: 'drillproof',
            kind: e.kind,
            resource: null,
            what: `run finished: ${str(d.verdict) ?? ''}`,
          }),
        );
        break;
      default:
        break;
    }
  }
  return out;
}

/** Every AWS API call the run made, with its request id (cross-check against CloudTrail). */
export function buildAwsCalls(journal: readonly JournalEntry[]): AwsCallEntry[] {
  return journal
    .filter((e) => e.kind === 'aws.call')
    .map((e) => {
      const d = e.data as Data;
      return {
        time: e.time,
        service: str(d.service) ?? 'unknown',
        operation: str(d.operation) ?? 'unknown',
        requestId: str(d.requestId),
        ms: typeof d.ms === 'number' ? d.ms : null,
        ok: d.ok !== false,
        errorCode: str(d.errorCode),
        ...(typeof d.attempts === 'number' ? { attempts: d.attempts } : {}),
        ...(Array.isArray(d.tries) ? { tries: d.tries.flatMap(tryEntry) } : {}),
      };
    });
}

type TryEntry = NonNullable<AwsCallEntry['tries']>[number];

/** One attempt of a retried call, as the journal holds it (call-record.ts); none when it is not one. */
function tryEntry(t: unknown): TryEntry[] {
  const d = (t ?? {}) as Data;
  const { attempt, atMs, ms } = d;
  if (typeof attempt !== 'number' || typeof atMs !== 'number' || typeof ms !== 'number') return [];
  return [
    {
      attempt,
      atMs,
      ms,
      httpStatus: typeof d.httpStatus === 'number' ? d.httpStatus : null,
      errorCode: str(d.errorCode),
      requestId: str(d.requestId),
    },
  ];
}
