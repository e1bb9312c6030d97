import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamodbHandler } from '../../../src/lab/api/dynamodb.js';
import { FaultInjector } from '../../../src/lab/api/faults.js';
import { jsonReply } from '../../../src/lab/api/protocol.js';
import { ApiServer } from '../../../src/lab/api/server.js';
import type { DynamoLab } from '../../../src/lab/dynamodb/engine.js';
import { startDynamo } from '../../../src/lab/dynamodb/setup.js';

/** The lab's DynamoDB behind the lab's API server, in this process, with a real SDK client. */
export async function dynamoServer(o: { pitrLagMs?: number; transitionMs?: number } = {}) {
  const lab: DynamoLab = await startDynamo({
    pitrLagMs: o.pitrLagMs ?? 300,
    transitionMs: o.transitionMs ?? 200,
    onError: () => {},
  });
  const api = new ApiServer(
    {},
    () => jsonReply(404, {}),
    { status: () => ({}), reset: async () => ({}), shipLogs: async () => ({}) },
    new FaultInjector(),
    { json: {}, rest: { dynamodb: dynamodbHandler(lab) } },
  );
  const port = await api.listen(0);
  const client = (accessKeyId = 'lab') =>
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId, secretAccessKey: 'lab' },
      maxAttempts: 1,
    });
  return {
    lab,
    port,
    client,
    close: async () => {
      await api.close();
      await lab.stop();
    },
  };
}
