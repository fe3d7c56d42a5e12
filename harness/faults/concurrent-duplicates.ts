import fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';
import { lastStep, requireInteger, type PositionalFault } from './types.ts';

/**
 * A provider fires the same event `width` times at once (2..maxWidth simultaneous deliveries,
 * each on its own connection at replay). Shrinks toward step 0 and width 2.
 *
 * @example
 * fc.sample(concurrentDuplicates({ maxWidth: 4 })(10), 1); // [{ kind: 'concurrent-duplicates', at: 7, width: 3 }]
 */
export function concurrentDuplicates({ maxWidth = 4 }: { maxWidth?: number } = {}): PositionalFault {
  requireInteger('concurrentDuplicates', 'maxWidth', maxWidth, 2);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), width: fc.integer({ min: 2, max: maxWidth }) })
      .map(({ at, width }): FaultEdit => ({ kind: 'concurrent-duplicates', at, width }));
}
