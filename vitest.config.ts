import { defineConfig } from 'vitest/config';

// Files that start a whole lab (app processes, PostgreSQL pair, AWS API) or drive real drills.
// They run after the fast suite, one file at a time, so the timing-sensitive probe tests never
// share the two cores with a lab starting up.
const labFiles = [
  'test/lab/ec2-alb.test.ts',
  'test/lab/fis.test.ts',
  'test/lab/lifecycle.test.ts',
  'test/lab/rds.test.ts',
  'test/lab/aurora-mysql.test.ts',
  'test/lab/backup.test.ts',
  'test/lab/backup-aurora.test.ts',
  'test/lab/dynamodb/**/*.test.ts',
  'test/lab/ecs.test.ts',
  'test/lab/lambda.test.ts',
  'test/lab/elasticache.test.ts',
  'test/lab/probes-lambda-redis.test.ts',
  'test/lab/contract-responses.test.ts',
  'test/lab/asg.test.ts',
  'test/lab/failover-faults.test.ts',
  'test/integration/**/*.test.ts',
  'test/probes/k6/lab-drill.test.ts',
];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // The pinned AWS SDK line supports Node 20; its notice about future releases is noise in test output.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...labFiles],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'lab',
          include: labFiles,
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
