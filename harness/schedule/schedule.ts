/**
 * A schedule is plain data: which recorded exchanges are delivered, in what order, which ones
 * concurrently, and which deliveries lose their acknowledgement. Faults never mutate a schedule;
 * they produce edits that `applyEdits` turns into a new one, so fast-check can shrink the edits
 * and a failure replays from its seed and path.
 */
export interface Delivery {
  /** Index into the scenario tape's exchanges (0-based). */
  exchange: number;
  /** Abort the request client-side this many ms after it is sent: the target may have committed, the provider never saw the answer. */
  abortAfterMs?: number;
  /**
   * How long the provider waits before sending this delivery (a retry's back-off: Billplz waits
   * 15 s, 15 min, 15 min, 24 h), as data. Replay sleeps `delayMs × timeScale` (default scale 0:
   * recorded, not waited).
   */
  delayMs?: number;
}

export type Step =
  | { kind: 'send'; delivery: Delivery }
  | { kind: 'concurrent'; deliveries: Delivery[] };

export interface Schedule {
  steps: Step[];
}

/** One fault, as data. Positions refer to steps of the schedule the edit is applied to. */
export type FaultEdit =
  /** Deliver step `at`'s exchange again, `gap` steps later (0 = right after). */
  | { kind: 'duplicate'; at: number; gap: number }
  /** Replace step `at` with `width` simultaneous deliveries of the same exchange. */
  | { kind: 'concurrent-duplicates'; at: number; width: number }
  /** Move step `at` later by `offset` steps (reordering within a window). */
  | { kind: 'reorder'; at: number; offset: number }
  /** Abort step `at` after `abortAfterMs`, then redeliver it `redeliverAfter` steps later. */
  | {
      kind: 'lost-ack';
      at: number;
      abortAfterMs: number;
      redeliverAfter: number;
      /** The provider's wait before the redelivery (kept as the redelivery's `delayMs`). */
      redeliverDelayMs?: number;
    }
  /**
   * Send step `at` and the step `with` steps after it (1 = the next step) at the same moment, as one
   * concurrent group of two *different* exchanges (e.g. the Direct and the Indirect AC of one
   * payment). The partner step is taken out of its place. Past the end, the partner is the last
   * step; a one-step schedule is left as it is.
   */
  | { kind: 'race'; at: number; with: number }
  /**
   * The step delivering exchange `exchange` (its first delivery) is moved to just before the step
   * delivering exchange `before`: a later message overtakes an earlier one. Unlike the
   * positional edits it names exchanges, so it means the same on any subset of the tape; when
   * either exchange is not in the schedule, or `exchange` already comes first, nothing changes.
   */
  | { kind: 'overtake'; exchange: number; before: number };

/** The schedule a provider would produce with no faults: every exchange once, in tape order. */
export function cleanSchedule(exchangeCount: number): Schedule {
  return {
    steps: Array.from({ length: exchangeCount }, (_, exchange) => ({
      kind: 'send' as const,
      delivery: { exchange },
    })),
  };
}

function stepExchanges(step: Step): number[] {
  return step.kind === 'send' ? [step.delivery.exchange] : step.deliveries.map((d) => d.exchange);
}

function firstDelivery(step: Step): Delivery {
  return step.kind === 'send' ? step.delivery : step.deliveries[0]!;
}

const clamp = (n: number, max: number): number => Math.max(0, Math.min(n, max));

/**
 * Applies fault edits in order. Positions are taken modulo the schedule's length so any edit
 * applies to any schedule (fast-check can shrink tapes and edits independently).
 */
