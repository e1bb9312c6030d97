import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { positiveDuration, strict, stringMap, text } from '../../scenario/common.js';
import { durationMs } from '../../scenario/helpers.js';
import { curlManualStep, expandHttp, type HttpActionSpec, sendHttp } from './command.js';
import { defineFault } from './definition.js';
import { defineInverse } from './inverse.js';
import { S, stepShape } from './step.js';

export const httpCallShape = {
  url: text,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: stringMap
    .optional()
    // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the variable syntax
    .meta({ description: 'Request headers; ${env.X} is read when the request is sent and never journaled.' }),
  body: text.optional(),
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  timeout: positiveDuration.default('10s').meta({ description: 'Bounds the whole request (connect, headers, body).' }),
};

export const httpFault = strict({
  ...stepShape,
  type: z.literal('http'),
  ...httpCallShape,
  inverse: strict(httpCallShape).optional().meta({ description: 'HTTP call made by rollback.' }),
}).meta({ description: 'Call a URL (e.g. a feature flag or a chaos endpoint).' });

/** One HTTP request as an undo: an http fault's `inverse`, or an explicit rollback step. */
export const httpInverse = defineInverse({
  action: 'http',
  params: z.object({
    url: z.string(),
    method: z.string().optional(),
    body: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    expectStatus: z.array(z.number()).optional(),
    timeoutMs: z.number().optional(),
    timeout: z.string().optional(),
  }),
  async run(ctx, p) {
    const r = await sendHttp(expandHttp(p as HttpActionSpec, ctx.env, 'inverse request'));
    if (!r.ok) {
      throw DrillproofError.user('InverseHttpFailed', `inverse request answered ${r.status ?? r.detail}: ${r.detail}`);
    }
    return [];
  },
});

/** The journaled undo: templates as written (`${env.X}` unexpanded), a quoted curl as the manual step. */
export function httpInverseSpec(p: z.infer<typeof httpInverse.params> & { method: string }) {
  return httpInverse.spec(p, `${p.method} ${p.url}`, [curlManualStep(p)]);
}

function callSpec(c: {
  url: string;
  method: string;
  headers?: Record<string, unknown> | undefined;
  body?: string | undefined;
  expectStatus: number[];
  timeout: string;
}): HttpActionSpec & { method: string } {
  return {
    url: c.url,
    method: c.method,
    ...(c.headers ? { headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, String(v)])) } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
    expectStatus: c.expectStatus,
    timeoutMs: durationMs(c.timeout),
  };
}

/** http: sends one request (e.g. a feature flag or an admin endpoint); optional inverse request. */
export const httpDefinition = defineFault({
  type: 'http',
  schema: httpFault,
  resourceRefs: [],
  plan(f) {
    const t = durationMs(f.timeout);
    const inv = f.inverse;
    return {
      title: `${f.method} ${f.url}`,
      description: `Calls ${f.method} ${f.url}, expecting status ${f.expectStatus.join(' or ')}.`,
      targets: [],
      preflight: [],
      inject: [],
      watch: [],
      inverse: inv
        ? { description: `call ${inv.method} ${inv.url}`, awsCalls: [], http: { method: inv.method, url: inv.url } }
        : null,
      inverseActions: inv ? [httpInverse.action] : [],
      destructive: true,
      recoveryTypicalMs: 10 * S,
      injectMs: { typical: Math.min(t, 1 * S), max: t },
      inverseMs: inv ? { typical: 1 * S, max: durationMs(inv.timeout) } : { typical: 0, max: 0 },
      notes: inv ? [] : ['no inverse: rollback does not undo this call'],
    };
  },
  async prepare(step) {
    const spec = callSpec(step);
    const inv = step.inverse;
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'http',
        targets: [`${spec.method} ${spec.url}`],
        inverse: inv ? httpInverseSpec(callSpec(inv)) : null,
        preflight: async () => [{ check: 'http action', ok: true, detail: `${spec.method} ${spec.url}` }],
        run: async (c) => {
          const r = await sendHttp(expandHttp(spec, c.env, `request of ${step.id}`));
          if (!r.ok) {
            throw DrillproofError.user(
              'HttpActionFailed',
              `${spec.method} ${spec.url} answered ${r.status ?? r.detail}`,
              {
                exitCode: ExitCode.StepFailed,
              },
            );
          }
          return { requestIds: [], response: { status: r.status } };
        },
      },
    ];
  },
  inverses: [httpInverse],
  expandsEnvAtRun: true,
});
