import { defineScenario, deliveryFaults } from '../harness/index.ts';

/** Stripe-style webhooks: redeliveries, racing duplicates, out-of-order events, lost acks. */
export const stripeWebhooks = defineScenario({
  name: 'stripe-webhooks',
  description: 'payments, partial and full refunds under duplicates, races, reordering and lost acks',
  tapes: ['fixtures/tapes/stripe.jsonl'],
  faults: deliveryFaults(),
  runs: 100,
});