export function applyEdits(base: Schedule, edits: readonly FaultEdit[]): Schedule {
  const steps: Step[] = base.steps.map((s) => structuredClone(s));
  for (const edit of edits) {
    if (steps.length === 0) break;
    if (edit.kind === 'overtake') {
      const from = steps.findIndex((s) => stepExchanges(s).includes(edit.exchange));
      const to = steps.findIndex((s) => stepExchanges(s).includes(edit.before));
      if (from > to && to !== -1) steps.splice(to, 0, ...steps.splice(from, 1));
      continue;
    }
    // Non-negative modulo: a hand-written or negative `at` still names a real step.
    const at = ((Math.trunc(edit.at) % steps.length) + steps.length) % steps.length;
    const step = steps[at]!;
    switch (edit.kind) {
      case 'duplicate': {
        const delivery = { exchange: firstDelivery(step).exchange };
        steps.splice(clamp(at + 1 + edit.gap, steps.length), 0, { kind: 'send', delivery });
        break;
      }
      case 'concurrent-duplicates': {
        // The first delivery keeps its own settings (a lost-ack abort stays), the copies are plain.
        // A group that is already concurrent (a race of two exchanges) keeps every delivery it
        // has: an edit only ever adds deliveries, it never drops an exchange from the schedule.
        const first = firstDelivery(step);
        const kept = step.kind === 'concurrent' ? step.deliveries.map((d) => ({ ...d })) : [{ ...first }];
        const copies = Math.max(2, edit.width) - 1;
        steps[at] = {
          kind: 'concurrent',
          deliveries: [...kept, ...Array.from({ length: copies }, () => ({ exchange: first.exchange }))],
        };
        break;
      }
      case 'reorder': {
        const [moved] = steps.splice(at, 1);
        steps.splice(clamp(at + edit.offset, steps.length), 0, moved!);
        break;
      }
      case 'lost-ack': {
        const exchange = firstDelivery(step).exchange;
        if (step.kind === 'send') {
          steps[at] = { kind: 'send', delivery: { ...step.delivery, abortAfterMs: edit.abortAfterMs } };
        } else {
          // Keep the group (and its concurrency); only its first delivery loses the answer.
          steps[at] = {
            kind: 'concurrent',
            deliveries: step.deliveries.map((d, i) => (i === 0 ? { ...d, abortAfterMs: edit.abortAfterMs } : d)),
          };
        }
        steps.splice(clamp(at + 1 + edit.redeliverAfter, steps.length), 0, {
          kind: 'send',
          delivery: edit.redeliverDelayMs === undefined ? { exchange } : { exchange, delayMs: edit.redeliverDelayMs },
        });
        break;
      }
      case 'race': {
        if (steps.length < 2) break;
        // The partner is a later step; from the last step, the one before it.
        const partnerAt = at === steps.length - 1 ? at - 1 : Math.min(at + Math.max(1, Math.trunc(edit.with)), steps.length - 1);
        const [first, second] = at < partnerAt ? [at, partnerAt] : [partnerAt, at];
        const deliveries = [steps[first]!, steps[second]!].flatMap((s) => (s.kind === 'send' ? [s.delivery] : s.deliveries));
        steps.splice(second, 1);
        steps[first] = { kind: 'concurrent', deliveries };
        break;
      }
    }
  }
  return { steps };
}

function formatDelay(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

/** Human-readable one line per step, for the console and reports. */
export function describeSchedule(schedule: Schedule, label: (exchange: number) => string): string[] {
  return schedule.steps.map((step, i) => {
    const n = String(i + 1).padStart(3);
    if (step.kind === 'send') {
      const abort =
        step.delivery.abortAfterMs === undefined ? '' : `  [ack lost: abort after ${step.delivery.abortAfterMs} ms]`;
      const delay = step.delivery.delayMs === undefined ? '' : `  [after ${formatDelay(step.delivery.delayMs)}]`;
      return `${n}. ${label(step.delivery.exchange)}${abort}${delay}`;
    }
    const distinct = [...new Set(step.deliveries.map((d) => d.exchange))];
    if (distinct.length > 1) return `${n}. concurrently: ${distinct.map(label).join(' + ')}`;
    return `${n}. concurrently ×${step.deliveries.length}: ${label(step.deliveries[0]!.exchange)}`;
  });
}

export const scheduleExchanges = (schedule: Schedule): number[] => schedule.steps.flatMap(stepExchanges);
