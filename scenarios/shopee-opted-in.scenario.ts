import { defineScenario, deliveryFaults } from '../harness/index.ts';

/**
 * A Shopee shop that opted into PENDING: paid orders held in PENDING, one cancelled from it,
 * escrow that includes Shopee-funded vouchers and coins (so buyer total − escrow is not the fee
 * total), and split orders whose packages each get a tracking push with its own `forder_id`.
 */
export const shopeeOptedIn = defineScenario({
  name: 'shopee-opted-in',
  description: 'PENDING orders, Shopee-funded vouchers and coins in escrow, split packages, under repeated pushes, races and reordering',
  tapes: ['fixtures/tapes/shopee-opted-in.jsonl'],
  faults: deliveryFaults(),
  runs: 100,
});
