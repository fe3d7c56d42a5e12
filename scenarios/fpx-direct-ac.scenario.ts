import { defineScenario, deliveryFaults } from '../harness/index.ts';

/** FPX Direct ACs: resent until `OK`, B2B 99→00 and 09→00 pending-then-approved, failures that must not credit. */
export const fpxDirectAc = defineScenario({
  name: 'fpx-direct-ac',
  description: 'approved, pending-then-approved and failed FPX payments under redelivery, races and reordering',
  tapes: ['fixtures/tapes/fpx.jsonl'],
  faults: deliveryFaults(),
  runs: 100,
});
