import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVantage, warnIfProbeInImpairedAz } from '../../src/experiments/vantage.js';
import { RecordingSink } from '../../src/io/messages.js';

/** IMDSv2 on loopback: a PUT for a session token, then GETs that must carry it. */
let base = '';
let az = 'us-east-1a';
const seen: string[] = [];
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  if (req.method === 'PUT' && req.url === '/latest/api/token') {
    if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return void res.writeHead(400).end();
    return void res.writeHead(200).end('tok-123');
  }
  if (req.headers['x-aws-ec2-metadata-token'] !== 'tok-123') return void res.writeHead(401).end();
  if (req.url === '/latest/meta-data/placement/availability-zone') return void res.writeHead(200).end(az);
  if (req.url === '/latest/meta-data/placement/region') return void res.writeHead(200).end('us-east-1');
  res.writeHead(404).end();
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const scenario = (zone: string) => ({ steps: { faults: [{ type: 'az-impairment', az: zone }] } });

describe('where the probes run (instance metadata, IMDSv2)', () => {
  it('reads the AZ with a session token', async () => {
    expect(await probeVantage({ baseUrl: base })).toEqual({ availabilityZone: 'us-east-1a', region: 'us-east-1' });
    expect(seen).toContain('PUT /latest/api/token');
  });

  it('warns when the probes run inside the AZ the drill impairs, and only then', async () => {
    az = 'us-east-1a';
    const sink = new RecordingSink();
    await warnIfProbeInImpairedAz(scenario('us-east-1a'), sink, { baseUrl: base });
    expect(sink.codes()).toEqual(['DP_RUN_W1201']);
    expect(sink.messages[0]?.message).toContain('us-east-1a, the Availability Zone this drill impairs');
    const other = new RecordingSink();
    await warnIfProbeInImpairedAz(scenario('us-east-1b'), other, { baseUrl: base });
    expect(other.codes()).toEqual([]);
  });

  it('asks nothing for a drill that impairs no AZ, and says nothing off EC2', async () => {
    const before = seen.length;
    const sink = new RecordingSink();
    await warnIfProbeInImpairedAz({ steps: { faults: [{ type: 'ec2-stop' }] } }, sink, { baseUrl: base });
    expect(seen.length).toBe(before);
    // A closed port: no metadata service, no warning, no error.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await probeVantage({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 })).toBeNull();
    expect(sink.codes()).toEqual([]);
  });
});
