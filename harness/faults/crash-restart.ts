import fc from 'fast-check';
import { firstDelivery, type CrashPoint } from '../schedule/schedule.ts';
import { clamp, lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/**
 * Kill the target with SIGKILL while step `at`'s (first) delivery is in flight, restart it on the
 * same database and port, and redeliver that exchange `redeliverAfter` steps later.
 */
export interface CrashRestartEdit {
  kind: 'crash-restart';
  at: number;
  /**
   * When the target dies: `answered` — its answer has arrived (so whatever it does commits, it has
   * committed) and is thrown away; `upstream-call` — its first call to a simulated provider API is
   * held unanswered (what it committed before that call is in, what it would do after is not).
   */
  when: CrashPoint;
  /** The target is back and the redelivery comes no sooner than this after the kill (a client's back-off). */
  downtimeMs: number;
  redeliverAfter: number;
}

/** What a fault that crashes the target needs from it: restarting (a `kind: 'command'` target). */
export const NEEDS_RESTART = 'restart' as const;

/**
 * The target's process dies mid-delivery and comes back: `crashRestart()` kills a child-process
 * target (`kind: 'command'`, its whole process group) with SIGKILL while a drawn delivery is in
 * flight, starts it again on the same database, port and environment, and the provider (or the
 * client) sends the delivery again. Recovery code that only a dead process reaches (a lock left
 * held, a half-done operation) is exercised this way. `downtimeMs` is how long after the kill the
 * redelivery comes at the earliest (the target's own clock has moved on by then); a service that
 * expires abandoned locks needs it above that expiry. Shrinks toward step 0, the kill after the
 * answer, and an immediate redelivery.
 *
 * In-process and URL targets cannot be killed: a scenario with this fault on them is `errored`
 * with FAULT_INVALID before any schedule runs.
 *
 * @example
 * defineScenario({ name: 'crash', tapes: ['charges.jsonl'], faults: [crashRestart({ downtimeMs: 600 })] });
 */
export function crashRestart({
  downtimeMs = 0,
  maxRedeliverAfter = 2,
}: { downtimeMs?: number; maxRedeliverAfter?: number } = {}): ((stepCount: number) => fc.Arbitrary<CrashRestartEdit>) & { readonly needs: readonly 'restart'[] } {
  requireInteger('crashRestart', 'downtimeMs', downtimeMs, 0);
  requireInteger('crashRestart', 'maxRedeliverAfter', maxRedeliverAfter, 0);
  const fault = (stepCount: number): fc.Arbitrary<CrashRestartEdit> =>
    fc
      .record({
        at: fc.nat(lastStep(stepCount)),
        when: fc.constantFrom<CrashPoint>('answered', 'upstream-call'),
        redeliverAfter: fc.nat(maxRedeliverAfter),
      })
      .map(({ at, when, redeliverAfter }): CrashRestartEdit => ({ kind: 'crash-restart', at, when, downtimeMs, redeliverAfter }));
  return Object.assign(fault, { needs: [NEEDS_RESTART] as const });
}

/** The step's first delivery carries the crash; a plain redelivery of its exchange follows. */
export const applyCrashRestart: ApplyEdit<CrashRestartEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const step = steps[at]!;
  const exchange = firstDelivery(step).exchange;
  const crash = { when: edit.when, downtimeMs: edit.downtimeMs };
  const next = [...steps];
  if (step.kind === 'send') {
    next[at] = { kind: 'send', delivery: { ...step.delivery, crash } };
  } else {
    next[at] = { kind: 'concurrent', deliveries: step.deliveries.map((d, i) => (i === 0 ? { ...d, crash } : d)) };
  }
  next.splice(clamp(at + 1 + edit.redeliverAfter, next.length), 0, { kind: 'send', delivery: { exchange } });
  return next;
};
