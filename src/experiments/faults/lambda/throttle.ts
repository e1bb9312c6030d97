import { z } from 'zod';
import { positiveDuration, strict } from '../../../scenario/common.js';
import { parseDurationMs } from '../../../util/units.js';
import { call, tagged } from '../../plan/context.js';
import { lambdaFunctionArns } from '../../resources/lambda-function.js';
import { resolvedOf, selectorOf } from '../../resources/registry.js';
import { defineFault } from '../definition.js';
import { defineInverse, requestIds } from '../inverse.js';
import { planTarget, resourceName, S, stepShape } from '../step.js';
import type { FaultAction } from '../types.js';

export const lambdaThrottleFault = strict({
  ...stepShape,
  type: z.literal('lambda-throttle'),
  resource: resourceName.meta({ description: 'lambda-function resource to throttle.' }),
  restoreAfter: positiveDuration
    .optional()
    .meta({ description: 'Restore the previous concurrency this long after throttling (else at rollback).' }),
}).meta({
  description:
    'Throttle a Lambda function: reserved concurrency 0, every invocation fails with 429 (inverse: the previous reserved concurrency, or none).',
});

/**
 * Puts back the reserved concurrency the function had before the drill: the number, or none
 * (DeleteFunctionConcurrency: the function uses the account's unreserved pool again). Idempotent.
 */
export const restoreConcurrency = defineInverse({
  action: 'lambda.restore-concurrency',
  params: z.object({ functionName: z.string().min(1), reservedConcurrency: z.number().int().min(0).nullable() }),
  async run(ctx, { functionName, reservedConcurrency }) {
    if (reservedConcurrency === null) {
      return requestIds(await ctx.aws.lambda.deleteFunctionConcurrency({ FunctionName: functionName }));
    }
    return requestIds(
      await ctx.aws.lambda.putFunctionConcurrency({
        FunctionName: functionName,
        ReservedConcurrentExecutions: reservedConcurrency,
      }),
    );
  },
});

export function restoreConcurrencySpec(functionName: string, previous: number | null, region: string) {
  const manual =
    previous === null
      ? `aws lambda delete-function-concurrency --region ${region} --function-name ${functionName}`
      : `aws lambda put-function-concurrency --region ${region} --function-name ${functionName} --reserved-concurrent-executions ${previous}`;
  return restoreConcurrency.spec(
    { functionName, reservedConcurrency: previous },
    previous === null
      ? `remove the reserved concurrency of ${functionName} (it had none)`
      : `set the reserved concurrency of ${functionName} back to ${previous}`,
    [manual],
  );
}

/** GetFunctionConcurrency answers that showed 0, per action (read before a self-restore). */
const zeroSeen = new WeakMap<FaultAction, unknown[]>();

