import {
  type AttributeValue,
  DescribeTableCommand,
  type DescribeTableCommandInput,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand, type InvokeCommandInput, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsTarget } from './clients.js';

/**
 * The AWS calls of the probes that talk to AWS APIs themselves (lambda, dynamodb-heartbeat). A
 * probe records every attempt as a sample, so these clients are not call-recorded; they keep the
 * region, profile, endpoint and credential rules of every client.
 */
export type { AttributeValue, InvokeCommandOutput };

type Call<I, O> = (input: I, o: { abortSignal?: AbortSignal | undefined }) => Promise<O>;

/** What the lambda probe needs of Lambda (the real client, or a stand-in for error paths). */
export interface LambdaInvoker {
  invoke: Call<InvokeCommandInput, InvokeCommandOutput>;
  destroy(): void;
}

/**
 * Lambda for probing: one attempt per call (an open-loop probe records each failure as it
 * happens; SDK retries would hide throttling and errors inside one sample).
 */
export function createLambdaInvoker(target: AwsTarget): LambdaInvoker {
  const client = new LambdaClient({
    region: target.region,
    maxAttempts: 1,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
  return {
    invoke: (i, o) => client.send(new InvokeCommand(i), o),
    destroy: () => client.destroy(),
  };
}

/** What the DynamoDB heartbeat needs of DynamoDB. */
export interface DynamoHeartbeatApi {
  describeTable: Call<DescribeTableCommandInput, DescribeTableCommandOutput>;
  putItem: Call<PutItemCommandInput, PutItemCommandOutput>;
  query: Call<QueryCommandInput, QueryCommandOutput>;
  destroy(): void;
}

/**
 * DynamoDB for the heartbeat writer: its own attempts and timeouts (a heartbeat must settle
 * within its deadline).
 */
export function createDynamoHeartbeatApi(
  target: AwsTarget,
  o: { maxAttempts: number; connectTimeoutMs: number; requestTimeoutMs: number },
): DynamoHeartbeatApi {
  return dynamoHeartbeatApiOver(
    new DynamoDBClient({
      region: target.region,
      maxAttempts: o.maxAttempts,
      requestHandler: { connectionTimeout: o.connectTimeoutMs, requestTimeout: o.requestTimeoutMs },
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      ...(target.credentials ? { credentials: target.credentials } : {}),
      ...(target.profile ? { profile: target.profile } : {}),
    }),
  );
}

/** The heartbeat's DynamoDB calls over a given client (tests: a client whose requests are captured). */
export function dynamoHeartbeatApiOver(client: DynamoDBClient): DynamoHeartbeatApi {
  return {
    describeTable: (i, c) => client.send(new DescribeTableCommand(i), c),
    putItem: (i, c) => client.send(new PutItemCommand(i), c),
    query: (i, c) => client.send(new QueryCommand(i), c),
    destroy: () => client.destroy(),
  };
}
