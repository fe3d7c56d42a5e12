import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, cleanSchedule, scheduleExchanges } from '../schedule/schedule.ts';
import { raceSameEntity } from './race-same-entity.ts';

describe('raceSameEntity', () => {
  it('draws race edits within the schedule and the window', () => {
    const edits = fc.sample(raceSameEntity({ window: 2 })(6), { seed: 3, numRuns: 200 });
    const partners = new Set<number>();
    for (const edit of edits) {
      if (edit.kind !== 'race') throw new Error(`wrong kind ${edit.kind}`);
      expect(edit.at).toBeGreaterThanOrEqual(0);
      expect(edit.at).toBeLessThanOrEqual(5);
      partners.add(edit.with);
    }
    expect(partners).toEqual(new Set([1, 2]));
  });

  it('sends every exchange exactly once, two of them in one concurrent group', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }).chain((n) => fc.tuple(fc.constant(n), raceSameEntity({ window: 3 })(n))),
        ([n, edit]) => {
          const after = applyEdits(cleanSchedule(n), [edit]);

          expect([...scheduleExchanges(after)].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          expect(after.steps).toHaveLength(n - 1);
          const groups = after.steps.filter((s) => s.kind === 'concurrent');
          expect(groups).toHaveLength(1);
          const exchanges = groups[0]!.kind === 'concurrent' ? groups[0]!.deliveries.map((d) => d.exchange) : [];
          expect(new Set(exchanges).size).toBe(2);
        },
      ),
      { seed: 11 },
    );
  });

  it('rejects a window below 1', () => {
    expect(() => raceSameEntity({ window: 0 })).toThrow(/window/);
  });
});
