import { defineConfig } from 'vitest/config';

/** The mutation matrix against the reference service: run alone, after everything else. */
const MATRIX = 'harness/mutate/reference-matrix.test.ts';

export default defineConfig({
  test: {
    // PGlite takes ~2.5 s to start and scenarios run hundreds of schedules.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most test time is spent waiting on HTTP, child processes and PGlite; two workers on two
    // cores roughly halves the wall time without starving timing-based checks.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'fixtures/**/*.test.ts'],
          exclude: [MATRIX, '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The matrix runs its mutants two at a time itself: sharing the cores with other test
        // files would make its time (bounded by the issue at 5 minutes on 2 cores) meaningless.
        extends: true,
        test: { name: 'matrix', include: [MATRIX], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
