import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError } from '../api/errors.js';
import type { LabFunction, LambdaLab } from './service.js';

/**
 * A function URL (auth type NONE, BUFFERED) served on loopback: each request becomes a payload
 * format 2.0 event, the function's answer becomes the HTTP response. Throttling answers 429 and a
 * function error 502, as function URLs do.
 */
export class FunctionUrlServer {
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly lab: LambdaLab,
    private readonly f: LabFunction,
  ) {}

  async listen(): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this.port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    const binary = body.length > 0 && Buffer.from(text, 'utf8').compare(body) !== 0;
    const now = new Date();
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      requestContext: {
        accountId: 'anonymous',
        apiId: this.f.name,
        domainName: `127.0.0.1:${this.port}`,
        domainPrefix: '127',
        http: {
          method: req.method ?? 'GET',
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length > 0
        ? { body: binary ? body.toString('base64') : text, isBase64Encoded: binary }
        : { isBase64Encoded: false }),
    };
    const reqId = randomUUID();
    const send = (status: number, h: Record<string, string>, b: string | Buffer) => {
      res.writeHead(status, { 'x-amzn-requestid': reqId, ...h });
      res.end(b);
    };
    try {
      const r = await this.lab.invoke(this.f, JSON.stringify(event), 'RequestResponse', false);
      if (r.functionError) {
        send(502, { 'content-type': 'application/json' }, JSON.stringify({ Message: 'Internal Server Error' }));
        return;
      }
      const out = JSON.parse(r.payload) as unknown;
      if (typeof out === 'object' && out !== null && 'statusCode' in out) {
        const o = out as {
          statusCode: number;
          headers?: Record<string, string>;
          body?: string;
          isBase64Encoded?: boolean;
        };
        const b = o.body === undefined ? '' : o.isBase64Encoded ? Buffer.from(o.body, 'base64') : o.body;
        send(Number(o.statusCode) || 200, { ...(o.headers ?? {}) }, b);
        return;
      }
      send(200, { 'content-type': 'application/json' }, r.payload);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        send(429, { 'content-type': 'application/json' }, JSON.stringify({ Message: 'Rate Exceeded.' }));
      } else {
        send(502, { 'content-type': 'application/json' }, JSON.stringify({ Message: 'Internal Server Error' }));
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
