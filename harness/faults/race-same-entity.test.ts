import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule, describeSchedule, scheduleExchanges, type Schedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
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

describe('applyEdits: race', () => {
  it('sends step `at` and the next step as one concurrent group of two exchanges', () => {
    const after = applyEdits(cleanSchedule(4), [{ kind: 'race', at: 1, with: 1 }]);

    expect(after.steps).toEqual([
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }] },
      { kind: 'send', delivery: { exchange: 3 } },
    ]);
  });

  it('takes the partner `with` steps later, clamped to the last step', () => {
    expect(scheduleExchanges(applyEdits(cleanSchedule(5), [{ kind: 'race', at: 0, with: 3 }]))).toEqual([
      0, 3, 1, 2, 4,
    ]);
    expect(applyEdits(cleanSchedule(3), [{ kind: 'race', at: 1, with: 9 }]).steps[1]).toEqual({
      kind: 'concurrent',
      deliveries: [{ exchange: 1 }, { exchange: 2 }],
    });
  });

  it('races the last step with the one before it, and leaves a single step alone', () => {
    expect(applyEdits(cleanSchedule(3), [{ kind: 'race', at: 2, with: 1 }]).steps).toEqual([
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }] },
    ]);
    expect(applyEdits(cleanSchedule(1), [{ kind: 'race', at: 0, with: 1 }])).toEqual(cleanSchedule(1));
  });

  it('keeps a lost acknowledgement and the deliveries of a group it joins', () => {
    const base: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 0, abortAfterMs: 5 } },
        { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 1 }] },
      ],
    };

    expect(applyEdits(base, [{ kind: 'race', at: 0, with: 1 }]).steps).toEqual([
      { kind: 'concurrent', deliveries: [{ exchange: 0, abortAfterMs: 5 }, { exchange: 1 }, { exchange: 1 }] },
    ]);
  });

  it('is described with both exchanges', () => {
    const raced = applyEdits(cleanSchedule(2), [{ kind: 'race', at: 0, with: 1 }]);
    expect(describeSchedule(raced, (x) => `ex${x}`)).toEqual(['  1. concurrently: ex0 + ex1']);
  });
});
