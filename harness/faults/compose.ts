import fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import type { Fault, FaultEdit } from './edits.ts';
import { requireInteger } from './types.ts';
import { IdemgateError } from '../errors.ts';

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
  faults: readonly Fault[],
  { maxEdits = 8 }: { maxEdits?: number } = {},
): (stepCount: number, events?: readonly ProviderEvent[]) => fc.Arbitrary<FaultEdit[]> {
  if (faults.length === 0) throw new IdemgateError('FAULT_INVALID', 'composeFaults: give at least one fault', { details: { fault: 'composeFaults' } });
  requireInteger('composeFaults', 'maxEdits', maxEdits, 0);
  return (stepCount, events) => {
    // A fault with nothing to work on in this tape (no entity changes status) is left out.
    const usable = faults
      .map((fault) => fault(stepCount, events))
      .filter((a): a is fc.Arbitrary<FaultEdit> => a !== undefined);
    return usable.length === 0 ? fc.constant([]) : fc.array(fc.oneof(...usable), { maxLength: maxEdits });
  };
}
