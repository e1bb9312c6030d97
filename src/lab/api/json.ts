import { randomUUID } from 'node:crypto';
import { ApiError } from './errors.js';
import type { ApiReply, ApiRequest } from './protocol.js';

/**
 * awsJson1_1 (ECS): the operation in `X-Amz-Target: <prefix>.<Op>`, a JSON body both ways, errors
 * as `{"__type": code, "message": ...}` (the SDK reads the code from `__type`).
 */
export type JsonAction = (input: Record<string, unknown>, req: ApiRequest) => unknown | Promise<unknown>;

export interface JsonService {
  name: string;
  targetPrefix: string;
  actions: Record<string, JsonAction>;
}

const CT = 'application/x-amz-json-1.1';

export function awsJsonReply(status: number, value: unknown): ApiReply {
  return {
    status,
    headers: { 'content-type': CT, 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(value ?? {}),
  };
}

export function awsJsonError(e: ApiError): ApiReply {
  return awsJsonReply(e.status, { __type: e.code, message: e.message });
}

export async function handleAwsJson(svc: JsonService, req: ApiRequest): Promise<ApiReply> {
  try {
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, op] = target.split('.');
    const fn = prefix === svc.targetPrefix && op ? svc.actions[op] : undefined;
    if (!fn) throw new ApiError('UnknownOperationException', `Unknown operation ${target || '(none)'}`);
    let input: Record<string, unknown> = {};
    if (req.body) {
      try {
        input = JSON.parse(req.body) as Record<string, unknown>;
      } catch {
        throw new ApiError('SerializationException', 'The request body is not valid JSON');
      }
    }
    return awsJsonReply(200, await fn(input, req));
  } catch (e) {
    const err =
      e instanceof ApiError
        ? e
        : new ApiError('ServerException', `internal error in the lab: ${(e as Error)?.message ?? String(e)}`, 500);
    return awsJsonError(err);
  }
}

/** Opaque page tokens (an offset), like the services' own: clients pass them back unchanged. */
export function paginate<T>(items: T[], maxResults: unknown, nextToken: unknown, def: number, max: number) {
  const size = maxResults === undefined ? def : Number(maxResults);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new ApiError('InvalidParameterException', `maxResults must be between 1 and ${max}.`);
  }
  let start = 0;
  if (nextToken !== undefined) {
    const n = Number(Buffer.from(String(nextToken), 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw new ApiError('InvalidParameterException', 'Invalid nextToken.');
    start = n;
  }
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}
