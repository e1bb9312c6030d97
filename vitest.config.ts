import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes (lab, PostgreSQL); two cores are shared with them.
    maxWorkers: 2,
    fileParallelism: true,
    // The pinned AWS SDK line supports Node 20; its notice about future releases is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
