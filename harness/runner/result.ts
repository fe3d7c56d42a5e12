import type { IdemgateErrorCode } from '../errors.ts';
import type { FaultEdit } from '../faults/edits.ts';
import type { Schedule } from '../schedule/schedule.ts';
import type { Violation } from '../invariants/invariant.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';

/** The data fast-check draws for one schedule: which entities, which fault edits. */
export interface ScheduleDraw {
  groups: string[];
  edits: FaultEdit[];
  /** Each scenario extension's drawn data, by extension name (absent when there are none). */
  extensions?: Record<string, unknown>;
}

export interface Counterexample {
  draw: ScheduleDraw;
  schedule: Schedule;
  /** One readable line per step. */
  steps: string[];
  violations: Violation[];
  deliveries: DeliveryOutcome[];
}

interface ResultBase {
  scenario: string;
  database: 'pglite' | 'postgres';
  durationMs: number;
  /** Schedules executed, shrinking included. */
  schedules: number;
  /** Invariant evaluations performed (schedules × applicable invariants). */
  invariantChecks: number;
  invariants: string[];
  seed: number;
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
    })
  | (ResultBase & { status: 'errored'; error: { code: IdemgateErrorCode; message: string } });
