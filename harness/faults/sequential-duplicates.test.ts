import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { deliveryCounts, flatDeliveries } from './fault-test-helpers.ts';
import { sequentialDuplicates } from './sequential-duplicates.ts';

describe('sequentialDuplicates', () => {
  it('draws duplicate edits within the schedule and the gap bound, reaching both ends', () => {
    const edits = fc.sample(sequentialDuplicates({ maxGap: 3 })(6), { seed: 42, numRuns: 300 });

    for (const edit of edits) {
      expect(edit.kind).toBe('duplicate');
      if (edit.kind !== 'duplicate') continue;
      expect(edit.at).toBeGreaterThanOrEqual(0);
      expect(edit.at).toBeLessThanOrEqual(5);
      expect(edit.gap).toBeGreaterThanOrEqual(0);
      expect(edit.gap).toBeLessThanOrEqual(3);
    }
    const gaps = new Set(edits.map((e) => (e.kind === 'duplicate' ? e.gap : -1)));
    expect(gaps).toEqual(new Set([0, 1, 2, 3]));
  });

  it('adds exactly one more delivery of the same exchange, gap steps after the original', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), sequentialDuplicates()(n))),
        ([n, edit]) => {
          if (edit.kind !== 'duplicate') throw new Error('wrong kind');
          const after = applyEdits(cleanSchedule(n), [edit]);

          const counts = deliveryCounts(after);
          expect(after.steps).toHaveLength(n + 1);
          for (let x = 0; x < n; x++) expect(counts.get(x)).toBe(x === edit.at ? 2 : 1);
          const copy = Math.min(edit.at + 1 + edit.gap, n);
          expect(flatDeliveries(after)[copy]).toEqual({ exchange: edit.at, step: copy });
        },
      ),
      { seed: 7 },
    );
  });

  it('rejects a negative maxGap at once', () => {
    expect(() => sequentialDuplicates({ maxGap: -1 })).toThrow(/maxGap/);
  });
});
