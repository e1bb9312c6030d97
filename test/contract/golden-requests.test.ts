import { Readable } from 'node:stream';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BackupClient } from '@aws-sdk/client-backup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { CONTRACT_CASES, caseKey } from './cases.js';
import { GOLDEN_REQUESTS, type Golden } from './golden-requests.js';
import { checkLabResponse } from './responses.js';
import { validateRequest } from './validate.js';
import { comparable, decodeWireRequest, type WireRequest } from './wire.js';

const CLIENTS = {
  ecs: ECSClient,
  lambda: LambdaClient,
  elasticache: ElastiCacheClient,
  dynamodb: DynamoDBClient,
  backup: BackupClient,
  autoscaling: AutoScalingClient,
} as const;

/** Sends one golden request through its real v3 client; the answer comes from the golden itself. */
async function send(g: Golden): Promise<{ wire: WireRequest; out: Record<string, unknown> }> {
  let wire: WireRequest | undefined;
  const Client = CLIENTS[g.service as keyof typeof CLIENTS];
  const client = new Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'golden', secretAccessKey: 'golden' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (req: WireRequest & { body?: unknown }) => {
        wire = { method: req.method, path: req.path, query: req.query ?? {}, headers: req.headers, body: req.body };
        const status = g.answer.status ?? 200;
        const type = g.service === 'elasticache' || g.service === 'autoscaling' ? 'text/xml' : 'application/json';
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': type, 'x-amzn-requestid': 'golden', ...(g.answer.headers ?? {}) },
            body: Readable.from([Buffer.from(g.answer.body)]),
          },
        };
      },
    },
  } as never);
  const out = (await (client as unknown as { send(c: unknown): Promise<unknown> }).send(g.command)) as Record<
    string,
    unknown
  >;
  client.destroy();
  if (!wire) throw new Error(`${g.operation}: nothing was sent`);
  return { wire, out };
}

const bodyOf = (w: WireRequest, service: string): unknown => {
  const text = typeof w.body === 'string' ? w.body : w.body instanceof Uint8Array ? Buffer.from(w.body).toString() : '';
  if (service === 'elasticache' || service === 'autoscaling') return Object.fromEntries(new URLSearchParams(text));
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

describe('golden requests of the coming fault modules', () => {
  for (const g of GOLDEN_REQUESTS) {
    it(`${g.service}:${g.operation}`, async () => {
      expect(validateRequest(g.service, g.operation, g.command.input)).toEqual([]);
      const { wire, out } = await send(g);
      // The serialized request, pinned.
      expect({ method: wire.method, path: wire.path }).toEqual({ method: g.wire.method, path: g.wire.path });
      expect(wire.query).toEqual(g.wire.query ?? {});
      for (const [k, v] of Object.entries(g.wire.headers ?? {})) expect(wire.headers[k], k).toBe(v);
      expect(bodyOf(wire, g.service)).toEqual(g.wire.body);
      // Read back through the model's HTTP bindings: every member lands where AWS reads it.
      const back = decodeWireRequest(g.service, g.operation, wire);
      expect(back.problems).toEqual([]);
      expect(comparable(back.value)).toEqual(comparable(g.command.input));
      // The answer conforms to the model and the SDK reads what the module needs from it.
      expect(checkLabResponse(g.service, g.operation, g.answer.body, g.answer.headers ?? {})).toEqual([]);
      expect(g.reads(out)).toEqual(g.expect);
    });
  }

  it('covers every planned case and the DynamoDB and Backup restore operations', () => {
    const golden = new Set(GOLDEN_REQUESTS.map(caseKey));
    expect(CONTRACT_CASES.filter((c) => c.planned && !golden.has(caseKey(c))).map(caseKey)).toEqual([]);
    for (const k of [
      'lambda:Invoke',
      'dynamodb:RestoreTableToPointInTime',
      'dynamodb:RestoreTableFromBackup',
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:DeleteTable',
      'backup:StartRestoreJob',
      'backup:DescribeRestoreJob',
      'backup:PutRestoreValidationResult',
      'backup:GetRecoveryPointRestoreMetadata',
      'backup:ListRecoveryPointsByResource',
    ]) {
      expect(golden.has(k), k).toBe(true);
    }
  });

  it('the checks fail for a wrong enum, a missing member, a misplaced member and a member AWS lacks', () => {
    expect(validateRequest('ecs', 'ListTasks', { desiredStatus: 'DONE' })).toEqual([
      'ecs:ListTasks desiredStatus: "DONE" is not one of PENDING, RUNNING, STOPPED (@aws-sdk/client-ecs 3.1164.0 DesiredStatus)',
    ]);
    expect(validateRequest('ecs', 'StopTask', { cluster: 'lab-cluster' })).toEqual([
      'ecs:StopTask task: required member missing',
    ]);
    expect(validateRequest('lambda', 'Invoke', { FunctionName: 'f', InvocationType: 'Async' })[0]).toMatch(
      /InvocationType: "Async" is not one of DryRun, Event, RequestResponse/,
    );
    const moved = decodeWireRequest('lambda', 'Invoke', {
      method: 'POST',
      path: '/2015-03-31/functions/f/invocations',
      query: { InvocationType: 'Event' },
      headers: {},
    });
    expect(moved.problems).toEqual(['query parameter InvocationType is no member of the input']);
    expect(checkLabResponse('ecs', 'StopTask', '{"task":{"launchType":"LAMBDA","stoppedReason":1}}')).toEqual([
      'ecs:StopTask task.launchType: "LAMBDA" is not one of EC2, EXTERNAL, FARGATE, MANAGED_INSTANCES (@aws-sdk/client-ecs 3.1164.0 LaunchType)',
      'ecs:StopTask task.stoppedReason: expected a string, got 1',
    ]);
    expect(checkLabResponse('ecs', 'StopTask', '{"task":{"stopReason":"x"}}')[0]).toMatch(
      /task: "stopReason" is not a member of the model/,
    );
  });
});
