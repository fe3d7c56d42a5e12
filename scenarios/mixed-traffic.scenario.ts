import { defineScenario, deliveryFaults } from '../harness/index.ts';

/** All three providers interleaved in recorded-time order, as one merchant sees a busy evening. */
export const mixedTraffic = defineScenario({
  name: 'mixed-traffic',
  description: 'Shopee, FPX and Stripe traffic merged by recorded time, every fault composed',
  tapes: ['fixtures/tapes/shopee.jsonl', 'fixtures/tapes/fpx.jsonl', 'fixtures/tapes/stripe.jsonl'],
  faults: deliveryFaults({ maxGap: 6, window: 8 }),
  maxEdits: 8,
  runs: 100,
});
