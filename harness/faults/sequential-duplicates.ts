import fc from 'fast-check';
import { firstDelivery } from '../schedule/schedule.ts';
import { clamp, lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/** Deliver step `at`'s exchange again, `gap` steps later (0 = right after). */
export interface DuplicateEdit {
  kind: 'duplicate';
  at: number;
  gap: number;
}

/**
 * A provider sends the same event again, `gap` steps after the original (0 = right after).
 * Shrinks toward step 0 and gap 0.
 *
 * @example
 * fc.sample(sequentialDuplicates({ maxGap: 3 })(10), 1); // [{ kind: 'duplicate', at: 4, gap: 2 }]
 */
export function sequentialDuplicates({ maxGap = 5 }: { maxGap?: number } = {}): (
  stepCount: number,
) => fc.Arbitrary<DuplicateEdit> {
  requireInteger('sequentialDuplicates', 'maxGap', maxGap, 0);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), gap: fc.nat(maxGap) })
      .map(({ at, gap }): DuplicateEdit => ({ kind: 'duplicate', at, gap }));
}

/** The copy is a plain send of the step's (first) exchange; past the end it goes last. */
export const applyDuplicate: ApplyEdit<DuplicateEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const next = [...steps];
  next.splice(clamp(at + 1 + edit.gap, next.length), 0, {
    kind: 'send',
    delivery: { exchange: firstDelivery(steps[at]!).exchange },
  });
  return next;
};
