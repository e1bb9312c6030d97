import { z } from 'zod';
import { describeInput, name, port, positiveDuration, rate, secretRef, strict, stringMap, text } from './common.js';

/** Every probe runs open-loop on a fixed schedule: give `interval` (or `rate` for http). */
const common = {
  name: name.meta({ description: 'Probe name, used by objectives, recovery and abort conditions.' }),
  interval: positiveDuration.optional().meta({ description: 'Time between scheduled samples (Δ).' }),
  timeout: positiveDuration.default('2s').meta({ description: 'A sample not complete after this counts as failed.' }),
  recoveryWindow: positiveDuration
    .optional()
    .meta({ description: 'Recovery window W (default max(10 × interval, 5s)).' }),
};

const statusCode = z.number().int().min(100).max(599);

export const httpProbe = strict({
  ...common,
  type: z.literal('http'),
  url: text.meta({ description: `URL to request, e.g. \${lab.appUrl}/health.` }),
  rate: rate.optional().meta({ description: 'Requests per unit of time (alternative to interval).' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: stringMap.optional().meta({ description: `Request headers; put secrets in \${env.X}.` }),
  body: text.optional(),
  expect: strict({
    status: z.array(statusCode).min(1).default([200]).meta({ description: 'Accepted status codes.' }),
    bodyContains: text.optional(),
    bodyMatches: z
      .string()
      .refine(
        (s) => {
          try {
            new RegExp(s);
            return true;
          } catch {
            return false;
          }
        },
        { error: (iss) => `invalid regular expression ${describeInput(iss.input)}` },
      )
      .optional()
      .meta({ description: 'JavaScript regular expression the body must match.' }),
    headers: stringMap.optional().meta({ description: 'Response headers that must have these values.' }),
  })
    .default({ status: [200] })
    .meta({ description: 'What makes a sample ok.' }),
  connection: z
    .enum(['keep-alive', 'fresh'])
    .default('keep-alive')
    .meta({ description: 'keep-alive reuses connections like a browser; fresh opens one per request.' }),
  backendHeader: z.string().optional().meta({ description: 'Response header naming the backend that answered.' }),
  maxInFlight: z.number().int().min(1).max(10_000).default(200),
}).meta({ description: 'HTTP requests on a fixed schedule.' });

export const tcpProbe = strict({
  ...common,
  type: z.literal('tcp'),
  host: text,
  port,
}).meta({ description: 'TCP connect on a fixed schedule.' });

export const dnsProbe = strict({
  ...common,
  type: z.literal('dns'),
  hostname: text,
  recordType: z.enum(['A', 'AAAA', 'CNAME']).default('A'),
}).meta({ description: 'DNS resolution on a fixed schedule; records the answers so an endpoint flip shows.' });

export const TLS_MODES = ['disable', 'require', 'verify-full'] as const;
const tlsMode = z.enum(TLS_MODES);
/** Where the CA bundle that signed the server certificate comes from (RDS: global-bundle.pem). */
const caSource = z
  .union([
    strict({ file: text.meta({ description: 'PEM file (relative to the scenario file), e.g. global-bundle.pem.' }) }),
    strict({ env: text.meta({ description: 'Environment variable holding the PEM bundle itself.' }) }),
  ])
  .meta({ description: 'CA certificates to trust: { file: path } or { env: NAME }.' });
export const sslSetting = z
  .union([
    tlsMode,
    strict({
      mode: tlsMode,
      ca: caSource.optional(),
    }),
  ])
  .meta({
    description:
      "TLS: disable, require (encrypted, certificate not checked) or verify-full (chain and host name checked against Node's CAs, or { mode: verify-full, ca: { file: global-bundle.pem } } for RDS).",
  });
export type SslSetting = z.infer<typeof sslSetting>;

export const dbConnection = strict({
  host: text,
  port,
  database: text,
  user: text,
  password: secretRef,
  ssl: sslSetting.default('require'),
}).meta({ description: 'Database connection (the same endpoint the application uses).' });

const heartbeatCommon = {
  ...common,
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('drillproof')
    .meta({ description: 'Schema of the heartbeat table.' }),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('heartbeat'),
  connection: dbConnection,
};

export const postgresHeartbeatProbe = strict({
  ...heartbeatCommon,
  type: z.literal('postgres-heartbeat'),
}).meta({ description: 'Writes (run_id, seq, sent_at) every interval and reads them back after recovery (RPO).' });

export const mysqlHeartbeatProbe = strict({
  ...heartbeatCommon,
  type: z.literal('mysql-heartbeat'),
}).meta({ description: 'Like postgres-heartbeat, for MySQL / Aurora MySQL.' });

export const PROBE_TYPES = ['http', 'tcp', 'dns', 'postgres-heartbeat', 'mysql-heartbeat'] as const;

export const probeSchema = z
  .discriminatedUnion('type', [httpProbe, tcpProbe, dnsProbe, postgresHeartbeatProbe, mysqlHeartbeatProbe], {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown probe type ${describeInput((iss.input as { type?: unknown } | undefined)?.type)}: use one of ${PROBE_TYPES.join(', ')}`
        : undefined,
  })
  .superRefine((p, ctx) => {
    const hasRate = p.type === 'http' && p.rate !== undefined;
    if (hasRate && p.interval !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'give rate or interval, not both', input: p });
    } else if (!hasRate && p.interval === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: `probe "${p.name}" has no schedule: give interval (e.g. 200ms)${p.type === 'http' ? ' or rate (e.g. 20/s)' : ''}`,
        input: undefined,
      });
    }
  });

export type Probe = z.infer<typeof probeSchema>;
export type HttpProbe = z.infer<typeof httpProbe>;
export type TcpProbe = z.infer<typeof tcpProbe>;
export type DnsProbe = z.infer<typeof dnsProbe>;
export type HeartbeatProbe = z.infer<typeof postgresHeartbeatProbe> | z.infer<typeof mysqlHeartbeatProbe>;
export type DbConnection = z.infer<typeof dbConnection>;
export type ProbeType = Probe['type'];
