import { IdemgateError } from '../errors.ts';
import { systemClock, type Clock } from '../replay/clock.ts';
import type { QuietAnswer } from './types.ts';

/** A probe ready to poll: what it is, and one poll of it. */
export interface RunnableProbe {
  /** e.g. `queues payments`, `sql select …`, `GET http://…/idle`. */
  name: string;
  poll(): Promise<QuietAnswer>;
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  quietPolls: number;
  /** Injectable so tests do not race the wall clock. Default: the system clock. */
  clock?: Clock;
}

/** How a wait for quiet went. */
export interface QuietWait {
  waitedMs: number;
  polls: number;
}

/**
 * Polls every probe until all answer quiet `quietPolls` times in a row; TARGET_NOT_QUIESCENT with
 * the first busy probe's last answer once `timeoutMs` has passed. A probe that throws counts as
 * busy (its error is its answer), so a flaky probe cannot end the wait early.
 *
 * @example
 * const { waitedMs } = await waitForQuiet([queuesProbe], { timeoutMs: 10_000, pollMs: 5, quietPolls: 1 });
 */
export async function waitForQuiet(probes: readonly RunnableProbe[], options: WaitOptions): Promise<QuietWait> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  let polls = 0;
  let quietInRow = 0;
  for (;;) {
    polls++;
    let busy: { probe: RunnableProbe; answer: string } | undefined;
    for (const probe of probes) {
      let answer: QuietAnswer;
      try {
        answer = await probe.poll();
      } catch (e) {
        answer = { quiet: false, detail: `the probe failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (!answer.quiet) {
        busy = { probe, answer: answer.detail };
        break;
      }
    }
    quietInRow = busy === undefined ? quietInRow + 1 : 0;
    const waitedMs = clock.now() - started;
    if (quietInRow >= options.quietPolls) return { waitedMs, polls };
    if (busy !== undefined && waitedMs >= options.timeoutMs) {
      throw new IdemgateError(
        'TARGET_NOT_QUIESCENT',
        `the target did not become quiet within ${options.timeoutMs} ms after the schedule's replay: ${busy.probe.name} still answered ${busy.answer}. ` +
          `The schedule was not judged (its ledger may still be being written); raise target.quiescence.timeoutMs if the work is only slow`,
        { details: { probe: busy.probe.name, lastAnswer: busy.answer, waitedMs } },
      );
    }
    await clock.sleep(options.pollMs);
  }
}
