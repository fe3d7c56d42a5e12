import { defineScenario, deliveryFaults } from '../harness/index.ts';

/** Shopee order-status pushes: repeated pushes, lifecycle out of order, escrow posted once on COMPLETED. */
export const shopeePush = defineScenario({
  name: 'shopee-push',
  description: 'order lifecycles with escrow under repeated pushes, races and reordering',
  tapes: ['fixtures/tapes/shopee.jsonl'],
  faults: deliveryFaults(),
  runs: 100,
});
