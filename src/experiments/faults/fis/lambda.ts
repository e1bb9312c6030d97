import { DrillproofError } from '../../../errors.js';
import { arns as arnsIn, call, type PlanContext } from '../../plan/context.js';
import type { AwsCall } from '../../plan/types.js';
import { FIS_LAYER } from '../../watchers/pollers.js';
import type { FaultContext, PreflightCheckResult, WatchSpec } from '../types.js';

/** The FIS actions that inject faults into Lambda invocations through the FIS Lambda extension. */
export const FIS_LAMBDA_ACTIONS: ReadonlySet<string> = new Set([
  'aws:lambda:invocation-error',
  'aws:lambda:invocation-add-delay',
  'aws:lambda:invocation-http-integration-response',
]);

/** What the FIS Lambda extension needs in the function's configuration (FIS user guide, Lambda actions). */
export const FIS_EXEC_WRAPPER = '/opt/aws-fis/bootstrap';
const S3_LOCATION = /^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

interface TemplateLike {
  targets?: Record<string, { resourceType?: string; resourceArns?: string[]; resourceTags?: Record<string, string> }>;
  actions?: Record<string, { actionId?: string; targets?: Record<string, string> }>;
}

/**
 * The functions the template's Lambda actions target: by ARN (checked and watched), and the
 * names of targets that select by tags (FIS resolves those itself; drillproof cannot list them).
 */
export function lambdaTargetsOf(template: unknown): { arns: string[]; byTags: string[] } {
  const t = (template ?? {}) as TemplateLike;
  const arns = new Set<string>();
  const byTags = new Set<string>();
  for (const a of Object.values(t.actions ?? {})) {
    if (!FIS_LAMBDA_ACTIONS.has(a.actionId ?? '')) continue;
    for (const name of Object.values(a.targets ?? {})) {
      const target = t.targets?.[name];
      if (target?.resourceType !== 'aws:lambda:function') continue;
      // A qualified ARN (version or alias) names the same function configuration.
      for (const arn of target.resourceArns ?? [])
        arns.add(arn.replace(/^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):.*$/, '$1'));
      if (!target.resourceArns?.length) byTags.add(name);
    }
  }
  return { arns: [...arns].sort(), byTags: [...byTags].sort() };
}

/**
 * One check per prerequisite of the FIS Lambda extension, per targeted function
 * (GetFunctionConfiguration): the extension layer, AWS_LAMBDA_EXEC_WRAPPER and an S3
 * AWS_FIS_CONFIGURATION_LOCATION. Without any of them FIS writes its fault and nothing in the
 * function reads it: the experiment completes and nothing happened.
 */
export async function fisLambdaPreflight(c: FaultContext, template: unknown): Promise<PreflightCheckResult[]> {
  const { arns, byTags } = lambdaTargetsOf(template);
  const out: PreflightCheckResult[] = byTags.map((name) => ({
    check: 'fis lambda targets',
    ok: true,
    detail: `target ${name} selects functions by tags: FIS resolves them, their extension setup is not checked`,
  }));
  for (const arn of arns) {
    let cfg: Awaited<ReturnType<typeof c.aws.lambda.getFunctionConfiguration>>;
    try {
      cfg = await c.aws.lambda.getFunctionConfiguration({ FunctionName: arn });
    } catch (err) {
      if (!DrillproofError.is(err)) throw err;
      out.push({
        check: 'fis lambda function',
        ok: false,
        detail: `${arn}: ${err.message}`,
        hint: 'check the template target ARNs',
      });
      continue;
    }
    const name = cfg.FunctionName ?? arn;
    const env = cfg.Environment?.Variables ?? {};
    const layer = (cfg.Layers ?? []).map((l) => l.Arn ?? '').find((a) => FIS_LAYER.test(a));
    const wrapper = env.AWS_LAMBDA_EXEC_WRAPPER;
    const location = env.AWS_FIS_CONFIGURATION_LOCATION;
    out.push(
      {
        check: 'fis extension layer',
        ok: layer !== undefined,
        detail: layer
          ? `${name} has ${layer}`
          : `${name} has no AWS FIS extension layer (aws-fis-extension-x86_64 / -arm64)`,
        ...(layer
          ? {}
          : {
              hint: 'add the FIS extension layer for the function’s region and architecture (SSM /aws/service/fis/lambda-extension/...)',
            }),
      },
      {
        check: 'fis exec wrapper',
        ok: wrapper === FIS_EXEC_WRAPPER,
        detail: `${name}: AWS_LAMBDA_EXEC_WRAPPER ${wrapper === undefined ? 'is not set' : `is ${wrapper}`}`,
        ...(wrapper === FIS_EXEC_WRAPPER
          ? {}
          : { hint: `set AWS_LAMBDA_EXEC_WRAPPER=${FIS_EXEC_WRAPPER} on the function` }),
      },
      {
        check: 'fis configuration location',
        ok: location !== undefined && S3_LOCATION.test(location),
        detail: `${name}: AWS_FIS_CONFIGURATION_LOCATION ${location === undefined ? 'is not set' : `is ${location}`}`,
        ...(location !== undefined && S3_LOCATION.test(location)
          ? {}
          : { hint: 'set AWS_FIS_CONFIGURATION_LOCATION to an S3 ARN such as arn:aws:s3:::my-fis-config/FisConfigs/' }),
      },
    );
  }
  return out;
}

/** The function watchers of the template's Lambda targets (configuration and concurrency on the timeline). */
export function fisLambdaWatches(template: unknown): WatchSpec[] {
  return lambdaTargetsOf(template).arns.map((functionName) => ({ source: 'lambda' as const, functionName }));
}

/**
 * The plan's Lambda calls of a template with Lambda actions: the extension checks in preflight,
 * the function watchers in observe. A template given by id may have them: listed on every function.
 */
export function fisLambdaPlanCalls(
  ctx: PlanContext,
  template: unknown,
  byId: boolean,
): { preflight: AwsCall[]; watch: AwsCall[] } {
  const { arns, byTags } = lambdaTargetsOf(template);
  if (!byId && arns.length === 0 && byTags.length === 0) return { preflight: [], watch: [] };
  const res = arns.length > 0 && byTags.length === 0 ? arns : arnsIn(ctx, 'lambda', 'function:*');
  return {
    preflight: [
      call('lambda', 'GetFunctionConfiguration', res, {
        note: 'FIS Lambda extension: layer, AWS_LAMBDA_EXEC_WRAPPER, AWS_FIS_CONFIGURATION_LOCATION',
      }),
    ],
    watch: [
      call('lambda', 'GetFunctionConfiguration', res, { note: 'the function’s configuration' }),
      call('lambda', 'GetFunctionConcurrency', res, { note: 'its reserved concurrency' }),
    ],
  };
}
