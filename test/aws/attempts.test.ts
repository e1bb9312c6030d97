import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCallRecord } from '../../src/aws/call-record.js';
import { createAwsApis } from '../../src/aws/clients.js';
import { READ_ATTEMPTS, WRITE_ATTEMPTS } from '../../src/aws/retry-policy.js';

/** A local EC2 endpoint that answers each request with the next scripted status (then 200). */
let server: Server;
let endpoint = '';
let script: number[] = [];
const seen: { action: string; attemptHeader: string }[] = [];

const ec2Error = (code: string, n: number) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>req-${n}</RequestID></Response>`;
const stopOk = (n: number) =>
  `<?xml version="1.0" encoding="UTF-8"?><StopInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-${n}</requestId><instancesSet><item><instanceId>i-1</instanceId><currentState><code>64</code><name>stopping</name></currentState><previousState><code>16</code><name>running</name></previousState></item></instancesSet></StopInstancesResponse>`;
const describeOk = (n: number) =>
  `<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-${n}</requestId><reservationSet/></DescribeInstancesResponse>`;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Action') ?? '';
      seen.push({ action, attemptHeader: String(req.headers['amz-sdk-request'] ?? '') });
      const n = seen.length;
      const status = script.shift() ?? 200;
      const body =
        status === 200
          ? action === 'StopInstances'
            ? stopOk(n)
            : describeOk(n)
          : ec2Error(
              status === 503 ? 'Unavailable' : status === 400 ? 'InvalidInstanceID.NotFound' : 'InternalError',
              n,
            );
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${n}` });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const creds = { accessKeyId: 'a', secretAccessKey: 'b' };

describe('every attempt of a retried call is recorded', () => {
  it('a call that succeeds on its third attempt lists all three, with each answer and timing', async () => {
    seen.length = 0;
    script = [500, 503];
    const records: AwsCallRecord[] = [];
    const aws = createAwsApis({ region: 'us-east-1', endpoint, credentials: creds }, (r) => records.push(r));
    await aws.ec2.stopInstances({ InstanceIds: ['i-1'] });
    expect(seen.map((s) => s.action)).toEqual(['StopInstances', 'StopInstances', 'StopInstances']);
    expect(records).toHaveLength(1);
    const r = records[0] as AwsCallRecord;
    expect(r).toMatchObject({ operation: 'StopInstances', ok: true, attempts: 3, requestId: 'req-3' });
    expect(r.tries?.map((t) => [t.attempt, t.httpStatus, t.errorCode ?? null, t.requestId])).toEqual([
      [1, 500, 'InternalError', 'req-1'],
      [2, 503, 'Unavailable', 'req-2'],
      [3, 200, null, 'req-3'],
    ]);
    // Attempts follow one another: each starts after the previous ended (the gap is the backoff).
    const tries = r.tries ?? [];
    for (let i = 1; i < tries.length; i++) {
      const prev = tries[i - 1] as (typeof tries)[number];
      expect((tries[i] as (typeof tries)[number]).atMs).toBeGreaterThanOrEqual(prev.atMs + prev.ms);
    }
    expect(r.ms).toBeGreaterThanOrEqual((tries[2]?.atMs ?? 0) + (tries[2]?.ms ?? 0));
  });

  it('a call that runs out of attempts lists every failed one; a call answered at once has no list', async () => {
    seen.length = 0;
    script = [500, 500];
    const records: AwsCallRecord[] = [];
    const aws = createAwsApis({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 2 }, (r) =>
      records.push(r),
    );
    await expect(aws.ec2.stopInstances({ InstanceIds: ['i-1'] })).rejects.toThrow();
    await aws.ec2.stopInstances({ InstanceIds: ['i-1'] });
    expect(records.map((r) => [r.ok, r.attempts, r.errorCode ?? null])).toEqual([
      [false, 2, 'InternalError'],
      [true, 1, null],
    ]);
    expect(records[0]?.tries?.map((t) => `${t.attempt}:${t.httpStatus}:${t.errorCode}`)).toEqual([
      '1:500:InternalError',
      '2:500:InternalError',
    ]);
    expect(records[1]?.tries).toBeUndefined();
    // A client error is not retried: one attempt, no list.
    script = [400];
    await expect(aws.ec2.stopInstances({ InstanceIds: ['i-1'] })).rejects.toThrow();
    expect(records[2]).toMatchObject({ ok: false, attempts: 1, errorCode: 'InvalidInstanceID.NotFound' });
    expect(records[2]?.tries).toBeUndefined();
  });

  it('reads get the larger retry budget, writes the smaller (the SDK announces its max per attempt)', async () => {
    seen.length = 0;
    script = [];
    const aws = createAwsApis({ region: 'us-east-1', endpoint, credentials: creds });
    await aws.ec2.describeInstances({});
    await aws.ec2.stopInstances({ InstanceIds: ['i-1'] });
    expect(seen.map((s) => `${s.action} ${s.attemptHeader}`)).toEqual([
      `DescribeInstances attempt=1; max=${READ_ATTEMPTS}`,
      `StopInstances attempt=1; max=${WRITE_ATTEMPTS}`,
    ]);
    expect(READ_ATTEMPTS).toBeGreaterThan(WRITE_ATTEMPTS);
  });
});
