import type { ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import { waitForPort } from '../ec2/fleet.js';
import { nodeArgsFor } from '../node-entry.js';
import { type ProcessRegistry, spawnTracked, stopChild } from '../processes.js';
import { type FunctionSpec, functionArn } from './functions.js';

/** Account concurrency limit and the unreserved minimum Lambda keeps (PutFunctionConcurrency checks it). */
export const ACCOUNT_CONCURRENCY = 1000;
export const MIN_UNRESERVED = 100;
/** Invoke payload limits: 6 MB both ways for RequestResponse, 256 KB for Event. */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
export const ASYNC_PAYLOAD_LIMIT = 256 * 1024;

export interface LabFunction extends FunctionSpec {
  arn: string;
  port: number;
  urlPort: number | undefined;
  reserved: number | undefined;
  inflight: number;
  lastModified: Date;
  revisionId: string;
  codeSha256: string;
  child: ChildProcess | undefined;
  urlCreated: Date;
}

export interface InvokeResult {
  /** 200 / 202 / 204 as Invoke answers. */
  statusCode: number;
  payload: string;
  functionError?: 'Unhandled';
  logTail?: string;
}

export interface LambdaLabDeps {
  registry: ProcessRegistry;
  logsDir: string;
  cwd: string;
  s3Root: string;
  fisPollMs: number;
  freePort: () => Promise<number>;
}

interface HostOutcome {
  kind: 'result' | 'error';
  payload?: unknown;
  errorType?: string;
  errorMessage?: string;
  trace?: string[];
  logs: string[];
}

const throttled = () =>
  Object.assign(new ApiError('TooManyRequestsException', 'Rate Exceeded.', 429), {
    extra: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User' },
  });

/**
 * Lambda in the lab: every function is a real process (its execution environment) answering the
 * invocations the service hands it; the service enforces reserved concurrency, payload limits and
 * the function timeout, and builds the Invoke answer (FunctionError, LogResult, ExecutedVersion).
 */
export class LambdaLab {
  readonly functions = new Map<string, LabFunction>();
  private readonly initialTags = new Map<string, Record<string, string>>();

  constructor(private readonly d: LambdaLabDeps) {}

  async start(specs: FunctionSpec[]): Promise<void> {
    for (const s of specs) {
      const now = new Date();
      this.initialTags.set(s.name, { ...s.tags });
      this.functions.set(s.name, {
        ...s,
        tags: { ...s.tags },
        arn: functionArn(s.name),
        port: await this.d.freePort(),
        urlPort: undefined,
        reserved: undefined,
        inflight: 0,
        lastModified: now,
        revisionId: randomUUID(),
        codeSha256: createHash('sha256').update(`${s.name}:lab-handler`).digest('base64'),
        child: undefined,
        urlCreated: now,
      });
    }
    await Promise.all([...this.functions.values()].map((f) => this.spawn(f)));
  }

  private async spawn(f: LabFunction): Promise<void> {
    const child = spawnTracked(this.d.registry, {
      name: `lambda ${f.name}`,
      command: process.execPath,
      args: nodeArgsFor('lambda/host'),
      cwd: this.d.cwd,
      env: {
        PATH: process.env.PATH,
        ...f.environment,
        AWS_LAMBDA_FUNCTION_NAME: f.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(f.memoryMb),
        LAB_FUNCTION_ARN: f.arn,
        LAB_PORT: String(f.port),
        LAB_LAYERS: f.layers.join(','),
        LAB_FIS_POLL_MS: String(this.d.fisPollMs),
        LAB_S3_ROOT: this.d.s3Root,
      },
      logFile: join(this.d.logsDir, `lambda-${f.name}.log`),
    });
    f.child = child;
    child.once('exit', () => {
      if (f.child === child) f.child = undefined;
    });
    await waitForPort(f.port, 15_000, () => f.child !== child);
  }

  /** By name, ARN or partial ARN, with an optional `:qualifier` (only `$LATEST` exists in the lab). */
  get(nameOrArn: string, qualifier?: string): LabFunction {
    const m =
      /^(?:arn:aws:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]+)(?::([$A-Za-z0-9_-]+))?$/.exec(
        nameOrArn,
      );
    const f = m ? this.functions.get(m[1] as string) : undefined;
    const q = qualifier ?? m?.[2];
    if (!f || (q !== undefined && q !== '$LATEST')) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Function not found: ${functionArn(m?.[1] ?? nameOrArn)}${q !== undefined ? `:${q}` : ''}`,
        404,
      );
    }
    return f;
  }

  reservedTotal(except?: LabFunction): number {
    return [...this.functions.values()].filter((f) => f !== except).reduce((n, f) => n + (f.reserved ?? 0), 0);
  }

  putConcurrency(f: LabFunction, n: number): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new ApiError(
        'InvalidParameterValueException',
        'ReservedConcurrentExecutions must be a non-negative integer.',
      );
    }
    if (ACCOUNT_CONCURRENCY - this.reservedTotal(f) - n < MIN_UNRESERVED) {
      throw new ApiError(
        'InvalidParameterValueException',
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
      );
    }
    f.reserved = n;
  }

  async invoke(
    f: LabFunction,
    payload: string,
    type: 'RequestResponse' | 'Event' | 'DryRun',
    tail: boolean,
  ): Promise<InvokeResult> {
    const limit = type === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT;
    const size = Buffer.byteLength(payload);
    if (size > limit) {
      throw new ApiError(
        'RequestTooLargeException',
        `${type === 'Event' ? 'Request' : 'Request'} must be smaller than ${limit} bytes for the ${type === 'Event' ? 'InvokeAsync' : 'InvokeFunction'} operation`,
        413,
      );
    }
    if (payload && !isJson(payload)) {
      throw new ApiError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    if (type === 'DryRun') return { statusCode: 204, payload: '' };
    if (type === 'Event') {
      // Accepted for the internal queue; a throttled event is retried by Lambda, not refused.
      void this.run(f, payload).catch(() => {});
      return { statusCode: 202, payload: '' };
    }
    const limitNow = f.reserved ?? ACCOUNT_CONCURRENCY - this.reservedTotal();
    if (f.inflight >= limitNow) throw throttled();
    const r = await this.run(f, payload);
    return tail ? r : { ...r, logTail: undefined };
  }

  private async run(f: LabFunction, payload: string): Promise<InvokeResult> {
    const requestId = randomUUID();
    const started = performance.now();
    f.inflight++;
    try {
      const out = await this.callHost(f, payload, requestId, f.timeoutSeconds * 1000);
      const ms = performance.now() - started;
      const logs = out?.logs ?? [];
      const logTail = logResult(requestId, logs, ms, f, out === undefined);
      if (out === undefined) {
        return {
          statusCode: 200,
          functionError: 'Unhandled',
          payload: JSON.stringify({
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${f.timeoutSeconds.toFixed(2)} seconds`,
          }),
          logTail,
        };
      }
      if (out.kind === 'error') {
        return {
          statusCode: 200,
          functionError: 'Unhandled',
          payload: JSON.stringify({ errorType: out.errorType, errorMessage: out.errorMessage, trace: out.trace ?? [] }),
          logTail,
        };
      }
      const body = JSON.stringify(out.payload ?? null);
      if (Buffer.byteLength(body) > SYNC_PAYLOAD_LIMIT) {
        return {
          statusCode: 200,
          functionError: 'Unhandled',
          payload: JSON.stringify({
            errorMessage: `Response payload size (${Buffer.byteLength(body)} bytes) exceeded maximum allowed payload size (${SYNC_PAYLOAD_LIMIT} bytes).`,
            errorType: 'Function.ResponseSizeTooLarge',
          }),
          logTail,
        };
      }
      return { statusCode: 200, payload: body, logTail };
    } finally {
      f.inflight--;
    }
  }

  /** Hands one invocation to the function's process; undefined when the function timed out. */
  private callHost(
    f: LabFunction,
    payload: string,
    requestId: string,
    timeoutMs: number,
  ): Promise<HostOutcome | undefined> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: f.port,
          method: 'POST',
          path: '/invoke',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HostOutcome);
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        resolve(undefined);
      }, timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(new ApiError('ServiceException', `the execution environment of ${f.name} failed: ${e.message}`, 500));
      });
      req.end(payload || '{}');
    });
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => stopChild(f.child)));
  }

  /** Back to the initial state: no reserved concurrency, the initial tags, every environment alive. */
  async reset(): Promise<void> {
    for (const f of this.functions.values()) {
      f.reserved = undefined;
      for (const k of Object.keys(f.tags)) delete f.tags[k];
      Object.assign(f.tags, this.initialTags.get(f.name));
      if (!f.child) await this.spawn(f);
    }
  }
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** The START / END / REPORT lines Lambda writes around the function's own output, base64 of the last 4 KB. */
function logResult(requestId: string, logs: string[], ms: number, f: LabFunction, timedOut: boolean): string {
  const lines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    ...logs,
    ...(timedOut
      ? [`${new Date().toISOString()} ${requestId} Task timed out after ${f.timeoutSeconds.toFixed(2)} seconds`]
      : []),
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: ${f.memoryMb} MB\tMax Memory Used: ${Math.min(f.memoryMb, 64)} MB\t`,
  ];
  const buf = Buffer.from(`${lines.join('\n')}\n`);
  return buf.subarray(Math.max(0, buf.length - 4096)).toString('base64');
}
