import { concurrentDuplicates } from './concurrent-duplicates.ts';
import type { Fault } from './edits.ts';
import { lostAcks } from './lost-acks.ts';
import { overtakeWithinEntity } from './overtake.ts';
import { reorderWithin } from './reorder.ts';
import { sequentialDuplicates } from './sequential-duplicates.ts';

/**
 * The faults every webhook provider produces, together: redeliveries, concurrent duplicates,
 * reordering within a window, a later status of one entity overtaking an earlier one, and lost
 * acknowledgements.
 *
 * @example
 * defineScenario({ name: 'stripe', tapes: ['stripe.jsonl'], faults: deliveryFaults({ window: 6 }) });
 */
export function deliveryFaults({
  maxGap = 4,
  maxWidth = 4,
  window = 6,
}: { maxGap?: number; maxWidth?: number; window?: number } = {}): Fault[] {
  return [
    sequentialDuplicates({ maxGap }),
    concurrentDuplicates({ maxWidth }),
    reorderWithin({ window }),
    overtakeWithinEntity(),
    lostAcks({}),
  ];
}
