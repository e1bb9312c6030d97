import { randomUUID } from 'node:crypto';
import { ApiError } from './errors.js';
import type { QueryParams } from './query.js';
import { document, escapeXml, type XmlObject } from './xml.js';

export interface ApiReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Access key id from the SigV4 Authorization header. */
  accessKeyId: string;
}

export type QueryAction = (p: QueryParams, req: ApiRequest) => XmlObject | Promise<XmlObject>;

export interface QueryService {
  name: string;
  /** ec2 = EC2 query protocol; query = awsQuery. */
  protocol: 'ec2' | 'query';
  xmlns: string;
  actions: Record<string, QueryAction>;
  /** awsQuery actions the model gives no output: their answer has no <ActionResult> element. */
  noResult?: string[];
}

const XML = { 'content-type': 'text/xml;charset=UTF-8' };

export function queryReply(svc: QueryService, action: string, body: XmlObject, requestId = randomUUID()): ApiReply {
  if (svc.protocol === 'ec2') {
    return { status: 200, headers: XML, body: document(`${action}Response`, svc.xmlns, { requestId, ...body }) };
  }
  if (svc.noResult?.includes(action)) {
    return {
      status: 200,
      headers: XML,
      body: document(`${action}Response`, svc.xmlns, { ResponseMetadata: { RequestId: requestId } }),
    };
  }
  // awsQuery: without the <ActionResult> wrapper the SDK silently returns an empty object.
  return {
    status: 200,
    headers: XML,
    body: document(`${action}Response`, svc.xmlns, {
      [`${action}Result`]: body,
      ResponseMetadata: { RequestId: requestId },
    }),
  };
}

export function queryError(
  svc: Pick<QueryService, 'protocol' | 'xmlns'>,
  e: ApiError,
  requestId = randomUUID(),
): ApiReply {
  const headers = { ...XML, 'x-amzn-requestid': requestId };
  if (svc.protocol === 'ec2') {
    return {
      status: e.status,
      headers,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  return {
    status: e.status,
    headers,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${svc.xmlns}"><Error><Type>${e.type}</Type><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

export async function handleQuery(svc: QueryService, p: QueryParams, req: ApiRequest): Promise<ApiReply> {
  const action = p.str('Action') ?? '';
  const fn = svc.actions[action];
  try {
    if (!fn) throw new ApiError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
    return queryReply(svc, action, await fn(p, req));
  } catch (e) {
    return queryError(svc, toApiError(e));
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('InternalFailure', `internal error in the lab: ${(e as Error)?.message ?? String(e)}`, 500);
}

/** restJson1 (FIS): error type in the x-amzn-errortype header, message in the body. */
export function jsonReply(status: number, value: unknown): ApiReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(value ?? {}),
  };
}

export function jsonError(e: ApiError): ApiReply {
  return {
    status: e.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': e.code,
      'x-amzn-requestid': randomUUID(),
    },
    body: JSON.stringify({ message: e.message }),
  };
}
