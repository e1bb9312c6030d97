/**
 * RDS events as DescribeEvents returns them. The API has no event-id field: the id (RDS-EVENT-0049
 * ...) is only in EventBridge/SNS notifications, so callers match DescribeEvents output by message.
 * `RDS_EVENT_MESSAGES` maps each id the lab emits to the messages RDS has used for it (the documented
 * text and the newer console text), and `rdsEventIdForMessage` does the reverse lookup for real AWS
 * output too.
 */
export type EventSourceType = 'db-instance' | 'db-cluster' | 'db-snapshot';

export interface RdsEvent {
  eventId: string;
  sourceIdentifier: string;
  sourceType: EventSourceType;
  sourceArn: string;
  message: string;
  categories: string[];
  date: Date;
}

export const RDS_EVENT_MESSAGES: Record<string, { categories: string[]; messages: string[] }> = {
  'RDS-EVENT-0003': {
    categories: ['deletion'],
    messages: ['The DB instance has been deleted.', 'DB instance deleted'],
  },
  'RDS-EVENT-0005': { categories: ['creation'], messages: ['DB instance created'] },
  'RDS-EVENT-0006': { categories: ['availability'], messages: ['The DB instance restarted.', 'DB instance restarted'] },
  'RDS-EVENT-0013': {
    categories: ['failover'],
    messages: [
      'A Multi-AZ failover that resulted in the promotion of a standby instance has started.',
      'Multi-AZ instance failover started.',
    ],
  },
  'RDS-EVENT-0015': {
    categories: ['failover'],
    messages: [
      'A Multi-AZ failover that resulted in the promotion of a standby instance is complete. It may take several minutes for the DNS to transfer to the new primary DB instance.',
    ],
  },
  'RDS-EVENT-0019': {
    categories: ['restoration'],
    messages: ['The DB instance has been restored from a point-in-time backup.', 'Restored from DB instance'],
  },
  'RDS-EVENT-0040': { categories: ['backup'], messages: ['Creating manual snapshot', 'Creating manual snapshot.'] },
  'RDS-EVENT-0041': { categories: ['deletion'], messages: ['Deleted user snapshot', 'Deleted user snapshot.'] },
  'RDS-EVENT-0042': { categories: ['backup'], messages: ['Manual snapshot created', 'Manual snapshot created.'] },
  'RDS-EVENT-0043': { categories: ['restoration'], messages: ['Restored from snapshot'] },
  // The DescribeEvents message first (USER_Events.Messages, "Message" column), then the older description.
  'RDS-EVENT-0034': {
    categories: ['failover'],
    messages: [
      'Abandoning user requested failover since a failover recently occurred on the database instance.',
      'Amazon RDS is not attempting a requested failover because a failover recently occurred on the DB instance.',
    ],
  },
  'RDS-EVENT-0049': {
    categories: ['failover'],
    messages: ['A Multi-AZ failover has completed.', 'Multi-AZ instance failover completed'],
  },
  'RDS-EVENT-0071': { categories: ['failover'], messages: ['Completed failover to DB instance'] },
  'RDS-EVENT-0072': { categories: ['failover'], messages: ['Started same AZ failover to DB instance'] },
  'RDS-EVENT-0073': { categories: ['failover'], messages: ['Started cross AZ failover to DB instance'] },
  'RDS-EVENT-0170': { categories: ['creation'], messages: ['DB cluster created'] },
  'RDS-EVENT-0090': { categories: ['backup'], messages: ['Creating automated snapshot'] },
  'RDS-EVENT-0091': { categories: ['backup'], messages: ['Automated snapshot created'] },
};

/** The RDS event id a DescribeEvents message stands for (prefix match; messages may carry names). */
export function rdsEventIdForMessage(message: string): string | undefined {
  const m = message.trim();
  for (const [id, e] of Object.entries(RDS_EVENT_MESSAGES)) {
    if (e.messages.some((x) => m === x || m.startsWith(x))) return id;
  }
  return undefined;
}

export class RdsEventLog {
  readonly events: RdsEvent[] = [];

  /** Records event `id` with its first (documented) message, plus `suffix` (e.g. `: lab-aurora-2`). */
  add(eventId: string, sourceType: EventSourceType, sourceIdentifier: string, sourceArn: string, suffix = ''): void {
    const e = RDS_EVENT_MESSAGES[eventId];
    if (!e) throw new Error(`unknown RDS event ${eventId}`);
    this.events.push({
      eventId,
      sourceIdentifier,
      sourceType,
      sourceArn,
      message: `${e.messages[0]}${suffix}`,
      categories: e.categories,
      date: new Date(),
    });
  }
}
