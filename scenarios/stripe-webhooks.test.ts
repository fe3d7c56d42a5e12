import {
  concurrentDuplicates,
  defineScenario,
  lostAcks,
  reorderWithin,
  sequentialDuplicates,
} from '../harness/index.ts';
import { scenarioTest } from '../harness/vitest.ts';

/** Stripe-style webhooks: redeliveries, racing duplicates, out-of-order events, lost acks. */
export const stripeWebhooks = defineScenario({
  name: 'stripe-webhooks',
  description: 'payments, partial and full refunds under duplicates, races, reordering and lost acks',
  tapes: ['fixtures/tapes/stripe.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 4 }), concurrentDuplicates({ maxWidth: 4 }), reorderWithin({ window: 6 }), lostAcks({})],
  runs: 100,
});

scenarioTest(stripeWebhooks);
