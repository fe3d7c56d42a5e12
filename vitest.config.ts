import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'fixtures/**/*.test.ts'],
    // PGlite takes ~2.5 s to start and scenarios run hundreds of schedules.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most test time is spent waiting on HTTP, child processes and PGlite; two workers on two
    // cores roughly halves the wall time without starving timing-based checks.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
