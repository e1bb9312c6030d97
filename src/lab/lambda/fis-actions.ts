import { randomBytes } from 'node:crypto';
import type { ActionRunner } from '../fis/actions.js';
import { parseIsoDurationMs } from '../fis/duration.js';
import type { Resource } from '../fis/targets.js';
import {
  type FisFaultConfig,
  type LambdaFaultAction,
  removeFaultConfig,
  s3LocationDir,
  writeFaultConfig,
} from './fis-extension.js';
import type { LambdaLab } from './service.js';

const bool = (v: string | undefined, def: boolean) => (v === undefined ? def : v === 'true');

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** `aws:lambda:function` targets: every function by its ARN (and the `$LATEST`-qualified ARN). */
export function lambdaResources(lab: LambdaLab): Resource[] {
  return [...lab.functions.values()].map((f) => ({
    arn: f.arn,
    id: f.name,
    tags: f.tags,
    data: { FunctionName: f.name, QualifiedArns: [`${f.arn}:$LATEST`], Runtime: 'nodejs20.x' },
  }));
}

/**
 * The FIS Lambda actions as FIS runs them: for each target function FIS reads the configuration
 * location from the function's environment and writes the fault there for `duration`; the FIS
 * extension inside the function applies it. A function without the extension never reads it.
 */
function lambdaAction(lab: LambdaLab, s3Root: string, actionId: LambdaFaultAction): ActionRunner {
  return async (ctx, params, targets) => {
    const ms = parseIsoDurationMs(params.duration ?? '');
    if (ms === undefined) throw new Error(`parameter duration is not an ISO 8601 duration: ${params.duration}`);
    const pct = params.invocationPercentage === undefined ? 100 : Number(params.invocationPercentage);
    if (!(pct >= 1 && pct <= 100))
      throw new Error(`invocationPercentage must be 1 to 100, not ${params.invocationPercentage}`);
    const files: string[] = [];
    const cleanup = () => {
      for (const f of files) removeFaultConfig(f);
    };
    ctx.onStop(cleanup);
    const expiresAt = Date.now() + ms * ctx.timeScale;
    for (const r of targets.Functions ?? []) {
      const f = lab.get(r.id);
      const location = f.environment.AWS_FIS_CONFIGURATION_LOCATION;
      const dir = s3LocationDir(s3Root, location);
      if (!dir) {
        throw new Error(
          `function ${f.name} has no valid AWS_FIS_CONFIGURATION_LOCATION (an S3 ARN such as arn:aws:s3:::bucket/prefix/)`,
        );
      }
      const cfg: FisFaultConfig = {
        actionId,
        functionArn: f.arn,
        invocationPercentage: pct,
        preventExecution: bool(params.preventExecution, true),
        expiresAt,
      };
      if (actionId === 'aws:lambda:invocation-add-delay') {
        cfg.startupDelayMilliseconds = Number(params.startupDelayMilliseconds ?? '1000');
        cfg.preventExecution = false;
      }
      if (actionId === 'aws:lambda:invocation-http-integration-response') {
        cfg.statusCode = Number(params.statusCode ?? '200');
        cfg.contentTypeHeader = params.contentTypeHeader ?? 'text/plain';
      }
      files.push(writeFaultConfig(dir, `${f.name}-${randomBytes(6).toString('hex')}`, cfg));
    }
    try {
      await wait(ms * ctx.timeScale, ctx.signal);
    } finally {
      cleanup();
    }
  };
}

export function lambdaFisActions(lab: LambdaLab, s3Root: string): Record<string, ActionRunner> {
  const ids: LambdaFaultAction[] = [
    'aws:lambda:invocation-error',
    'aws:lambda:invocation-add-delay',
    'aws:lambda:invocation-http-integration-response',
  ];
  return Object.fromEntries(ids.map((id) => [id, lambdaAction(lab, s3Root, id)]));
}
