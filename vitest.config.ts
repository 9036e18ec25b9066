import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e tests start real local backends; infra tests synthesize stacks.
    testTimeout: 60_000,
    // A beforeAll that starts the runtime took over 60 s on CI's loaded 2 cores (a test's own work stays within 60 s).
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    // The console's Vite build, once per run (when missing or older than its sources).
    globalSetup: ['test/support/console-build-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'eu-central-1',
    },
  },
});
