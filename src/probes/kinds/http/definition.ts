import { z } from 'zod';
import { describeInput, rate, strict, stringMap, text } from '../../../scenario/common.js';
import { oneOfKeys } from '../../../scenario/json-schema.js';
import { DEFAULT_TIMEOUT_MS, defaultMaxInFlight } from '../../config.js';
import { defineProbe } from '../definition.js';
import { probeScheduleShape } from '../schedule.js';
import { HttpProbe, type HttpProbeConfig } from './runner.js';

const statusCode = z.number().int().min(100).max(599);

/** A JavaScript regular expression source (a body match), checked when the scenario is loaded. */
export const regexSource = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `invalid regular expression ${describeInput(iss.input)}` },
);

export const httpProbeSchema = strict({
  ...probeScheduleShape,
  type: z.literal('http'),
  url: text.meta({ description: `URL to request, e.g. \${lab.appUrl}/health.` }),
  rate: rate.optional().meta({ description: 'Requests per unit of time (alternative to interval).' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: stringMap.optional().meta({ description: `Request headers; put secrets in \${env.X}.` }),
  body: text.optional(),
  expect: strict({
    status: z.array(statusCode).min(1).default([200]).meta({ description: 'Accepted status codes.' }),
    bodyContains: text.optional(),
    bodyMatches: regexSource.optional().meta({ description: 'JavaScript regular expression the body must match.' }),
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

/** http: what users feel, through the load balancer. */
export const httpProbeKind = defineProbe({
  kind: 'http',
  schema: httpProbeSchema,
  jsonSchema: oneOfKeys(['interval', 'rate']),
  measures: { rto: 'user', rpo: false },
  endpoint: (p) => ({ url: p.url }),
  toConfig: (p, common): HttpProbeConfig => ({
    ...common,
    kind: 'http',
    maxInFlight: p.maxInFlight,
    url: p.url,
    method: p.method,
    headers: p.headers ?? {},
    ...(p.body === undefined ? {} : { body: p.body }),
    expect: {
      status: p.expect.status,
      ...(p.expect.bodyContains === undefined ? {} : { bodyContains: p.expect.bodyContains }),
      ...(p.expect.bodyMatches === undefined ? {} : { bodyMatches: p.expect.bodyMatches }),
      ...(p.expect.headers === undefined ? {} : { headers: p.expect.headers }),
    },
    connection: p.connection,
    ...(p.backendHeader === undefined ? {} : { backendHeader: p.backendHeader }),
  }),
  createRunner: (cfg) => new HttpProbe(cfg),
  describe: (p, every) =>
    `${p.method} ${p.url} ${p.rate ? `at ${p.rate}` : every}, timeout ${p.timeout}, ok = status ${p.expect.status.join('/')}${p.expect.bodyContains ? ` and body contains "${p.expect.bodyContains}"` : ''}`,
});

/** An HTTP probe config with defaults, for `drillproof probe <url>` and tests. */
export function httpProbe(
  url: string,
  opts: Partial<Omit<HttpProbeConfig, 'kind' | 'url'>> & { name?: string } = {},
): HttpProbeConfig {
  const intervalMs = opts.intervalMs ?? 50;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cfg: HttpProbeConfig = {
    kind: 'http',
    name: opts.name ?? 'http',
    url,
    intervalMs,
    timeoutMs,
    maxInFlight: opts.maxInFlight ?? defaultMaxInFlight(intervalMs, timeoutMs),
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    expect: opts.expect ?? { status: [200] },
    connection: opts.connection ?? 'keep-alive',
  };
  if (opts.recoveryWindowMs !== undefined) cfg.recoveryWindowMs = opts.recoveryWindowMs;
  if (opts.body !== undefined) cfg.body = opts.body;
  if (opts.backendHeader !== undefined) cfg.backendHeader = opts.backendHeader;
  return cfg;
}
