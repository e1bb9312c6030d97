import { z } from 'zod';
import type { AwsApis } from '../../aws/apis.js';
import { strict, text } from '../../scenario/common.js';
import { arns, known, type PlanContext } from '../plan/context.js';
import { defineResource } from './definition.js';
import { missing, rethrowMissing } from './missing.js';

export const lambdaFunctionSelector = strict({
  type: z.literal('lambda-function'),
  function: text.meta({
    description: `Function name, ARN or partial ARN, e.g. orders-api or \${lab.lambda.functionArn}.`,
  }),
}).meta({ description: 'A Lambda function (unqualified: reserved concurrency applies to every version).' });

export type LambdaFunctionSelector = z.infer<typeof lambdaFunctionSelector>;

/** The environment variables the FIS Lambda extension reads (their values are not secret). */
export const FIS_ENV_KEYS = ['AWS_FIS_CONFIGURATION_LOCATION', 'AWS_LAMBDA_EXEC_WRAPPER'] as const;

export interface ResolvedLambdaFunction {
  name: string;
  type: 'lambda-function';
  functionName: string;
  arn: string;
  state: string;
  /** Reserved concurrency; null when the function has none (it uses the account's pool). */
  reservedConcurrency: number | null;
  layers: string[];
  /** Only the FIS extension's variables: the other values may hold secrets. */
  fisEnvironment: Partial<Record<(typeof FIS_ENV_KEYS)[number], string>>;
  tags: Record<string, string>;
}

const FULL_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;
const PARTIAL_ARN = /^(\d{12}):function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;

/**
 * `arn:aws:lambda:<region>:<account>:function:<name>` for a name, partial or full ARN (a
 * qualifier dropped: reserved concurrency and the FIS actions act on the function); a wildcard
 * name when only run time knows it.
 */
export function lambdaFunctionArns(ctx: PlanContext, fn: string | undefined): string[] {
  if (!known(fn)) return arns(ctx, 'lambda', 'function:*');
  const full = FULL_ARN.exec(fn);
  if (full) return [`arn:aws:lambda:${full[1]}:${full[2]}:function:${full[3]}`];
  const partial = PARTIAL_ARN.exec(fn);
  if (partial) return [`arn:aws:lambda:${ctx.region}:${partial[1]}:function:${partial[2]}`];
  return arns(ctx, 'lambda', `function:${fn}`);
}

/** The function's configuration and concurrency as GetFunction answers them. */
export async function readLambdaFunction(
  aws: AwsApis,
  name: string,
  fn: string,
): Promise<Omit<ResolvedLambdaFunction, 'name' | 'type'>> {
  const res = await aws.lambda.getFunction({ FunctionName: fn }).catch((err) => rethrowMissing(err, name));
  const c = res.Configuration;
  if (!c?.FunctionArn || !c.FunctionName) throw missing(name, `Lambda function ${fn} not found`);
  const env = c.Environment?.Variables ?? {};
  const fisEnvironment: ResolvedLambdaFunction['fisEnvironment'] = {};
  for (const k of FIS_ENV_KEYS) if (env[k] !== undefined) fisEnvironment[k] = env[k];
  return {
    functionName: c.FunctionName,
    arn: c.FunctionArn,
    state: c.State ?? 'unknown',
    reservedConcurrency: res.Concurrency?.ReservedConcurrentExecutions ?? null,
    layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter((a) => a !== ''),
    fisEnvironment,
    tags: { ...(res.Tags ?? {}) },
  };
}

export const lambdaFunctionResource = defineResource({
  type: 'lambda-function',
  schema: lambdaFunctionSelector,
  async resolve(aws, name, sel): Promise<ResolvedLambdaFunction> {
    return { name, type: 'lambda-function', ...(await readLambdaFunction(aws, name, sel.function)) };
  },
  describe: (r) => `Lambda function ${r.function}`,
  describeResolved: (r) =>
    `${r.functionName} ${r.state}, reserved concurrency ${r.reservedConcurrency ?? 'none (unreserved pool)'}`,
  arns: (ctx, sel) => lambdaFunctionArns(ctx, sel?.function),
});
