import fc from 'fast-check';
import { clamp, lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/** Move step `at` later by `offset` steps (reordering within a window). */
export interface ReorderEdit {
  kind: 'reorder';
  at: number;
  offset: number;
}

/**
 * Deliveries arrive out of order: step `at` is moved 1..window steps later (a move by 0 would
 * be no fault). Shrinks toward step 0 and offset 1, i.e. swapping two neighbours.
 *
 * @example
 * fc.sample(reorderWithin({ window: 5 })(10), 1); // [{ kind: 'reorder', at: 2, offset: 4 }]
 */
export function reorderWithin({ window = 5 }: { window?: number } = {}): (
  stepCount: number,
) => fc.Arbitrary<ReorderEdit> {
  requireInteger('reorderWithin', 'window', window, 1);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), offset: fc.integer({ min: 1, max: window }) })
      .map(({ at, offset }): ReorderEdit => ({ kind: 'reorder', at, offset }));
}

/** The step moves whole; past the end it goes last. */
export const applyReorder: ApplyEdit<ReorderEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const next = [...steps];
  const [moved] = next.splice(at, 1);
  next.splice(clamp(at + edit.offset, next.length), 0, moved!);
  return next;
};
