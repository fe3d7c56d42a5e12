/**
 * The fault edits, assembled: the `FaultEdit` union of every fault module's edit type, and
 * `applyEdits`, which looks each edit's meaning up by its `kind` in a table built from the
 * modules. A new fault is one module (its edit type, its arbitrary, how its edit applies) plus
 * one line in the union and one in the table; the compiler refuses a union member without an entry.
 *
 * Faults sit on top of schedules: this folder imports the schedule data types from `schedule/`,
 * never the other way round.
 */
import type fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import type { Schedule, Step } from '../schedule/schedule.ts';
import { applyCrashRestart, type CrashRestartEdit } from './crash-restart.ts';
import { applyClientRetries, type ClientRetriesEdit } from './client-retries.ts';
import { applyConcurrentDuplicates, type ConcurrentDuplicatesEdit } from './concurrent-duplicates.ts';
import { applyForgedHeaders, type ForgedHeadersEdit } from './forged-headers.ts';
import { applyKeyReuseAfterExpiry, type KeyReuseAfterExpiryEdit } from './key-reuse-after-expiry.ts';
import { applyMissingKey, type MissingKeyEdit } from './missing-key.ts';
import { applyPayloadMismatch, type PayloadMismatchEdit } from './payload-mismatch.ts';
import { applyLostAck, type LostAckEdit } from './lost-acks.ts';
import { applyOvertake, type OvertakeEdit } from './overtake.ts';
import { applyRace, type RaceEdit } from './race-same-entity.ts';
import { applyReorder, type ReorderEdit } from './reorder.ts';
import { applyDuplicate, type DuplicateEdit } from './sequential-duplicates.ts';
import { applyLateRedelivery, type LateRedeliveryEdit } from './late-redelivery.ts';
import { applyWorkerCrash, type WorkerCrashEdit } from './worker-crash.ts';
import { applyRedisDrop, type RedisDropEdit } from './redis-drop.ts';
import type { ApplyEdit } from './types.ts';

/**
 * One fault, as data (what fast-check draws, shrinks and a counterexample saves as JSON).
 * Positions refer to steps of the schedule the edit is applied to.
 */
export type FaultEdit =
  | DuplicateEdit
  | ConcurrentDuplicatesEdit
  | ReorderEdit
  | LostAckEdit
  | RaceEdit
  | OvertakeEdit
  | PayloadMismatchEdit
  | MissingKeyEdit
  | ForgedHeadersEdit
  | KeyReuseAfterExpiryEdit
  | ClientRetriesEdit
  | CrashRestartEdit
  | LateRedeliveryEdit
  | WorkerCrashEdit
  | RedisDropEdit;

/**
 * A fault, as listed in `defineScenario({ faults })`: given how many steps the schedule has (and
 * what each exchange of the tape means, for faults that need entities and statuses), an
 * arbitrary of one edit, or undefined when the tape offers this fault nothing to work on. Passed
 * lazily so one fault definition serves tapes of any length.
 *
 * @example
 * const faults: Fault[] = [sequentialDuplicates({ maxGap: 3 }), overtakeWithinEntity()];
 */
export type Fault = ((stepCount: number, events?: readonly ProviderEvent[]) => fc.Arbitrary<FaultEdit> | undefined) & {
  /**
   * What the fault needs the target to support: `'restart'` a child-process target it can kill and
   * start again; `'workers'` worker processes it owns (`target.workers`); `'redis'` a Redis store.
   */
  readonly needs?: readonly ('restart' | 'workers' | 'redis')[];
};

/** A fault that needs only positions: always has something to draw. */
export type PositionalFault = (stepCount: number) => fc.Arbitrary<FaultEdit>;

type EditOfKind = { [E in FaultEdit as E['kind']]: E };

const APPLY: { [K in keyof EditOfKind]: ApplyEdit<EditOfKind[K]> } = {
  duplicate: applyDuplicate,
  'concurrent-duplicates': applyConcurrentDuplicates,
  reorder: applyReorder,
  'lost-ack': applyLostAck,
  race: applyRace,
  overtake: applyOvertake,
  'crash-restart': applyCrashRestart,
  'payload-mismatch': applyPayloadMismatch,
  'missing-key': applyMissingKey,
  'forged-headers': applyForgedHeaders,
  'key-reuse-after-expiry': applyKeyReuseAfterExpiry,
  'client-retries': applyClientRetries,
  'late-redelivery': applyLateRedelivery,
  'worker-crash': applyWorkerCrash,
  'redis-drop': applyRedisDrop,
};

// `kind` and `edit` vary together; typed through the table's mapped type, no cast needed.
const applyOne = <K extends keyof EditOfKind>(kind: K, steps: readonly Step[], edit: EditOfKind[K]): Step[] =>
  APPLY[kind](steps, edit);

/**
 * Requests sent past the keys' lifetime go last, whichever edits came after theirs: the wait before
 * one may expire every key used before it, and a later request with another payload would then be
 * new too (key-reuse-after-expiry).
 */
function lastAfterKeyExpiry(steps: Step[]): Step[] {
  const late = (s: Step): boolean => s.kind === 'send' && s.delivery.variant?.kind === 'after-key-expiry';
  return steps.some(late) ? [...steps.filter((s) => !late(s)), ...steps.filter(late)] : steps;
}

/**
 * Applies fault edits in order, each to the schedule the previous ones produced; the schedule
 * given is not changed. Positions are taken modulo the schedule's length so any edit applies
 * to any schedule (fast-check can shrink tapes and edits independently).
 *
 * @example
 * applyEdits(cleanSchedule(3), [{ kind: 'duplicate', at: 0, gap: 0 }]); // exchanges 0, 0, 1, 2
 */
export function applyEdits(base: Schedule, edits: readonly FaultEdit[]): Schedule {
  let steps: Step[] = base.steps.map((s) => structuredClone(s));
  for (const edit of edits) {
    if (steps.length === 0) break;
    steps = applyOne(edit.kind, steps, edit);
  }
  return { steps: lastAfterKeyExpiry(steps) };
}
