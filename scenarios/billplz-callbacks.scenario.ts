import { billplzRetries, concurrentDuplicates, defineScenario, overtakeWithinEntity, raceSameEntity, reorderWithin } from '../harness/index.ts';

/**
 * Billplz bills: the server callback and the buyer's redirect of one bill arrive in either order
 * or at the same moment (same identity, one credit), callbacks are retried on Billplz's 5-attempt
 * schedule (15 s + jitter, 15 min, 15 min, 24 h as data on the schedule), and late unpaid
 * callbacks must not undo a payment.
 */
export const billplzCallbacks = defineScenario({
  name: 'billplz-callbacks',
  description: 'Billplz callback vs redirect races, duplicates and the 5-attempt callback retry schedule',
  tapes: ['fixtures/tapes/billplz.jsonl'],
  faults: [raceSameEntity(), reorderWithin({ window: 3 }), overtakeWithinEntity(), concurrentDuplicates({ maxWidth: 3 }), billplzRetries()],
  maxEdits: 4,
  runs: 40,
});
