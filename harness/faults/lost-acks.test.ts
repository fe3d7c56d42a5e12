import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { deliveryCounts, flatDeliveries } from './fault-test-helpers.ts';
import { lostAcks } from './lost-acks.ts';

describe('lostAcks', () => {
  it('draws abort delays and redelivery gaps within their bounds', () => {
    const edits = fc.sample(lostAcks({ maxAbortAfterMs: 4, maxRedeliverAfter: 2 })(5), {
      seed: 42,
      numRuns: 300,
    });

    const aborts = new Set<number>();
    const gaps = new Set<number>();
    for (const edit of edits) {
      if (edit.kind !== 'lost-ack') throw new Error(`wrong kind ${edit.kind}`);
      expect(edit.at).toBeLessThanOrEqual(4);
      aborts.add(edit.abortAfterMs);
      gaps.add(edit.redeliverAfter);
    }
    expect(aborts).toEqual(new Set([1, 2, 3, 4]));
    expect(gaps).toEqual(new Set([0, 1, 2]));
  });

  it('adds an aborted delivery plus a later plain redelivery of the same exchange', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), lostAcks()(n))),
        ([n, edit]) => {
          if (edit.kind !== 'lost-ack') throw new Error('wrong kind');
          const after = applyEdits(cleanSchedule(n), [edit]);
          const deliveries = flatDeliveries(after);

          expect(deliveries).toHaveLength(n + 1);
          const counts = deliveryCounts(after);
          for (let x = 0; x < n; x++) expect(counts.get(x)).toBe(x === edit.at ? 2 : 1);
          const aborted = deliveries.filter((d) => d.abortAfterMs !== undefined);
          expect(aborted).toEqual([{ exchange: edit.at, abortAfterMs: edit.abortAfterMs, step: edit.at }]);
          const redelivery = Math.min(edit.at + 1 + edit.redeliverAfter, n);
          expect(deliveries[redelivery]).toEqual({ exchange: edit.at, step: redelivery });
        },
      ),
      { seed: 7 },
    );
  });
});
