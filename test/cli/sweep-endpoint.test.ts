import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../_helpers/cli.js';

/**
 * `drillproof sweep --endpoint-url`: the calls go to that endpoint; FIS answers AccessDenied,
 * RDS answers with a restored instance: the denied service is reported and RDS is still swept.
 */
let server: Server;
let endpoint = '';
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
      seen.push(`${scope} ${req.method} ${req.url}`);
      if (scope === 'fis') {
        res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
        return res.end(
          JSON.stringify({ message: 'User: arn:aws:iam::1:user/x is not authorized to perform: fis:ListExperiments' }),
        );
      }
      if (scope === 'dynamodb') {
        // No tables: ListTables answers an empty page (awsJson1_0).
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        return res.end(JSON.stringify({ TableNames: [] }));
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>shop-db-dp-r1-restore</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus><TagList><Tag><Key>drillproof:run-id</Key><Value>r1</Value></Tag></TagList></DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('drillproof sweep --endpoint-url', () => {
  it('sweeps what it can read at that endpoint and reports the service it may not read (exit 6)', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'dp-sweep-runs-'));
    // The SDK's default credential chain reads the process environment.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'a');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'b');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const r = await runCli(
      ['sweep', '--region', 'eu-west-1', '--endpoint-url', endpoint, '--dry-run', '--runs', runs, '--json'],
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_MAX_ATTEMPTS: '1' },
    );
    expect(seen.some((s) => s.startsWith('fis GET /experiments'))).toBe(true);
    expect(seen.some((s) => s.startsWith('rds POST /'))).toBe(true);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string; message: string; data?: unknown });
    expect(lines.find((l) => l.code === 'DP_SWEEP_E9301')?.message).toMatch(
      /^fis: FIS experiments could not be listed: .*AccessDenied|^fis: FIS experiments could not be listed: .*not authorized/,
    );
    expect(lines.find((l) => l.code === 'DP_SWEEP_I9001')?.message).toContain(
      'restored-db-instance shop-db-dp-r1-restore',
    );
    expect(lines.find((l) => l.code === 'DP_SWEEP_I9003')?.message).toBe(
      '1 leftover(s) (dry run: nothing changed); not checked: fis',
    );
    expect(r.code).toBe(6);
    vi.unstubAllEnvs();
  });
});
