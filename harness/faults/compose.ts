import fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';
import { requireInteger, type FaultArbitrary } from './types.ts';

/**
 * Up to `maxEdits` edits, each drawn from one of `faults`. fast-check shrinks the list toward
 * fewer edits and each edit toward its smallest form (step 0, narrowest width, shortest gap),
 * so a failing schedule is reported with the fewest faults that still break the target.
 *
 * @example
 * const edits = composeFaults([concurrentDuplicates(), lostAcks()], { maxEdits: 4 });
 * fc.assert(fc.asyncProperty(edits(tape.exchanges.length), async (e) => check(applyEdits(clean, e))));
 */
export function composeFaults(
  faults: readonly FaultArbitrary[],
  { maxEdits = 8 }: { maxEdits?: number } = {},
): (stepCount: number) => fc.Arbitrary<FaultEdit[]> {
  if (faults.length === 0) throw new RangeError('composeFaults: give at least one fault');
  requireInteger('composeFaults', 'maxEdits', maxEdits, 0);
  return (stepCount) =>
    fc.array(fc.oneof(...faults.map((fault) => fault(stepCount))), { maxLength: maxEdits });
}
