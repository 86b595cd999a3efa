import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure, fast, parallel) and `integration` (talks to a real Kafka broker
 * that test/setup/kafka-global-setup.ts provides: KAFKA_BROKERS, else testcontainers, else the
 * local broker from `fenceline kafka start`). Integration files are named *.int.test.ts.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/setup/kafka-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
