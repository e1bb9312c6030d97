/**
 * The code of the lab's functions (one handler, behaviour chosen by the event), so a probe can ask
 * for a slow answer, an error or a large payload. As a function URL target it answers in the
 * payload format 2.0 shape (statusCode / headers / body).
 */
export interface HandlerContext {
  functionName: string;
  functionVersion: string;
  awsRequestId: string;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function handler(event: unknown, ctx: HandlerContext): Promise<unknown> {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const http = (e.requestContext as { http?: { method?: string; path?: string } } | undefined)?.http;
  ctx.log(`handling ${http ? `${http.method} ${http.path}` : 'an event'}`);
  const q = http ? Object.fromEntries(new URLSearchParams(String(e.rawQueryString ?? ''))) : e;
  if (q.sleepMs !== undefined) await sleep(Math.min(Number(q.sleepMs) || 0, 900_000));
  if (q.fail !== undefined) throw new Error(String(q.fail) || 'requested failure');
  const body: Record<string, unknown> = { ok: true, function: ctx.functionName, requestId: ctx.awsRequestId };
  if (q.bytes !== undefined) body.filler = 'x'.repeat(Math.min(Number(q.bytes) || 0, 8 * 1024 * 1024));
  if (http) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  }
  return body;
}
