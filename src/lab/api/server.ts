import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LabIam } from '../iam/lab-iam.js';
import { type FaultInjector, parseFaults } from './faults.js';
import { handleAwsJson, type JsonService } from './json.js';
import {
  type ApiReply,
  type ApiRequest,
  handleQuery,
  jsonError,
  jsonReply,
  type QueryService,
  queryError,
} from './protocol.js';
import { QueryParams } from './query.js';

/** What the admin routes (`/_lab/...`) can do. */
export interface LabControl {
  status(): unknown;
  reset(): Promise<unknown>;
  shipLogs(): Promise<unknown>;
}

const VERSION_TO_SERVICE: Record<string, string> = {
  '2016-11-15': 'ec2',
  '2014-10-31': 'rds',
  '2015-12-01': 'elasticloadbalancing',
  '2011-06-15': 'sts',
  '2015-02-02': 'elasticache',
  '2010-05-08': 'iam',
  '2011-01-01': 'autoscaling',
};

/** Services of the optional lab parts on the JSON protocols (awsJson1_1 by X-Amz-Target, restJson1 by path). */
export interface ExtraServices {
  json: Record<string, JsonService>;
  rest: Record<string, (req: ApiRequest) => ApiReply | Promise<ApiReply>>;
}

/** SigV4: `Credential=AKID/20261122/us-east-1/ec2/aws4_request` names the service and the key. */
export function credentialScope(auth: string | undefined): { accessKeyId: string; service: string | undefined } {
  const m = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth ?? '');
  return { accessKeyId: m?.[1] ?? '', service: m?.[2] };
}

/**
 * The lab's single AWS-compatible port. The service comes from the SigV4 credential scope (or, for
 * unsigned query calls, from the API version); control-plane faults apply before dispatch.
 */
export class ApiServer {
  private server: Server | undefined;
  readonly faults: FaultInjector;

  constructor(
    private readonly query: Record<string, QueryService>,
    private readonly fis: (req: ApiRequest) => ApiReply,
    private readonly control: LabControl,
    faults: FaultInjector,
    private readonly extra: ExtraServices = { json: {}, rest: {} },
    /** IAM policies per access key; without it every call is allowed. */
    private readonly iam?: LabIam,
  ) {
    this.faults = faults;
  }

  listen(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((e: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`lab api error: ${e.message}\n`);
      });
    });
    return new Promise((resolve) =>
      this.server?.listen(port, '127.0.0.1', () => {
        const a = this.server?.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      }),
    );
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private send(res: ServerResponse, r: ApiReply): void {
    res.writeHead(r.status, { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) });
    res.end(r.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await this.readBody(req);
    if (url.pathname.startsWith('/_lab/'))
      return this.send(res, await this.admin(req.method ?? 'GET', url.pathname, body));
    const { accessKeyId, service: scoped } = credentialScope(req.headers.authorization);
    const params = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
      ? QueryParams.parse(body)
      : undefined;
    const service = scoped ?? VERSION_TO_SERVICE[params?.str('Version') ?? ''] ?? (params ? undefined : 'fis');
    const apiReq: ApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      accessKeyId,
    };
    const svc = service ? this.query[service] : undefined;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation =
      params?.str('Action') ?? (target ? target.slice(target.indexOf('.') + 1) : `${apiReq.method} ${url.pathname}`);
    for (const d of this.faults.decide(service ?? '', operation)) {
      if (d.kind === 'slow') await new Promise((r) => setTimeout(r, d.ms));
      else return this.send(res, svc ? queryError(svc, d.error) : jsonError(d.error));
    }
    if (this.iam && service) {
      const denied = await this.iam.authorize(service, accessKeyId, {
        operation,
        req: apiReq,
        ...(params ? { params } : {}),
      });
      if (denied) return this.send(res, svc ? queryError(svc, denied) : jsonError(denied));
    }
    if (svc && params) return this.send(res, await handleQuery(svc, params, apiReq));
    const json = service ? this.extra.json[service] : undefined;
    if (json) return this.send(res, await handleAwsJson(json, apiReq));
    const rest = service ? this.extra.rest[service] : undefined;
    if (rest) return this.send(res, await rest(apiReq));
    if (service === 'fis') return this.send(res, this.fis(apiReq));
    this.send(res, {
      status: 400,
      headers: { 'content-type': 'text/plain' },
      body: `the drillproof lab does not serve the service ${service ?? '(unknown)'}\n`,
    });
  }

  private async admin(method: string, path: string, body: string): Promise<ApiReply> {
    try {
      if (path === '/_lab/status' && method === 'GET') return jsonReply(200, this.control.status());
      if (path === '/_lab/faults' && method === 'GET') return jsonReply(200, this.faults.config);
      if (path === '/_lab/faults' && (method === 'POST' || method === 'PUT')) {
        this.faults.config = parseFaults(body ? JSON.parse(body) : {});
        return jsonReply(200, this.faults.config);
      }
      if (path === '/_lab/faults' && method === 'DELETE') {
        this.faults.config = {};
        return jsonReply(200, {});
      }
      if (path === '/_lab/iam' && this.iam) {
        if (method === 'GET') return jsonReply(200, this.iam.list());
        const b = (body ? JSON.parse(body) : {}) as { accessKeyId?: string; policy?: unknown };
        const key = b.accessKeyId ?? 'lab';
        if (method === 'DELETE') await this.iam.attach(key, null);
        else if (method === 'POST' || method === 'PUT') {
          await this.iam.attach(key, (b.policy ?? null) as Parameters<LabIam['attach']>[1]);
        }
        return jsonReply(200, this.iam.list());
      }
      if (path === '/_lab/reset' && method === 'POST') return jsonReply(200, await this.control.reset());
      if (path === '/_lab/ship-logs' && method === 'POST') return jsonReply(200, await this.control.shipLogs());
      return jsonReply(404, { message: `no admin route ${method} ${path}` });
    } catch (e) {
      return jsonReply(400, { message: (e as Error).message });
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
