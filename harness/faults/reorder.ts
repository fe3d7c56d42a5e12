import fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';
import { lastStep, requireInteger, type PositionalFault } from './types.ts';

/**
 * Deliveries arrive out of order: step `at` is moved 1..window steps later (a move by 0 would
 * be no fault). Shrinks toward step 0 and offset 1, i.e. swapping two neighbours.
 *
 * @example
 * fc.sample(reorderWithin({ window: 5 })(10), 1); // [{ kind: 'reorder', at: 2, offset: 4 }]
 */
export function reorderWithin({ window = 5 }: { window?: number } = {}): PositionalFault {
  requireInteger('reorderWithin', 'window', window, 1);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), offset: fc.integer({ min: 1, max: window }) })
      .map(({ at, offset }): FaultEdit => ({ kind: 'reorder', at, offset }));
}
