import { defineScenario, deliveryFaults } from '../harness/index.ts';

/**
 * FPX payments that go pending (`09`, `99`) and are never approved: some end failed, some are
 * abandoned and stay pending. Not one of them may move money, whatever the delivery order; a
 * service that credits a pending AC and trusts a later `00` to match it is caught here, because
 * no `00` ever comes.
 */
export const fpxPending = defineScenario({
  name: 'fpx-pending',
  description: 'pending FPX payments that end failed or stay pending, among approved ones, under redelivery, races and reordering',
  tapes: ['fixtures/tapes/fpx-pending.jsonl'],
  faults: deliveryFaults(),
  runs: 100,
});
