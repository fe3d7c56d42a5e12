import fc from 'fast-check';
import type { PositionalFault } from './edits.ts';
import type { LostAckEdit } from './lost-acks.ts';
import { lastStep, requireInteger } from './types.ts';
import { IdemgateError } from '../errors.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Billplz's callback retries, as its API documentation describes them (https://www.billplz.com/api,
 * payment completion): at most 5 attempts; after a failed one it waits 15 s (plus jitter), then
 * 15 min, 15 min and 24 h. Entry `i` is the wait before retry `i + 1`.
 */
export const BILLPLZ_RETRY_DELAYS_MS: readonly number[] = Object.freeze([15 * SECOND, 15 * MINUTE, 15 * MINUTE, 24 * HOUR]);
export const BILLPLZ_MAX_ATTEMPTS = BILLPLZ_RETRY_DELAYS_MS.length + 1;

/**
 * Billplz's callback retry schedule as a delivery fault. Each edit is one failed attempt (the
 * merchant's answer is lost) followed by Billplz's retry: which retry it is decides both the wait
 * (`redeliverDelayMs`: 15 s + jitter, 15 min, 15 min, 24 h, kept on the schedule as the
 * redelivery's `delayMs` and slept only under a replay `timeScale`) and how far later in the
 * traffic the retry lands (`redeliverAfter`: `stepGaps[retry]`, by default right after, two
 * deliveries later, two later, eight later). Compose up to 4 of them for all five attempts.
 *
 * @example
 * defineScenario({ …, faults: [billplzRetries()], maxEdits: 4 });
 * // { kind: 'lost-ack', at: 3, abortAfterMs: 7, redeliverAfter: 2, redeliverDelayMs: 900000 }
 */
export function billplzRetries({
  maxAbortAfterMs = 20,
  maxJitterMs = 5 * SECOND,
  stepGaps = [0, 2, 2, 8],
}: { maxAbortAfterMs?: number; maxJitterMs?: number; stepGaps?: readonly number[] } = {}): PositionalFault {
  requireInteger('billplzRetries', 'maxAbortAfterMs', maxAbortAfterMs, 1);
  requireInteger('billplzRetries', 'maxJitterMs', maxJitterMs, 0);
  if (stepGaps.length !== BILLPLZ_RETRY_DELAYS_MS.length) {
    throw new IdemgateError(
      'FAULT_INVALID',
      `billplzRetries: stepGaps needs one gap per retry (${BILLPLZ_RETRY_DELAYS_MS.length}), got ${stepGaps.length}`,
      { details: { fault: 'billplzRetries', option: 'stepGaps' } },
    );
  }
  stepGaps.forEach((gap, i) => requireInteger('billplzRetries', `stepGaps[${i}]`, gap, 0));
  return (stepCount) =>
    fc
      .record({
        at: fc.nat(lastStep(stepCount)),
        retry: fc.integer({ min: 0, max: BILLPLZ_RETRY_DELAYS_MS.length - 1 }),
        jitterMs: fc.integer({ min: 0, max: maxJitterMs }),
        abortAfterMs: fc.integer({ min: 1, max: maxAbortAfterMs }),
      })
      .map(
        ({ at, retry, jitterMs, abortAfterMs }): LostAckEdit => ({
          kind: 'lost-ack',
          at,
          abortAfterMs,
          redeliverAfter: stepGaps[retry]!,
          // Only the first retry is jittered (Billplz: "15 seconds + jitter").
          redeliverDelayMs: BILLPLZ_RETRY_DELAYS_MS[retry]! + (retry === 0 ? jitterMs : 0),
        }),
      );
}
