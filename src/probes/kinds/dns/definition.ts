import { z } from 'zod';
import { strict, text } from '../../../scenario/common.js';
import { requireKey } from '../../../scenario/json-schema.js';
import { defaultMaxInFlight } from '../../config.js';
import { defineProbe } from '../definition.js';
import { probeScheduleShape } from '../schedule.js';
import { DnsProbe, type DnsProbeConfig } from './runner.js';

export const dnsProbeSchema = strict({
  ...probeScheduleShape,
  type: z.literal('dns'),
  hostname: text,
  recordType: z.enum(['A', 'AAAA', 'CNAME']).default('A'),
}).meta({ description: 'DNS resolution on a fixed schedule; records the answers so an endpoint flip shows.' });

/** dns: the answers for a name, so an endpoint flip shows; never the headline RTO. */
export const dnsProbeKind = defineProbe({
  kind: 'dns',
  schema: dnsProbeSchema,
  jsonSchema: requireKey('interval'),
  measures: { rto: 'none', rpo: false },
  endpoint: (p) => ({ host: p.hostname }),
  toConfig: (p, common): DnsProbeConfig => ({
    ...common,
    kind: 'dns',
    maxInFlight: defaultMaxInFlight(common.intervalMs, common.timeoutMs),
    hostname: p.hostname,
    recordType: p.recordType,
  }),
  createRunner: (cfg) => new DnsProbe(cfg),
  describe: (p, every) => `resolve ${p.hostname} (${p.recordType}) ${every}, timeout ${p.timeout}`,
});
