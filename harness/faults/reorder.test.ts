import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule, scheduleExchanges } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { reorderWithin } from './reorder.ts';

describe('reorderWithin', () => {
  it('draws offsets from 1 to the window, never 0', () => {
    const edits = fc.sample(reorderWithin({ window: 3 })(8), { seed: 42, numRuns: 300 });

    const offsets = new Set<number>();
    for (const edit of edits) {
      if (edit.kind !== 'reorder') throw new Error(`wrong kind ${edit.kind}`);
      expect(edit.at).toBeLessThanOrEqual(7);
      offsets.add(edit.offset);
    }
    expect(offsets).toEqual(new Set([1, 2, 3]));
  });

  it('keeps the multiset of deliveries and moves the step later within the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), reorderWithin()(n))),
        ([n, edit]) => {
          if (edit.kind !== 'reorder') throw new Error('wrong kind');
          const after = scheduleExchanges(applyEdits(cleanSchedule(n), [edit]));

          expect([...after].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          expect(after.indexOf(edit.at)).toBe(Math.min(edit.at + edit.offset, n - 1));
        },
      ),
      { seed: 7 },
    );
  });
});
