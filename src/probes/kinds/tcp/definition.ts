import { z } from 'zod';
import { port, strict, text } from '../../../scenario/common.js';
import { requireKey } from '../../../scenario/json-schema.js';
import { defaultMaxInFlight } from '../../config.js';
import { defineProbe } from '../definition.js';
import { probeScheduleShape } from '../schedule.js';
import { TcpProbe, type TcpProbeConfig } from './runner.js';

export const tcpProbeSchema = strict({
  ...probeScheduleShape,
  type: z.literal('tcp'),
  host: text,
  port,
}).meta({ description: 'TCP connect on a fixed schedule.' });

/** tcp: a dependency's port answers (a handshake, nothing more). */
export const tcpProbeKind = defineProbe({
  kind: 'tcp',
  schema: tcpProbeSchema,
  jsonSchema: requireKey('interval'),
  measures: { rto: 'service', rpo: false },
  endpoint: (p) => ({ host: p.host, port: p.port }),
  toConfig: (p, common): TcpProbeConfig => ({
    ...common,
    kind: 'tcp',
    maxInFlight: defaultMaxInFlight(common.intervalMs, common.timeoutMs),
    host: p.host,
    port: Number(p.port),
  }),
  createRunner: (cfg) => new TcpProbe(cfg),
  describe: (p, every) => `TCP connect to ${p.host}:${p.port} ${every}, timeout ${p.timeout}`,
});
