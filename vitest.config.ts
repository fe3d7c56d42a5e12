import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** The mutation matrix against the reference service: run alone, after everything else. */
const MATRIX = 'harness/mutate/reference-matrix.test.ts';

/**
 * The longest test files of the suite, longest first (measured on 2 cores, 2026-12). Without
 * vitest's cache of earlier durations (a fresh clone, as in CI) files run largest first, and most
 * of these are small files that ran last: one worker finished a long file alone while the other
 * sat idle. Started first, they overlap with the many short files instead.
 */
const HEAVIEST = [
  'fixtures/queue-service/matrix.test.ts',
  'harness/cli/cli.test.ts',
  'fixtures/queue-service/stripe-queue-crash.test.ts',
  'fixtures/idempotency-service/payments-api.test.ts',
  'fixtures/queue-service/stripe-queue.test.ts',
  'harness/cli/pack.test.ts',
  'harness/upstream/guards.test.ts',
  'harness/faults/crash-restart.guard.test.ts',
  'harness/cli/signals.test.ts',
  'harness/cli/target-health.test.ts',
  'harness/providers/fpx/enquiry-guards.test.ts',
  'harness/providers/stripe/billing-effects.test.ts',
];

/** vitest's order (groupOrder, then its cache or file size), with the HEAVIEST files first in each group. */
class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = HEAVIEST.indexOf(relative(f.project.config.root, f.moduleId));
      return i === -1 ? HEAVIEST.length : i;
    };
    const group = (f: TestSpecification): number => f.project.config.sequence.groupOrder;
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return (await super.sort(files)).sort((a, b) => group(a) - group(b) || rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // PGlite takes ~2.5 s to start and scenarios run hundreds of schedules.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most test time is spent waiting on HTTP, child processes and PGlite; two workers on two
    // cores roughly halves the wall time without starving timing-based checks.
    maxWorkers: 2,
    sequence: { sequencer: HeaviestFirst },
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
