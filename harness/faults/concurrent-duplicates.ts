import fc from 'fast-check';
import { firstDelivery } from '../schedule/schedule.ts';
import { lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/** Replace step `at` with `width` simultaneous deliveries of the same exchange. */
export interface ConcurrentDuplicatesEdit {
  kind: 'concurrent-duplicates';
  at: number;
  width: number;
}

/**
 * A provider fires the same event `width` times at once (2..maxWidth simultaneous deliveries,
 * each on its own connection at replay). Shrinks toward step 0 and width 2.
 *
 * @example
 * fc.sample(concurrentDuplicates({ maxWidth: 4 })(10), 1); // [{ kind: 'concurrent-duplicates', at: 7, width: 3 }]
 */
export function concurrentDuplicates({ maxWidth = 4 }: { maxWidth?: number } = {}): (
  stepCount: number,
) => fc.Arbitrary<ConcurrentDuplicatesEdit> {
  requireInteger('concurrentDuplicates', 'maxWidth', maxWidth, 2);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), width: fc.integer({ min: 2, max: maxWidth }) })
      .map(({ at, width }): ConcurrentDuplicatesEdit => ({ kind: 'concurrent-duplicates', at, width }));
}

export const applyConcurrentDuplicates: ApplyEdit<ConcurrentDuplicatesEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const step = steps[at]!;
  // The first delivery keeps its own settings (a lost-ack abort stays), the copies are plain.
  // A group that is already concurrent (a race of two exchanges) keeps every delivery it
  // has: an edit only ever adds deliveries, it never drops an exchange from the schedule.
  const first = firstDelivery(step);
  const kept = step.kind === 'concurrent' ? step.deliveries.map((d) => ({ ...d })) : [{ ...first }];
  const copies = Math.max(2, edit.width) - 1;
  const next = [...steps];
  next[at] = {
    kind: 'concurrent',
    deliveries: [...kept, ...Array.from({ length: copies }, () => ({ exchange: first.exchange }))],
  };
  return next;
};
