import fc from 'fast-check';
import type { FaultArbitrary } from '../../faults/types.ts';
import { lastStep } from '../../faults/types.ts';
import type { FaultEdit } from '../../schedule/schedule.ts';

/**
 * Billplz's callback retry schedule as a delivery fault: up to 5 attempts, after 15 s (+ jitter),
 * 15 min, 15 min and 24 h. Each edit is one failed attempt (the merchant's answer is lost) and
 * its retry; the gaps map to steps of the schedule: 15 s → right after, 15 min → a couple of
 * deliveries later, 24 h → far later. Compose up to 4 of them on one step for all five attempts.
 *
 * @example
 * defineScenario({ …, faults: [billplzRetries()], maxEdits: 4 });
 */
export function billplzRetries({ maxAbortAfterMs = 20 }: { maxAbortAfterMs?: number } = {}): FaultArbitrary {
  const gaps = [0, 2, 2, 8];
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), attempt: fc.integer({ min: 0, max: gaps.length - 1 }), abortAfterMs: fc.integer({ min: 1, max: maxAbortAfterMs }) })
      .map(({ at, attempt, abortAfterMs }): FaultEdit => ({ kind: 'lost-ack', at, abortAfterMs, redeliverAfter: gaps[attempt]! }));
}
