/**
 * RDS DescribeEvents returns no EventID field (only EventBridge and SNS notifications carry it),
 * so the watcher derives it: an `RDS-EVENT-nnnn` token in the message wins, otherwise the message
 * is matched against the documented texts of the events drills care about, old and current
 * wordings both (AWS changed them over time; see docs/faults/rds-failover.md).
 */
const KNOWN: [RegExp, string][] = [
  [
    /multi-az (instance )?failover (that resulted in the promotion of a standby instance )?has started|multi-az (instance )?failover started/i,
    'RDS-EVENT-0013',
  ],
  [
    /multi-az failover to standby complete|failover .* is complete\. it may take several minutes for the dns/i,
    'RDS-EVENT-0015',
  ],
  [/multi-az (instance )?failover (has )?completed/i, 'RDS-EVENT-0049'],
  // Older wording, then the current one ("Abandoning user requested failover since a failover
  // recently occurred on the database instance.").
  [
    /not attempting a requested failover because a failover recently occurred|abandoning user requested failover since a failover recently occurred/i,
    'RDS-EVENT-0034',
  ],
  [/multi-az activation has started/i, 'RDS-EVENT-0050'],
  [/multi-az activation is complete/i, 'RDS-EVENT-0051'],
  [/^db instance restarted|the db instance restarted/i, 'RDS-EVENT-0006'],
  [/^db instance shutdown|the db instance shut ?down/i, 'RDS-EVENT-0004'],
  [/^db instance created|the db instance was created/i, 'RDS-EVENT-0005'],
  [/restored from a point-in-time backup|restored from db instance .* to /i, 'RDS-EVENT-0019'],
  [/restored from snapshot/i, 'RDS-EVENT-0043'],
  [/completed failover to db instance|failover (of the db cluster )?(has )?finished/i, 'RDS-EVENT-0071'],
  [/started same az failover|failover .*within the same availability zone/i, 'RDS-EVENT-0072'],
  [/started cross az failover|failover .*across availability zones/i, 'RDS-EVENT-0073'],
  [/failover (of the db cluster )?failed/i, 'RDS-EVENT-0069'],
  [/db instance stopped|the db instance has been stopped/i, 'RDS-EVENT-0087'],
  [/db instance started|the db instance has been started/i, 'RDS-EVENT-0088'],
];

export function rdsEventIdOf(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const token = message.match(/RDS-EVENT-\d{4}/)?.[0];
  if (token) return token;
  for (const [re, id] of KNOWN) if (re.test(message)) return id;
  return undefined;
}
