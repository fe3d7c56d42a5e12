import {
  concurrentDuplicates,
  defineScenario,
  lostAcks,
  reorderWithin,
  sequentialDuplicates,
} from '../harness/index.ts';
import { scenarioTest } from '../harness/vitest.ts';

/** Shopee order-status pushes: repeated pushes, lifecycle out of order, escrow posted once on COMPLETED. */
export const shopeePush = defineScenario({
  name: 'shopee-push',
  description: 'order lifecycles with escrow under repeated pushes, races and reordering',
  tapes: ['fixtures/tapes/shopee.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 4 }), concurrentDuplicates({ maxWidth: 4 }), reorderWithin({ window: 6 }), lostAcks({})],
  runs: 100,
});

scenarioTest(shopeePush);
