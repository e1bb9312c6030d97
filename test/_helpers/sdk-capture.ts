import type { AwsApis } from '../../src/aws/apis.js';
import type { CallRecorder } from '../../src/aws/call-record.js';
import { type AwsApiOptions, createAwsApis } from '../../src/aws/clients.js';
import type { MiddlewareStackLike } from '../../src/aws/fis-wire.js';
import { CONTRACT_SERVICES } from '../contract/services.js';
import { validateRequest } from '../contract/validate.js';

/** One request as the real SDK v3 client was asked to send it. */
export interface CapturedRequest {
  service: string;
  operation: string;
  input: unknown;
  /** The serialized HTTP body (only when the request went on to serialization). */
  body?: string;
  /** The raw answer: HTTP status, headers (lower-case names) and body, before the SDK parsed it. */
  response?: { status: number; body: string; headers: Record<string, string> };
}

/** SDK client class name → service key of the AWS API models (see test/contract/model.ts). */
export const CLIENT_SERVICE: Record<string, string> = Object.fromEntries(
  CONTRACT_SERVICES.map((c) => [c.client, c.key]),
);

export type Responder = (service: string, operation: string, input: unknown) => Promise<unknown> | unknown;

interface Ctx {
  clientName?: string;
  commandName?: string;
  /** The record of this command (the context object is shared by every middleware of one call). */
  drillproofCapture?: CapturedRequest;
}

/**
 * Adds capture middleware to a real SDK client: every command's input (after drillproof's own
 * input middleware) is recorded, and its serialized body when it is sent. With a `respond`
 * function the request never leaves the process: the responder's value is the command's output
 * (unit tests drive real SDK clients against in-memory fakes this way).
 */
export function captureOn(stack: MiddlewareStackLike, into: CapturedRequest[], respond?: Responder): void {
  const add = stack.add as unknown as (mw: unknown, o: { step: string; name: string; priority: string }) => void;
  add.call(
    stack,
    (next: (a: unknown) => Promise<unknown>, ctx: Ctx) => async (args: { input: unknown }) => {
      const service = CLIENT_SERVICE[ctx.clientName ?? ''] ?? ctx.clientName ?? '?';
      const operation = (ctx.commandName ?? '?').replace(/Command$/, '');
      const rec: CapturedRequest = { service, operation, input: structuredClone(args.input) };
      into.push(rec);
      ctx.drillproofCapture = rec;
      if (!respond) return next(args);
      const output = await respond(service, operation, args.input);
      return {
        output: { $metadata: { requestId: `cap-${into.length}`, attempts: 1 }, ...(output as object) },
        response: {},
      };
    },
    { step: 'initialize', name: 'drillproofContractCapture', priority: 'low' },
  );
  add.call(
    stack,
    (next: (a: unknown) => Promise<unknown>) =>
      async (args: { request?: { body?: unknown }; __capture?: CapturedRequest }) => {
        const body = args.request?.body;
        if (args.__capture && typeof body === 'string') args.__capture.body = body;
        return next(args);
      },
    { step: 'build', name: 'drillproofContractCaptureBody', priority: 'low' },
  );
  // Innermost, next to the HTTP handler: the raw body, read once and handed on as bytes.
  (stack as unknown as { addRelativeTo: (mw: unknown, o: unknown) => void }).addRelativeTo(
    (
      next: (
        a: unknown,
      ) => Promise<{ response: { statusCode: number; body: unknown; headers?: Record<string, string> } }>,
      ctx: Ctx,
    ) =>
      async (args: unknown) => {
        const r = await next(args);
        const res = r.response;
        const cap = ctx.drillproofCapture;
        if (cap && res?.body && typeof (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
          const chunks: Uint8Array[] = [];
          for await (const c of res.body as AsyncIterable<Uint8Array>) chunks.push(c);
          const buf = Buffer.concat(chunks);
          res.body = buf;
          const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
          cap.response = { status: res.statusCode, body: buf.toString('utf8'), headers };
        }
        return r;
      },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'drillproofContractCaptureResponse' },
  );
}

/** createAwsApis options that capture every request of every client. */
export function captureOptions(into: CapturedRequest[], respond?: Responder): AwsApiOptions {
  return { instrument: (client) => captureOn(client.middlewareStack, into, respond) };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Real SDK clients (through drillproof's client factory: recording, paginators, FIS wire fixes)
 * whose requests are answered by an in-memory fake of the AwsApis surface.
 */
export function sdkBacked(fake: AwsApis, record: CallRecorder, into: CapturedRequest[]): AwsApis {
  const respond: Responder = (service, operation, input) => {
    const svc = (fake as unknown as Record<string, Record<string, (i: unknown) => unknown>>)[service];
    const fn = svc?.[lowerFirst(operation)];
    if (!fn) throw new Error(`the fake has no ${service}.${lowerFirst(operation)}`);
    return fn(input);
  };
  return createAwsApis(
    {
      region: fake.region,
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
      maxAttempts: 1,
    },
    record,
    captureOptions(into, respond),
  );
}

/** Every problem of every captured request against AWS's models (empty = all conform). */
export function contractProblems(reqs: CapturedRequest[]): string[] {
  const out = new Set<string>();
  for (const r of reqs) for (const p of validateRequest(r.service, r.operation, r.input)) out.add(p);
  return [...out];
}
