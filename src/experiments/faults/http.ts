import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { positiveDuration, strict, stringMap, text } from '../../scenario/common.js';
import { durationMs } from '../../scenario/helpers.js';
import { type HttpActionSpec, sendHttp } from './command.js';
import { defineFault } from './definition.js';
import { defineInverse } from './inverse.js';
import { S, stepShape } from './step.js';

export const httpCallShape = {
  url: text,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: stringMap.optional(),
  body: text.optional(),
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  timeout: positiveDuration.default('10s'),
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
  async run(_ctx, p) {
    const r = await sendHttp(p as HttpActionSpec);
    if (!r.ok) throw DrillproofError.user('InverseHttpFailed', `inverse request answered ${r.status}: ${r.detail}`);
    return [];
  },
});

export function httpInverseSpec(p: z.infer<typeof httpInverse.params> & { method: string }, manual = p.url) {
  return httpInverse.spec(p, `${p.method} ${p.url}`, [manual]);
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
    const spec: HttpActionSpec = {
      url: step.url,
      method: step.method,
      ...(step.body !== undefined ? { body: step.body } : {}),
      expectStatus: step.expectStatus,
      timeoutMs: durationMs(step.timeout),
    };
    const inv = step.inverse;
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'http',
        targets: [`${spec.method} ${spec.url}`],
        inverse: inv
          ? httpInverseSpec(inv, `curl -X ${inv.method} ${inv.url}${inv.body ? ` --data '${inv.body}'` : ''}`)
          : null,
        preflight: async () => [{ check: 'http action', ok: true, detail: `${spec.method} ${spec.url}` }],
        run: async () => {
          const r = await sendHttp(spec);
          if (!r.ok) {
            throw DrillproofError.user(
              'HttpActionFailed',
              `${spec.method} ${spec.url} answered ${r.status ?? r.detail}`,
            );
          }
          return { requestIds: [], response: { status: r.status } };
        },
      },
    ];
  },
  inverses: [httpInverse],
});
