import { COMPUTE_GOLDEN } from './golden-requests-compute.js';
import { DATA_GOLDEN } from './golden-requests-data.js';

/**
 * Golden requests: each operation the coming fault modules send (ECS tasks and services, Lambda
 * concurrency and invocation, ElastiCache failover, DynamoDB and AWS Backup restores, Auto Scaling
 * processes), built with the real v3 command as a module would send it. `golden-requests.test.ts`
 * sends each through the real client (answered in process by `answer`), validates the input
 * against AWS's model, pins the serialized request (`wire`) and reads the wire back through the
 * model's HTTP bindings. A module that sends one of these only adds its code-path capture.
 */
export interface Golden {
  service: string;
  operation: string;
  command: { input: object };
  /** The request as the client serializes it: method, path, the protocol's headers, the body. */
  wire: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
  };
  /** A model-conforming answer (HTTP status, headers, body) and what the SDK must read from it. */
  answer: { status?: number; headers?: Record<string, string>; body: string };
  reads: (out: Record<string, unknown>) => unknown;
  expect: unknown;
}

export const GOLDEN_REQUESTS: Golden[] = [...COMPUTE_GOLDEN, ...DATA_GOLDEN];
