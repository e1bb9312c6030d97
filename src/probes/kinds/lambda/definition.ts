import { z } from 'zod';
import { describeInput, rate, strict, text } from '../../../scenario/common.js';
import { oneOfKeys } from '../../../scenario/json-schema.js';
import { defineProbe, type ProbeMappingContext } from '../definition.js';
import { regexSource } from '../http/definition.js';
import { probeScheduleShape } from '../schedule.js';
import { LambdaProbe, type LambdaProbeConfig } from './runner.js';

/** A JSON document as text (the Invoke payload), checked when the scenario is loaded. */
const jsonText = text.refine(
  (s) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `payload ${describeInput(iss.input)} is not JSON: write the event as JSON text, e.g. '{"id": 1}'` },
);

export const lambdaProbeSchema = strict({
  ...probeScheduleShape,
  type: z.literal('lambda'),
  function: text.meta({
    description: `Function name, ARN or partial ARN, e.g. \${lab.lambda.functionName} or arn:aws:lambda:us-east-1:123456789012:function:orders.`,
  }),
  qualifier: text.optional().meta({ description: 'Version or alias to invoke (default: $LATEST or the ARN’s own).' }),
  payload: jsonText.optional().meta({ description: 'The event, as JSON text (default {}).' }),
  rate: rate.optional().meta({ description: 'Invocations per unit of time (alternative to interval).' }),
  region: text
    .optional()
    .meta({ description: 'Region of the function when it is not the target region (ignored in the lab).' }),
  expect: strict({
    status: z
      .array(z.number().int().min(100).max(599))
      .min(1)
      .default([200])
      .meta({ description: 'Accepted Invoke status codes (200 for a synchronous invocation).' }),
    functionError: z
      .boolean()
      .default(false)
      .meta({ description: 'false: an answer with a function error fails; true: only a function error is ok.' }),
    bodyContains: text.optional().meta({ description: 'Text the response payload must contain.' }),
    bodyMatches: regexSource
      .optional()
      .meta({ description: 'JavaScript regular expression the response payload must match.' }),
  })
    .default({ status: [200], functionError: false })
    .meta({ description: 'What makes a sample ok.' }),
  maxInFlight: z.number().int().min(1).max(10_000).default(200),
}).meta({ description: 'Synchronous Lambda invocations (RequestResponse) on a fixed schedule.' });

export type LambdaProbeEntry = z.infer<typeof lambdaProbeSchema>;

/**
 * The AWS target of the invocations: the drill's own (lab endpoint and credentials, or the
 * scenario's region / profile), with the probe's region when it names one on AWS.
 */
function awsOf(p: LambdaProbeEntry, ctx: ProbeMappingContext): LambdaProbeConfig['aws'] {
  const base = ctx.aws ?? {
    region: ctx.region ?? 'us-east-1',
    ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
  };
  return p.region && !base.endpoint ? { ...base, region: p.region } : base;
}

/** lambda: what callers of the function feel (errors, throttling, latency of the invocation). */
export const lambdaProbeKind = defineProbe({
  kind: 'lambda',
  schema: lambdaProbeSchema,
  jsonSchema: oneOfKeys(['interval', 'rate']),
  measures: { rto: 'user', rpo: false },
  endpoint: (p) => ({ resource: p.function }),
  toConfig: (p, common, ctx): LambdaProbeConfig => ({
    ...common,
    kind: 'lambda',
    maxInFlight: p.maxInFlight,
    functionName: p.function,
    ...(p.qualifier === undefined ? {} : { qualifier: p.qualifier }),
    ...(p.payload === undefined ? {} : { payload: p.payload }),
    expect: {
      status: p.expect.status,
      functionError: p.expect.functionError,
      ...(p.expect.bodyContains === undefined ? {} : { bodyContains: p.expect.bodyContains }),
      ...(p.expect.bodyMatches === undefined ? {} : { bodyMatches: p.expect.bodyMatches }),
    },
    aws: awsOf(p, ctx),
  }),
  createRunner: (cfg) => new LambdaProbe(cfg),
  apiCalls: (p) => [
    {
      service: 'lambda',
      operation: 'Invoke',
      iamAction: 'lambda:InvokeFunction',
      resourceType: 'lambda-function',
      resource: p.function,
      ...(p.qualifier === undefined ? {} : { qualifier: p.qualifier }),
      note: `probe ${p.name}: one synchronous invocation per sample`,
    },
  ],
  describe: (p, every) =>
    `Invoke ${p.function}${p.qualifier ? `:${p.qualifier}` : ''} (RequestResponse) ${p.rate ? `at ${p.rate}` : every}, timeout ${p.timeout}, ok = status ${p.expect.status.join('/')} and ${p.expect.functionError ? 'a function error' : 'no function error'}${p.expect.bodyContains ? ` and payload contains "${p.expect.bodyContains}"` : ''}`,
});
