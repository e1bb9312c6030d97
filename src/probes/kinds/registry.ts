import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { describeInput } from '../../scenario/common.js';
import type { ProbeRunner } from '../runner.js';
import type { ProbeDefinition, RunnerContext } from './definition.js';
import { dnsProbeKind } from './dns/definition.js';
import { dynamoHeartbeatKind } from './dynamodb-heartbeat.js';
import { mysqlHeartbeatKind } from './heartbeat/mysql-heartbeat.js';
import { postgresHeartbeatKind } from './heartbeat/postgres-heartbeat.js';
import { httpProbeKind } from './http/definition.js';
import { lambdaProbeKind } from './lambda/definition.js';
import { redisHeartbeatKind } from './redis-heartbeat.js';
import { tcpProbeKind } from './tcp/definition.js';

/**
 * Every probe kind, explicitly (no registration by import side effects). The order is the order
 * of the scenario schema's probe union, hence of the JSON Schema and the reference.
 */
export const PROBE_KINDS = [
  httpProbeKind,
  tcpProbeKind,
  dnsProbeKind,
  postgresHeartbeatKind,
  mysqlHeartbeatKind,
  dynamoHeartbeatKind,
  lambdaProbeKind,
  redisHeartbeatKind,
] as const;

type Kinds = typeof PROBE_KINDS;
type SchemasOf<T extends readonly ProbeDefinition[]> = { -readonly [K in keyof T]: T[K]['schema'] };

/** The scenario `type` of every probe kind. */
export const PROBE_TYPES: readonly string[] = PROBE_KINDS.map((k) => k.kind);

const byKind = new Map<string, ProbeDefinition>();
for (const k of PROBE_KINDS as readonly ProbeDefinition[]) {
  if (byKind.has(k.kind)) throw DrillproofError.tool('ProbeKindDuplicate', `probe kind ${k.kind} registered twice`);
  byKind.set(k.kind, k);
}

/** The definition of a probe kind (undefined for a kind drillproof does not have). */
export function probeKind(kind: string): ProbeDefinition | undefined {
  return byKind.get(kind);
}

/** Kinds whose schema has a `rate` (alternative to `interval`). */
const hasRate = (kind: string) => 'rate' in (byKind.get(kind)?.schema.shape ?? {});

/** A scenario probe entry: the union of every kind's schema, plus the schedule rule. */
export const probeSchema = z
  .discriminatedUnion('type', PROBE_KINDS.map((k) => k.schema) as SchemasOf<Kinds>, {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown probe type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use one of ${PROBE_TYPES.join(', ')}`
        : undefined,
  })
  .superRefine((p, ctx) => {
    const rate = (p as { rate?: string }).rate;
    if (rate !== undefined && p.interval !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'give rate or interval, not both', input: p });
    } else if (rate === undefined && p.interval === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: `probe "${p.name}" has no schedule: give interval (e.g. 200ms)${hasRate(p.type) ? ' or rate (e.g. 20/s)' : ''}`,
        input: undefined,
      });
    }
  });

export type Probe = z.infer<typeof probeSchema>;
export type ProbeType = Probe['type'];
/** The runtime config of any probe kind. */
export type ProbeConfig = ReturnType<Kinds[number]['toConfig']>;

/** The runner of a probe config, built by its kind's definition. */
export function createProbeRunner(cfg: ProbeConfig, ctx: RunnerContext): ProbeRunner {
  const def = byKind.get(cfg.kind);
  if (!def) throw DrillproofError.tool('ProbeKindUnknown', `no probe kind ${cfg.kind}`);
  return def.createRunner(cfg as never, ctx);
}
