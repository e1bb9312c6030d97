import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsTarget } from './clients.js';

/**
 * A Lambda client for probing: one attempt per call (an open-loop probe records each failure as
 * it happens; SDK retries would hide throttling and errors inside one sample), the same region,
 * profile, endpoint and credential rules as every other client.
 */
export function createLambdaProbeClient(target: AwsTarget): LambdaClient {
  return new LambdaClient({
    region: target.region,
    maxAttempts: 1,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
}