/** lambda-throttle: PutFunctionConcurrency 0; inverse the previous value (or DeleteFunctionConcurrency). */
export const lambdaThrottleDefinition = defineFault({
  type: 'lambda-throttle',
  schema: lambdaThrottleFault,
  resourceRefs: [{ key: 'resource', types: ['lambda-function'] }],
  plan(f, ctx) {
    const fn = selectorOf(ctx.resources, f.resource, 'lambda-function')?.function;
    const fnArns = lambdaFunctionArns(ctx, fn);
    const after = f.restoreAfter ? ` and restores it after ${f.restoreAfter}` : '';
    return {
      title: `throttle Lambda function ${fn ?? f.resource}`,
      description: `Sets the function's reserved concurrency to 0, so every invocation is throttled (429)${after}.`,
      targets: [planTarget(ctx, f.resource)],
      preflight: [
        call('lambda', 'GetFunction', fnArns, { note: 'the function exists and is Active' }),
        call('lambda', 'GetFunctionConcurrency', fnArns, { note: 'the reserved concurrency to restore' }),
      ],
      inject: [
        call('lambda', 'PutFunctionConcurrency', fnArns, {
          ...tagged(ctx),
          params: { ReservedConcurrentExecutions: 0 },
        }),
      ],
      watch: [
        call('lambda', 'GetFunctionConfiguration', fnArns, { note: 'state and configuration' }),
        call('lambda', 'GetFunctionConcurrency', fnArns, { note: 'reserved concurrency (the confirmation)' }),
      ],
      inverse: {
        description: 'restore the previous reserved concurrency (or remove it when there was none)',
        awsCalls: [
          call('lambda', 'PutFunctionConcurrency', fnArns, {
            ...tagged(ctx),
            note: 'when it had a reserved concurrency',
          }),
          call('lambda', 'DeleteFunctionConcurrency', fnArns, { ...tagged(ctx), note: 'when it had none' }),
        ],
      },
      inverseActions: [restoreConcurrency.action],
      destructive: true,
      recoveryTypicalMs: ctx.lab ? 1 * S : 5 * S,
      injectMs: { typical: 1 * S, max: 30 * S },
      inverseMs: { typical: 1 * S, max: 30 * S },
      notes: ['while throttled, synchronous callers get TooManyRequestsException (429); async events are retried'],
    };
  },
  async prepare(step, ctx) {
    const fn = resolvedOf(ctx.resources, step.resource, 'lambda-function', `fault ${step.id} (${step.type})`);
    // Read now, not from the resolution: the inverse must restore what the function has at injection.
    const current = await ctx.aws.lambda.getFunctionConcurrency({ FunctionName: fn.arn });
    const previous = current.ReservedConcurrentExecutions ?? null;
    const action: FaultAction = {
      stepId: step.id,
      fault: step.type,
      action: 'lambda:PutFunctionConcurrency',
      targets: [fn.arn],
      inverse: restoreConcurrencySpec(fn.arn, previous, ctx.aws.region),
      preflight: async () => [
        { check: 'function active', ok: fn.state === 'Active', detail: `${fn.functionName} is ${fn.state}` },
        {
          check: 'not throttled already',
          ok: previous !== 0,
          detail: `reserved concurrency ${previous ?? 'none (unreserved pool)'}`,
          ...(previous === 0 ? { hint: 'the function is already throttled: restore its concurrency first' } : {}),
        },
      ],
      run: async (c) => {
        const res = await c.aws.lambda.putFunctionConcurrency({
          FunctionName: fn.arn,
          ReservedConcurrentExecutions: 0,
        });
        return {
          requestIds: requestIds(res),
          response: { reservedConcurrentExecutions: res.ReservedConcurrentExecutions ?? null, previous },
        };
      },
      watch: [{ source: 'lambda', functionName: fn.arn }],
    };
    if (step.restoreAfter !== undefined) {
      const after = parseDurationMs(step.restoreAfter) ?? 0;
      action.followUp = async (c) => {
        await c.clock.sleep(after, c.signal);
        // AWS's answer while throttled, kept for the confirmation (the restore changes it).
        const seen = await c.aws.lambda.getFunctionConcurrency({ FunctionName: fn.arn });
        if (seen.ReservedConcurrentExecutions === 0) zeroSeen.set(action, [stripMeta(seen)]);
        await restoreConcurrency.run(c, { functionName: fn.arn, reservedConcurrency: previous });
        return { ok: true, detail: `restored the concurrency of ${fn.functionName} after ${step.restoreAfter}` };
      };
    }
    return [action];
  },
  inverses: [restoreConcurrency],
  affects: (step) => [step.resource],
  confirm: {
    // AWS's own answer: GetFunctionConcurrency shows 0. Throttled probe samples (error `throttled`)
    // only support it: a 429 can also come from the account's concurrency limit.
    async check(action, ctx) {
      const kept = zeroSeen.get(action);
      if (kept)
        return { status: 'confirmed', detail: 'GetFunctionConcurrency showed 0 before the restore', answers: kept };
      const fn = action.targets[0] as string;
      const res = await ctx.aws.lambda.getFunctionConcurrency({ FunctionName: fn });
      const n = res.ReservedConcurrentExecutions;
      return n === 0
        ? { status: 'confirmed', detail: `GetFunctionConcurrency shows 0 for ${fn}`, answers: [stripMeta(res)] }
        : {
            status: 'not-confirmed',
            detail: `GetFunctionConcurrency shows ${n ?? 'no reserved concurrency'} for ${fn}, not 0`,
            answers: [stripMeta(res)],
          };
    },
  },
});

/** The answer without the SDK's metadata, with its request id. */
function stripMeta(o: { ReservedConcurrentExecutions?: number; $metadata: { requestId?: string } }) {
  return {
    ReservedConcurrentExecutions: o.ReservedConcurrentExecutions ?? null,
    requestId: o.$metadata.requestId ?? null,
  };
}
