import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Journal } from '../../src/run/journal.js';
import { AnchoredClock } from '../../src/util/clock.js';
import { runCli } from '../_helpers/cli.js';
import { repoRoot } from '../_helpers/scenario-files.js';

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
      if (scope === 'ecs') {
        // No clusters, so no service leases (awsJson1_1).
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end(JSON.stringify({ clusterArns: [] }));
      }
      if (scope === 'lambda') {
        // No functions, so no function leases (restJson1).
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ Functions: [] }));
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

/** A run directory whose journal holds an inverse that never ran (killed mid-drill). */
function unfinishedRun(dir: string, id: string): void {
  mkdirSync(join(dir, id), { recursive: true });
  const j = Journal.create(join(dir, id, 'journal.ndjson'), new AnchoredClock());
  j.append('inverse.recorded', {
    stepId: 'stop',
    fault: 'ec2-stop',
    inverse: {
      action: 'ec2.start-instances',
      params: { instanceIds: ['i-1'] },
      description: `start i-1 (${id})`,
      manualSteps: [],
    },
  });
  j.close();
}

describe('drillproof sweep --runs', () => {
  it("lists unfinished runs in each --runs directory and in a scenario file's evidence.dir (relative to the file)", async () => {
    const root = mkdtempSync(join(tmpdir(), 'dp-sweep-scn-'));
    // A scenario whose evidence.dir is relative to its own folder, not to where sweep runs.
    mkdirSync(join(root, 'drills'));
    const text = readFileSync(join(repoRoot, 'scenarios/aws/rds-multi-az-failover.yaml'), 'utf8');
    expect(text).not.toMatch(/^evidence:/m);
    writeFileSync(join(root, 'drills', 'db.yaml'), `${text}\nevidence:\n  dir: ./evidence\n`);
    unfinishedRun(join(root, 'drills', 'evidence'), 'r-scenario');
    const other = join(root, 'elsewhere');
    unfinishedRun(other, 'r-dir');
    const r = await runCli(
      [
        'sweep',
        '--region',
        'eu-west-1',
        '--endpoint-url',
        endpoint,
        '--dry-run',
        '--json',
        '--runs',
        join(root, 'drills', 'db.yaml'),
        '--runs',
        other,
      ],
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_MAX_ATTEMPTS: '1' },
    );
    const listed = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string; message: string })
      .filter((l) => l.code === 'DP_SWEEP_I9001' && l.message.startsWith('unfinished-run'))
      .map((l) => l.message);
    expect(listed).toEqual([
      `unfinished-run ${join(root, 'drills', 'evidence', 'r-scenario')}: start i-1 (r-scenario) → drillproof recover ${join(root, 'drills', 'evidence', 'r-scenario')}`,
      `unfinished-run ${join(other, 'r-dir')}: start i-1 (r-dir) → drillproof recover ${join(other, 'r-dir')}`,
    ]);
  });
});
