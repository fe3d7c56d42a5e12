import fc from 'fast-check';
import { firstDelivery } from '../schedule/schedule.ts';
import { clamp, lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/** Abort step `at` after `abortAfterMs`, then redeliver it `redeliverAfter` steps later. */
export interface LostAckEdit {
  kind: 'lost-ack';
  at: number;
  abortAfterMs: number;
  redeliverAfter: number;
  /** The provider's wait before the redelivery (kept as the redelivery's `delayMs`). */
  redeliverDelayMs?: number;
}

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
}: { maxAbortAfterMs?: number; maxRedeliverAfter?: number } = {}): (stepCount: number) => fc.Arbitrary<LostAckEdit> {
  requireInteger('lostAcks', 'maxAbortAfterMs', maxAbortAfterMs, 1);
  requireInteger('lostAcks', 'maxRedeliverAfter', maxRedeliverAfter, 0);
  return (stepCount) =>
    fc
      .record({
        at: fc.nat(lastStep(stepCount)),
        abortAfterMs: fc.integer({ min: 1, max: maxAbortAfterMs }),
        redeliverAfter: fc.nat(maxRedeliverAfter),
      })
      .map(({ at, abortAfterMs, redeliverAfter }): LostAckEdit => ({
        kind: 'lost-ack',
        at,
        abortAfterMs,
        redeliverAfter,
      }));
}

/** The step's first delivery is aborted; a plain redelivery (with the provider's wait, if any) follows. */
export const applyLostAck: ApplyEdit<LostAckEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const step = steps[at]!;
  const exchange = firstDelivery(step).exchange;
  const next = [...steps];
  if (step.kind === 'send') {
    next[at] = { kind: 'send', delivery: { ...step.delivery, abortAfterMs: edit.abortAfterMs } };
  } else {
    // Keep the group (and its concurrency); only its first delivery loses the answer.
    next[at] = {
      kind: 'concurrent',
      deliveries: step.deliveries.map((d, i) => (i === 0 ? { ...d, abortAfterMs: edit.abortAfterMs } : d)),
    };
  }
  next.splice(clamp(at + 1 + edit.redeliverAfter, next.length), 0, {
    kind: 'send',
    delivery: edit.redeliverDelayMs === undefined ? { exchange } : { exchange, delayMs: edit.redeliverDelayMs },
  });
  return next;
};
