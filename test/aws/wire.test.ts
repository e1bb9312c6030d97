import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCallRecord } from '../../src/aws/call-record.js';
import { createAwsApis } from '../../src/aws/clients.js';
import { configuredEndpoint } from '../../src/aws/endpoint.js';

/** What the SDK clients put on the wire, seen by a local HTTP server. */
let server: Server;
let endpoint = '';
const seen: { method: string; path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
let answer: (path: string, body: string) => { status: number; headers: Record<string, string>; body: string } = () => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{}',
});

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', path: req.url ?? '', body, headers: req.headers });
      const a = answer(req.url ?? '', body);
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const creds = { accessKeyId: 'a', secretAccessKey: 'b' };

describe('FIS CreateExperimentTemplate on the wire (client-fis 3.523 drops newer members)', () => {
  it('sends experimentReportConfiguration as FIS documents it, and no startAfterDelay', async () => {
    seen.length = 0;
    answer = () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experimentTemplate: { id: 'EXT1' } }),
    });
    const aws = createAwsApis({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 1 });
    const report = {
      outputs: { s3Configuration: { bucketName: 'fis-reports', prefix: 'drills/' } },
      dataSources: { cloudWatchDashboards: [{ dashboardIdentifier: 'arn:aws:cloudwatch::1:dashboard/web' }] },
      preExperimentDuration: 'PT5M',
      postExperimentDuration: 'PT5M',
    };
    const res = await aws.fis.createExperimentTemplate({
      clientToken: 'run-1-tpl',
      description: 'd',
      roleArn: 'arn:aws:iam::1:role/fis',
      stopConditions: [{ source: 'none' }],
      actions: {
        wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' }, startAfterDelay: 'PT1M' } as never,
      },
      experimentReportConfiguration: report,
    } as never);
    expect(res.experimentTemplate?.id).toBe('EXT1');
    const req = seen[0];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/experimentTemplates');
    const body = JSON.parse(req?.body ?? '{}');
    expect(body.experimentReportConfiguration).toEqual(report);
    expect(body.actions).toEqual({ wait: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' } } });
    expect(body.clientToken).toBe('run-1-tpl');
    // The signature covers the body AWS receives: the length header matches it.
    expect(Number(req?.headers['content-length'])).toBe(Buffer.byteLength(req?.body ?? ''));
    expect(String(req?.headers.authorization)).toContain('/fis/aws4_request');
  });

  it('leaves a template without a report configuration as the SDK wrote it', async () => {
    seen.length = 0;
    const aws = createAwsApis({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 1 });
    await aws.fis.createExperimentTemplate({
      clientToken: 't',
      description: 'd',
      roleArn: 'arn:aws:iam::1:role/fis',
      stopConditions: [{ source: 'none' }],
      actions: {},
    });
    expect(Object.keys(JSON.parse(seen[0]?.body ?? '{}')).sort()).toEqual([
      'actions',
      'clientToken',
      'description',
      'roleArn',
      'stopConditions',
    ]);
  });
});

describe('paged list operations', () => {
  it('reads every page with the SDK paginator, records each page, and merges the items', async () => {
    seen.length = 0;
    answer = (path) => {
      const token = new URL(path, 'http://x').searchParams.get('nextToken');
      const page = token === null ? 1 : Number(token);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          experiments: [{ id: `EXP${page}` }],
          ...(page < 3 ? { nextToken: String(page + 1) } : {}),
        }),
      };
    };
    const calls: AwsCallRecord[] = [];
    const aws = createAwsApis({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 1 }, (r) =>
      calls.push(r),
    );
    const out = await aws.fis.listExperiments({});
    expect(out.experiments?.map((e) => e.id)).toEqual(['EXP1', 'EXP2', 'EXP3']);
    expect(out.nextToken).toBeUndefined();
    expect(seen.map((s) => s.path)).toEqual(['/experiments', '/experiments?nextToken=2', '/experiments?nextToken=3']);
    // One record per page (the token itself is redacted like every *token* member).
    expect(calls.map((c) => [c.operation, c.ok, 'nextToken' in c.params])).toEqual([
      ['ListExperiments', true, false],
      ['ListExperiments', true, true],
      ['ListExperiments', true, true],
    ]);
  });
});

describe('the endpoint of a drill', () => {
  it('is the one AWS_ENDPOINT_URL sets when the target has none (recorded, so recover goes there too)', () => {
    expect(configuredEndpoint({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toBe('http://127.0.0.1:4566');
    expect(
      configuredEndpoint({ AWS_ENDPOINT_URL: 'http://x', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBeUndefined();
    expect(configuredEndpoint({})).toBeUndefined();
    const aws = createAwsApis({ region: 'us-east-1', credentials: creds }, () => {}, {
      env: { AWS_ENDPOINT_URL: endpoint },
    });
    expect(aws.endpoint).toBe(endpoint);
    const explicit = createAwsApis(
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: creds },
      () => {},
      {
        env: { AWS_ENDPOINT_URL: endpoint },
      },
    );
    expect(explicit.endpoint).toBe('http://127.0.0.1:1');
  });
});
