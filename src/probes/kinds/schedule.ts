import { z } from 'zod';
import { name, positiveDuration } from '../../scenario/common.js';

/**
 * The schedule every probe kind's scenario entry has: each probe runs open-loop on a fixed
 * schedule, so it gives `interval` (or `rate`, for kinds that have one). `dependsOn` names the
 * scenario resources it exercises (the probe coverage check of src/experiments/coverage.ts).
 */
export const probeScheduleShape = {
  name: name.meta({ description: 'Probe name, used by objectives, recovery and abort conditions.' }),
  interval: positiveDuration.optional().meta({ description: 'Time between scheduled samples (Δ).' }),
  timeout: positiveDuration.default('2s').meta({ description: 'A sample not complete after this counts as failed.' }),
  recoveryWindow: positiveDuration
    .optional()
    .meta({ description: 'Recovery window W (default max(10 × interval, 5s)).' }),
  dependsOn: z.array(name).optional().meta({
    description:
      'Scenario resources this probe exercises (a fault on one of them counts as observed by it). Derived where preflight can know: host and port of a database or replication group endpoint; an http URL on the DNS name of the load balancer in front of the target group an ec2-instance or ecs-service resource is selected through; the DynamoDB table or Lambda function a probe calls.',
  }),
};
