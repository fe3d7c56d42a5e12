import fc from 'fast-check';
import type { Step } from '../schedule/schedule.ts';
import { lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/** Kill every harness-owned worker while a job is active, at step `at`; restart them `downtimeMs` later. */
export interface WorkerCrashEdit {
  kind: 'worker-crash';
  at: number;
  downtimeMs: number;
}

/** What a fault that kills workers needs: `target.workers` (worker processes idemgate owns). */
export const NEEDS_WORKERS = 'workers' as const;

/**
 * A queue worker dies with a job in its hands: BullMQ's stalled-job check gives the job to a worker
 * again once its lock expires (the service's lock and stall intervals scaled down, it takes
 * milliseconds). What the first run committed stays, what it had not is gone: a worker that claims
 * a job in one transaction and books it in another skips the re-run and the booking is lost.
 *
 * The kill point is deterministic, with no wall-clock race: from the moment step `at`'s delivery
 * is sent, the target's next write to the ledger table (`ledger.table`) is held by the database
 * (`Database.holdWrite`: a table lock on PostgreSQL, the socket server keeping the statement back
 * on PGlite). Once the delivery is answered and a write is held — a job's transaction has done all
 * it does before booking and has not committed — every worker of `target.workers` is killed with
 * SIGKILL, the held write is let go (its client is dead: it never runs, or rolls back), and after
 * `downtimeMs` the workers start again. Which worker holds the job cannot be told from outside, so
 * all are killed. A delivery whose jobs write no ledger (the queues go idle first) kills the
 * workers idle. A config without a ledger mapping has no write to hold: the workers are killed
 * once the queues show a job active (a race with the job's progress, the fallback only). Shrinks toward step 0 and an immediate restart (the drawn downtime is `0..downtimeMs`).
 *
 * A config without `target.workers` is `errored` with FAULT_INVALID before anything is sent.
 *
 * @example
 * defineScenario({ name: 'stalled', tapes: ['stripe.jsonl'], faults: [workerCrash({ downtimeMs: 300 })] });
 */
export function workerCrash({ downtimeMs = 200 }: { downtimeMs?: number } = {}): ((stepCount: number) => fc.Arbitrary<WorkerCrashEdit>) & {
  readonly needs: readonly 'workers'[];
} {
  requireInteger('workerCrash', 'downtimeMs', downtimeMs, 0);
  const fault = (stepCount: number): fc.Arbitrary<WorkerCrashEdit> =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), downtimeMs: fc.nat(downtimeMs) })
      .map(({ at, downtimeMs: ms }): WorkerCrashEdit => ({ kind: 'worker-crash', at, downtimeMs: ms }));
  return Object.assign(fault, { needs: [NEEDS_WORKERS] as const });
}

/** Marks step `at`'s delivery (a concurrent group's first) with the crash. */
export const applyWorkerCrash: ApplyEdit<WorkerCrashEdit> = (steps, edit) => {
  const at = stepIndex(edit.at, steps.length);
  const next = [...steps];
  next[at] = markFirst(steps[at]!, { workerCrash: { downtimeMs: edit.downtimeMs } });
  return next;
};

/** The step with `mark` added to its (first) delivery. */
export function markFirst(step: Step, mark: { workerCrash?: { downtimeMs: number }; redisDrop?: true }): Step {
  if (step.kind === 'send') return { kind: 'send', delivery: { ...step.delivery, ...mark } };
  return { kind: 'concurrent', deliveries: step.deliveries.map((d, i) => (i === 0 ? { ...d, ...mark } : d)) };
}
