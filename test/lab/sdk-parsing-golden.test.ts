import { createServer, type Server } from 'node:http';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { FisClient, GetExperimentCommand, ResourceNotFoundException } from '@aws-sdk/client-fis';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lab/api/errors.js';
import { jsonError, type QueryService, queryError, queryReply } from '../../src/lab/api/protocol.js';
import { document, list } from '../../src/lab/api/xml.js';

/**
 * The query protocols fail silently: a response the SDK cannot map parses as `{}` or `[]`, never as
 * an error. These goldens pin which shapes the real SDK reads, and that the lab writes those.
 */
let server: Server;
let reply: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '' };
let endpoint = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const cfg = () => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});
const xml = (body: string) => ({ status: 200, headers: { 'content-type': 'text/xml' }, body });

const rdsSvc: QueryService = {
  name: 'rds',
  protocol: 'query',
  xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
  actions: {},
};
const ec2Svc: QueryService = {
  name: 'ec2',
  protocol: 'ec2',
  xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  actions: {},
};
const elbSvc: QueryService = {
  name: 'elasticloadbalancing',
  protocol: 'query',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  actions: {},
};

const dbInstance = {
  DBInstanceIdentifier: 'lab-db',
  DBInstanceStatus: 'available',
  MultiAZ: true,
  LatestRestorableTime: new Date('2026-11-22T07:00:00.000Z'),
  Endpoint: { Address: '127.0.0.1', Port: 5432 },
};

describe('RDS (awsQuery) parsing traps', () => {
  it('the lab shape (Result wrapper, <DBInstance> members) parses with types', async () => {
    reply = queryReply(rdsSvc, 'DescribeDBInstances', { DBInstances: list('DBInstance', [dbInstance]) });
    const r = await new RDSClient(cfg()).send(new DescribeDBInstancesCommand({}));
    expect(r.DBInstances).toEqual([
      {
        DBInstanceIdentifier: 'lab-db',
        DBInstanceStatus: 'available',
        MultiAZ: true,
        LatestRestorableTime: new Date('2026-11-22T07:00:00.000Z'),
        Endpoint: { Address: '127.0.0.1', Port: 5432 },
      },
    ]);
  });

  it('TRAP: without the <DescribeDBInstancesResult> wrapper the SDK returns no instances and no error', async () => {
    reply = xml(
      document('DescribeDBInstancesResponse', rdsSvc.xmlns, { DBInstances: list('DBInstance', [dbInstance]) }),
    );
    const r = await new RDSClient(cfg()).send(new DescribeDBInstancesCommand({}));
    expect(r.DBInstances).toBeUndefined();
  });

  it('TRAP: <member> list items (the ELBv2 convention) parse as an empty RDS list', async () => {
    reply = queryReply(rdsSvc, 'DescribeDBInstances', { DBInstances: list('member', [dbInstance]) });
    const r = await new RDSClient(cfg()).send(new DescribeDBInstancesCommand({}));
    expect(r.DBInstances ?? []).toEqual([]);
  });

  it('the awsQuery error envelope becomes the modelled exception class', async () => {
    reply = queryError(rdsSvc, new ApiError('DBInstanceNotFound', 'DBInstance x not found.', 404));
    const e = await new RDSClient(cfg())
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'x' }))
      .catch((x) => x);
    expect(e).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(e.message).toBe('DBInstance x not found.');
  });
});

describe('ELBv2 (awsQuery) parsing traps', () => {
  const desc = { Target: { Id: 'i-1', Port: 80 }, TargetHealth: { State: 'unused', Reason: 'Target.InvalidState' } };
  it('<member> items parse', async () => {
    reply = queryReply(elbSvc, 'DescribeTargetHealth', { TargetHealthDescriptions: list('member', [desc]) });
    const r = await new ElasticLoadBalancingV2Client(cfg()).send(
      new DescribeTargetHealthCommand({ TargetGroupArn: 'arn' }),
    );
    expect(r.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({ State: 'unused', Reason: 'Target.InvalidState' });
  });
  it('TRAP: items named after the shape (the RDS convention) parse as an empty ELBv2 list', async () => {
    reply = queryReply(elbSvc, 'DescribeTargetHealth', {
      TargetHealthDescriptions: list('TargetHealthDescription', [desc]),
    });
    const r = await new ElasticLoadBalancingV2Client(cfg()).send(
      new DescribeTargetHealthCommand({ TargetGroupArn: 'arn' }),
    );
    expect(r.TargetHealthDescriptions ?? []).toEqual([]);
  });
});

describe('EC2 (ec2 query) parsing traps', () => {
  const reservation = (member: string) => ({
    reservationSet: list('item', [
      {
        reservationId: 'r-1',
        instancesSet: list(member, [{ instanceId: 'i-1', instanceState: { code: 80, name: 'stopped' } }]),
      },
    ]),
  });
  it('<xxxSet><item> lists parse (no Result wrapper in EC2)', async () => {
    reply = queryReply(ec2Svc, 'DescribeInstances', reservation('item'));
    const r = await new EC2Client(cfg()).send(new DescribeInstancesCommand({}));
    expect(r.Reservations?.[0]?.Instances?.[0]).toEqual({ InstanceId: 'i-1', State: { Code: 80, Name: 'stopped' } });
  });
  it('TRAP: <member> items parse as an empty EC2 list', async () => {
    reply = queryReply(ec2Svc, 'DescribeInstances', reservation('member'));
    const r = await new EC2Client(cfg()).send(new DescribeInstancesCommand({}));
    expect(r.Reservations?.[0]?.Instances ?? []).toEqual([]);
  });
  it('the EC2 error envelope (<Response><Errors>) names the error code', async () => {
    reply = queryError(ec2Svc, new ApiError('InvalidInstanceID.NotFound', "The instance ID 'i-9' does not exist"));
    const e = await new EC2Client(cfg()).send(new DescribeInstancesCommand({ InstanceIds: ['i-9'] })).catch((x) => x);
    expect(e.name).toBe('InvalidInstanceID.NotFound');
    expect(e.message).toBe("The instance ID 'i-9' does not exist");
  });
});

describe('FIS (restJson1)', () => {
  it('the x-amzn-errortype header selects the exception class', async () => {
    reply = jsonError(new ApiError('ResourceNotFoundException', 'Experiment not found: EXP1', 404));
    const e = await new FisClient(cfg()).send(new GetExperimentCommand({ id: 'EXP1' })).catch((x) => x);
    expect(e).toBeInstanceOf(ResourceNotFoundException);
    expect(e.message).toBe('Experiment not found: EXP1');
  });
  it('timestamps are epoch seconds', async () => {
    reply = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment: { id: 'EXP1', startTime: 1795000000.5 } }),
    };
    const r = await new FisClient(cfg()).send(new GetExperimentCommand({ id: 'EXP1' }));
    expect(r.experiment?.startTime?.getTime()).toBe(1795000000500);
  });
});
