import fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';
import { lastStep, requireInteger, type PositionalFault } from './types.ts';

/**
 * A provider sends the same event again, `gap` steps after the original (0 = right after).
 * Shrinks toward step 0 and gap 0.
 *
 * @example
 * fc.sample(sequentialDuplicates({ maxGap: 3 })(10), 1); // [{ kind: 'duplicate', at: 4, gap: 2 }]
 */
export function sequentialDuplicates({ maxGap = 5 }: { maxGap?: number } = {}): PositionalFault {
  requireInteger('sequentialDuplicates', 'maxGap', maxGap, 0);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), gap: fc.nat(maxGap) })
      .map(({ at, gap }): FaultEdit => ({ kind: 'duplicate', at, gap }));
}
