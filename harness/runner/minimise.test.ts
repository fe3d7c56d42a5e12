import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimise } from './minimise.ts';

describe('minimise', () => {
  it('finds exactly the items a failure needs, in their order, for any list and any needed subset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 60 }).chain((items) =>
          fc.tuple(fc.constant(items), fc.subarray(items, { minLength: 1, maxLength: Math.min(4, items.length) })),
        ),
        async ([items, needed]) => {
          const fails = async (xs: number[]): Promise<boolean> => needed.every((n) => xs.includes(n));
          expect(await minimise(items, fails, () => true)).toEqual(needed);
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('stops when the budget says so, with the smallest failure found by then', async () => {
    let tries = 0;
    const result = await minimise([1, 2, 3, 4, 5, 6, 7, 8], async (xs) => (tries++, xs.includes(7)), () => tries < 2);
    expect(tries).toBe(2);
    expect(result).toEqual([5, 6, 7, 8]);
    expect(await minimise([1, 2, 3], async () => true, () => false)).toEqual([1, 2, 3]);
  });
});
