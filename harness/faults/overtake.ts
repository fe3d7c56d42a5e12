import fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import { stepExchanges } from '../schedule/schedule.ts';
import type { ApplyEdit } from './types.ts';

/**
 * The step delivering exchange `exchange` (its first delivery) is moved to just before the step
 * delivering exchange `before`: a later message overtakes an earlier one. Unlike the
 * positional edits it names exchanges, so it means the same on any subset of the tape; when
 * either exchange is not in the schedule, or `exchange` already comes first, nothing changes.
 */
export interface OvertakeEdit {
  kind: 'overtake';
  exchange: number;
  before: number;
}

const later = (a: NonNullable<ProviderEvent['entity']>, b: NonNullable<ProviderEvent['entity']>): boolean =>
  b.rank > a.rank || (b.rank === a.rank && b.time > a.time);

/**
 * A later status of one entity arrives before an earlier one, however far apart the two are in
 * the tape: Stripe's `payment_intent.succeeded` before its `processing`, Shopee's COMPLETED before
 * SHIPPED, FPX's `00` before its `09`. Reordering within a window reaches such a pair only when the
 * two are close; this fault reads each exchange's entity and status rank (the provider adapters'
 * `describe`) and draws only pairs where the overtaking message carries the higher rank (or the
 * same rank and a later time), the order that status-monotonicity guards exist for. Tapes with no
 * entity that changes status offer nothing, and the fault is left out.
 *
 * @example
 * defineScenario({ …, faults: [overtakeWithinEntity(), lostAcks()] }); // { kind: 'overtake', exchange: 7, before: 2 }
 */
export function overtakeWithinEntity(): (
  stepCount: number,
  events?: readonly ProviderEvent[],
) => fc.Arbitrary<OvertakeEdit> | undefined {
  return (_stepCount, events) => {
    if (events === undefined) return undefined;
    const pairs: OvertakeEdit[] = [];
    const earlier = new Map<string, number[]>();
    events.forEach((event, j) => {
      const entity = event.entity;
      if (entity === undefined) return;
      const key = `${event.provider}\u0000${entity.entity}`;
      for (const i of earlier.get(key) ?? []) {
        if (later(events[i]!.entity!, entity)) pairs.push({ kind: 'overtake', exchange: j, before: i });
      }
      earlier.set(key, [...(earlier.get(key) ?? []), j]);
    });
    return pairs.length === 0 ? undefined : fc.constantFrom(...pairs);
  };
}

export const applyOvertake: ApplyEdit<OvertakeEdit> = (steps, edit) => {
  const from = steps.findIndex((s) => stepExchanges(s).includes(edit.exchange));
  const to = steps.findIndex((s) => stepExchanges(s).includes(edit.before));
  const next = [...steps];
  if (from > to && to !== -1) next.splice(to, 0, ...next.splice(from, 1));
  return next;
};
