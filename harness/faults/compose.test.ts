import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { composeFaults } from './compose.ts';
import { concurrentDuplicates } from './concurrent-duplicates.ts';
import { lostAcks } from './lost-acks.ts';
import { reorderWithin } from './reorder.ts';
import { sequentialDuplicates } from './sequential-duplicates.ts';

const all = [sequentialDuplicates(), concurrentDuplicates(), reorderWithin(), lostAcks()];

describe('composeFaults', () => {
  it('draws up to maxEdits edits and every fault kind', () => {
    const lists = fc.sample(composeFaults(all, { maxEdits: 3 })(10), { seed: 42, numRuns: 300 });

    expect(Math.max(...lists.map((l) => l.length))).toBe(3);
    expect(lists.some((l) => l.length === 0)).toBe(true);
    expect(new Set(lists.flat().map((e) => e.kind))).toEqual(
      new Set(['duplicate', 'concurrent-duplicates', 'reorder', 'lost-ack']),
    );
  });

  it('never loses a delivery: every exchange of the tape is still delivered at least once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(fc.constant(n), composeFaults(all)(n))),
        ([n, edits]) => {
          const delivered = new Set(
            applyEdits(cleanSchedule(n), edits).steps.flatMap((s) =>
              s.kind === 'send' ? [s.delivery.exchange] : s.deliveries.map((d) => d.exchange),
            ),
          );
          expect(delivered.size).toBe(n);
        },
      ),
      { seed: 3 },
    );
  });

  it('shrinks a failure to the single smallest edit that causes it', () => {
    const details = fc.check(
      fc.property(composeFaults(all)(8), (edits) =>
        applyEdits(cleanSchedule(8), edits).steps.every(
          (s) => s.kind !== 'send' || s.delivery.abortAfterMs === undefined,
        ),
      ),
      { seed: 99 },
    );

    expect(details.counterexample).toEqual([[{ kind: 'lost-ack', at: 0, abortAfterMs: 1, redeliverAfter: 0 }]]);
  });

  it('rejects an empty fault list at once', () => {
    expect(() => composeFaults([])).toThrow(/at least one fault/);
  });
});
