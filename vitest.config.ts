import { defineConfig } from 'vitest/config'

// Four projects so that only the tests that need them pay for real servers: unit tests beside
// code, cluster tests that share one real control plane, journeys that start their own
// processes, and pods: Strata installed with helm on a real single-node cluster from its images.
export default defineConfig({
  test: {
    reporters: ['default', './test/closing-line-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{crds,aws-signing,operator,gateway,test}/**/*.test.ts'],
          exclude: [
            '**/node_modules/**',
            'test/cluster/**',
            'test/journeys/**',
            'test/pods/*.test.ts',
          ],
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
      {
        test: {
          name: 'pods',
          // test/pods/objects/ holds pure functions; their tests run with the unit tests.
          include: ['test/pods/*.test.ts'],
          globalSetup: ['./test/pods/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
