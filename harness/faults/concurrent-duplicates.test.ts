import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { composeFaults } from './compose.ts';
import { concurrentDuplicates } from './concurrent-duplicates.ts';
import { deliveryCounts } from './fault-test-helpers.ts';
import { sequentialDuplicates } from './sequential-duplicates.ts';

describe('concurrentDuplicates', () => {
  it('draws widths from 2 to maxWidth, reaching both', () => {
    const edits = fc.sample(concurrentDuplicates({ maxWidth: 5 })(4), { seed: 42, numRuns: 300 });

    const widths = new Set<number>();
    for (const edit of edits) {
      if (edit.kind !== 'concurrent-duplicates') throw new Error(`wrong kind ${edit.kind}`);
      expect(edit.at).toBeLessThanOrEqual(3);
      widths.add(edit.width);
    }
    expect(widths).toEqual(new Set([2, 3, 4, 5]));
  });

  it('turns the step into a group of width w of the same exchange', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), concurrentDuplicates()(n))),
        ([n, edit]) => {
          if (edit.kind !== 'concurrent-duplicates') throw new Error('wrong kind');
          const after = applyEdits(cleanSchedule(n), [edit]);

          expect(after.steps).toHaveLength(n);
          expect(after.steps[edit.at]).toEqual({
            kind: 'concurrent',
            deliveries: Array.from({ length: edit.width }, () => ({ exchange: edit.at })),
          });
          const counts = deliveryCounts(after);
          for (let x = 0; x < n; x++) expect(counts.get(x)).toBe(x === edit.at ? edit.width : 1);
        },
      ),
      { seed: 7 },
    );
  });

  it('shrinks a failure caused by any concurrent group to a single edit of width 2', () => {
    const edits = composeFaults([sequentialDuplicates(), concurrentDuplicates({ maxWidth: 6 })], {
      maxEdits: 8,
    })(10);

    const details = fc.check(
      fc.property(edits, (e) => applyEdits(cleanSchedule(10), e).steps.every((s) => s.kind === 'send')),
      { seed: 1234 },
    );

    expect(details.failed).toBe(true);
    expect(details.counterexample).toEqual([[{ kind: 'concurrent-duplicates', at: 0, width: 2 }]]);
  });

  it('rejects a width below 2 at once', () => {
    expect(() => concurrentDuplicates({ maxWidth: 1 })).toThrow(/maxWidth/);
  });
});
