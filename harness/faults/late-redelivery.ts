import fc from 'fast-check';
import { firstDelivery } from '../schedule/schedule.ts';
import { lastStep, stepIndex, type ApplyEdit } from './types.ts';

/** Deliver step `at`'s exchange once more at the end, after the target went quiet. */
export interface LateRedeliveryEdit {
  kind: 'late-redelivery';
  at: number;
}

/**
 * A provider redelivers an event long after the first delivery (Stripe retries for days), when a
 * queue-backed target has long finished the first one's job and — with `removeOnComplete` — BullMQ
 * no longer knows its job id: only the worker's own idempotency stops a second booking. The copy is
 * sent last, once the target is quiet (`target.quiescence`; without it, at once). Shrinks toward step 0.
 *
 * @example
 * fc.sample(lateRedelivery()(10), 1); // [{ kind: 'late-redelivery', at: 4 }]
 */
export function lateRedelivery(): (stepCount: number) => fc.Arbitrary<LateRedeliveryEdit> {
  return (stepCount) => fc.nat(lastStep(stepCount)).map((at): LateRedeliveryEdit => ({ kind: 'late-redelivery', at }));
}

export const applyLateRedelivery: ApplyEdit<LateRedeliveryEdit> = (steps, edit) => [
  ...steps,
  { kind: 'send', delivery: { exchange: firstDelivery(steps[stepIndex(edit.at, steps.length)]!).exchange, afterQuiet: true } },
];
