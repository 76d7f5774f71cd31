import { defineConfig } from 'vitest/config'

// Three projects so that only the tests that need them pay for real servers:
// unit tests beside code, cluster tests that share one real control plane, and
// journeys that start their own processes.
export default defineConfig({
  test: {
    reporters: ['default', './test/closing-line-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{crds,aws-signing,operator,gateway,test}/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/cluster/**', 'test/journeys/**'],
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['./test/cluster/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'journeys',
          include: ['test/journeys/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
