import { concurrentDuplicates, defineScenario, lostAcks, raceSameEntity, reorderWithin, sequentialDuplicates } from '../harness/index.ts';

/** The browser's Indirect AC races the Direct AC in either order; the payment is credited once. */
export const fpxIndirectAc = defineScenario({
  name: 'fpx-indirect-ac',
  description: 'FPX Direct and Indirect ACs of one payment, in either order or at the same moment, duplicated and with lost acknowledgements',
  tapes: ['fixtures/tapes/fpx-indirect.jsonl'],
  faults: [raceSameEntity(), reorderWithin({ window: 4 }), concurrentDuplicates({ maxWidth: 3 }), sequentialDuplicates({ maxGap: 3 }), lostAcks({})],
  runs: 40,
});
