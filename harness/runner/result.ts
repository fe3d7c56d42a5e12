import type { IdemgateErrorCode } from '../errors.ts';
import type { FaultEdit } from '../faults/edits.ts';
import type { Schedule } from '../schedule/schedule.ts';
import type { Violation } from '../invariants/invariant.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { AnswerComparison } from '../replay/answers.ts';
import type { TimingPlan } from '../replay/timing.ts';
import type { NotApplicable } from './applicability.ts';

/** The data fast-check draws for one schedule: which entities, which fault edits. */
export interface ScheduleDraw {
  groups: string[];
  edits: FaultEdit[];
  /**
   * Only these exchanges of the chosen groups (tape indexes), in tape order: a failure of the clean
   * replay shrunk by step. Absent: every exchange of the groups.
   */
  exchanges?: number[];
  /** Each scenario extension's drawn data, by extension name (absent when there are none). */
  extensions?: Record<string, unknown>;
}

/** A call the target made out (to a simulated provider API) while a schedule replayed. */
export interface OutboundCall {
  /** On the replay's clock: ms since the schedule started. */
  atMs: number;
  method: string;
  path: string;
  /** What was answered; absent when the connection dropped or the target gave up first. */
  status?: number;
  /** The injected fault, if any (`throttle`, `server-error`, `timeout`, `reset`, `unauthorized`, `lost-answer`). */
  fault?: string;
  /** What went wrong, in words (`connection dropped`, an error code). */
  error?: string;
}

/**
 * An expected effect a schedule's facts show the target was right not to book (the upstream refused
 * the call it needed, and the target ends work a refusal stopped): taken out of the expected
 * effects and the clean replay's ledger for that schedule. Booked anyway, it is a difference from
 * the clean replay like any other.
 */
export interface Excuse {
  /** The effect's reference. */
  reference: string;
  /** Why, in words, for the report. */
  reason: string;
}

export interface Counterexample {
  draw: ScheduleDraw;
  schedule: Schedule;
  /** One readable line per step. */
  steps: string[];
  violations: Violation[];
  deliveries: DeliveryOutcome[];
  /** The calls the target made out while this schedule replayed (the extensions that watch them say). */
  upstreamCalls?: OutboundCall[];
  /** Expected effects this schedule's facts excused (the target was right not to book them), with why. */
  excused?: Excuse[];
}

interface ResultBase {
  scenario: string;
  database: 'pglite' | 'postgres';
  durationMs: number;
  /** Schedules executed, shrinking included. */
  schedules: number;
  /** Invariant evaluations that judged something (summed over schedules: the invariants that had something to judge). */
  invariantChecks: number;
  invariants: string[];
  /**
   * The invariants of `invariants` that judged nothing in any schedule (their requirement missing,
   * or nothing of theirs in the traffic), with why: reported as not applicable, never as held.
   * Empty for an errored scenario.
   */
  notApplicable: NotApplicable[];
  seed: number;
  /** What of the tape the adapters do not model, each once (`stripe event type customer.created`); absent when none. */
  unmodelled?: string[];
  /** Expected effects excused over all schedules (an upstream refused what the target needed, see `Excuse`); absent when none. */
  excusedEffects?: number;
  /** The tape's recorded answers set against the clean replay's (information, not a verdict); absent when the tape recorded none or no clean replay ran. */
  answers?: AnswerComparison;
  /** Only the clean replay ran (`--exact`): one schedule, no faults. */
  exact?: true;
  /** The clean replay's waits under recorded timing; absent when deliveries were sent back to back. */
  timing?: TimingPlan;
}

export type ScenarioResult =
  | (ResultBase & { status: 'passed'; runs: number })
  | (ResultBase & {
      status: 'failed';
      runs: number;
      path: string;
      counterexample: Counterexample;
      replayCommand: string;
      /** Where the shrunk schedule was saved (JSON), when a reports dir was given. */
      savedTo?: string;
      /** What the failure likely means beyond its violations (a clean replay failing after a schedule passed: state the reset did not clear). */
      hint?: string;
      /** A failure of the clean replay, shrunk: how many entities (groups) and steps it had before, and what it broke there. */
      shrunkFrom?: { groups: number; steps: number; violations: Violation[] };
    })
  | (ResultBase & { status: 'errored'; error: { code: IdemgateErrorCode; message: string } });
