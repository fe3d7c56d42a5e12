import fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';
import { lastStep, requireInteger, type PositionalFault } from './types.ts';

/**
 * The target's answer never reaches the provider: the delivery at step `at` is aborted
 * client-side after 1..maxAbortAfterMs ms (the target may still commit), and the provider sends
 * it again `redeliverAfter` steps later (0 = right after). Shrinks toward step 0, a 1 ms abort
 * and an immediate redelivery.
 *
 * @example
 * fc.sample(lostAcks()(10), 1); // [{ kind: 'lost-ack', at: 3, abortAfterMs: 12, redeliverAfter: 1 }]
 */
export function lostAcks({
  maxAbortAfterMs = 30,
  maxRedeliverAfter = 5,
}: { maxAbortAfterMs?: number; maxRedeliverAfter?: number } = {}): PositionalFault {
  requireInteger('lostAcks', 'maxAbortAfterMs', maxAbortAfterMs, 1);
  requireInteger('lostAcks', 'maxRedeliverAfter', maxRedeliverAfter, 0);
  return (stepCount) =>
    fc
      .record({
        at: fc.nat(lastStep(stepCount)),
        abortAfterMs: fc.integer({ min: 1, max: maxAbortAfterMs }),
        redeliverAfter: fc.nat(maxRedeliverAfter),
      })
      .map(({ at, abortAfterMs, redeliverAfter }): FaultEdit => ({
        kind: 'lost-ack',
        at,
        abortAfterMs,
        redeliverAfter,
      }));
}
