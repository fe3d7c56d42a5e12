import { IdemgateError } from '../errors.ts';
import type { Schedule } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';

/**
 * Replaying "as it happened": before the step that first delivers an exchange, replay waits the
 * gap recorded between that exchange and the one recorded before it among the exchanges the
 * schedule delivers (tape order, `recordedAt`), divided by `speed` and at most `maxGapMs`.
 * A gap belongs to its exchange, not to a position: a duplicate or a redelivery of an exchange
 * already sent waits no recorded gap (only its fault's own timing), a reordered exchange waits its
 * own gap wherever it lands, and a concurrent group waits the sum of the gaps of the exchanges it
 * sends first. So every schedule over the same exchanges waits the same total as their clean replay.
 */
export interface RecordedTiming {
  /** Divides every recorded gap: 10 replays ten times faster. Positive. */
  speed: number;
  /** No single wait is longer than this (real ms, after `speed`): incident tapes can have hours between deliveries. */
  maxGapMs: number;
}

/** One wait at most this long unless asked otherwise (`--max-gap`). */
export const DEFAULT_MAX_GAP_MS = 60_000;

/**
 * A recorded timing, checked: misuse throws at once.
 *
 * @example
 * recordedTiming({ speed: 10 }); // { speed: 10, maxGapMs: 60000 }
 */
export function recordedTiming(o: { speed?: number; maxGapMs?: number } = {}): RecordedTiming {
  const speed = o.speed ?? 1;
  const maxGapMs = o.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new IdemgateError('USAGE', `the replay speed must be a positive number (10 = ten times faster), got ${speed}; for no waits at all, replay without recorded timing`);
  }
  if (!Number.isFinite(maxGapMs) || maxGapMs <= 0) throw new IdemgateError('USAGE', `the longest gap must be a positive number of milliseconds, got ${maxGapMs}`);
  return { speed, maxGapMs };
}

/**
 * Recorded milliseconds before each exchange (by tape index) since the previous one in tape order
 * among `exchanges`; the first gets 0, and so does one recorded before its predecessor.
 */
export function recordedGaps(tape: Tape, exchanges: Iterable<number>): Map<number, number> {
  const sorted = [...new Set(exchanges)].sort((a, b) => a - b);
  const gaps = new Map<number, number>();
  let previous: number | undefined;
  for (const x of sorted) {
    const at = Date.parse(tape.exchanges[x]!.recordedAt);
    gaps.set(x, previous === undefined ? 0 : Math.max(0, at - previous));
    previous = at;
  }
  return gaps;
}

/** A recorded gap as real milliseconds waited: scaled by the speed, capped. */
export const gapWaitMs = (recordedMs: number, timing: RecordedTiming): number => Math.min(timing.maxGapMs, Math.round(recordedMs / timing.speed));

/** What a schedule will wait under recorded timing, before it runs. */
export interface TimingPlan extends RecordedTiming {
  /** Real ms waited in all. */
  waitMs: number;
  /** Recorded ms between the first and the last exchange delivered. */
  recordedMs: number;
  /** Gaps cut to `maxGapMs`. */
  capped: number;
}

/** The waits of a schedule under recorded timing (for the plan printed before a run). */
export function timingPlan(tape: Tape, schedule: Schedule, timing: RecordedTiming): TimingPlan {
  const gaps = recordedGaps(tape, schedule.steps.flatMap((s) => (s.kind === 'send' ? [s.delivery.exchange] : s.deliveries.map((d) => d.exchange))));
  let waitMs = 0;
  let recordedMs = 0;
  let capped = 0;
  for (const gap of gaps.values()) {
    recordedMs += gap;
    waitMs += gapWaitMs(gap, timing);
    if (gap / timing.speed > timing.maxGapMs) capped++;
  }
  return { ...timing, waitMs, recordedMs, capped };
}

/**
 * A duration for people: `4 min 12 s`, `2 h 5 min`, `850 ms`.
 *
 * @example
 * humanDuration(252_000); // '4 min 12 s'
 */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m === 0 ? `${h} h` : `${h} h ${m} min`;
  if (m > 0) return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  return `${rest} s`;
}

/**
 * The plan in one line.
 *
 * @example
 * describeTimingPlan(plan); // 'recorded timing at ×10: 4 min 12 s of gaps (recorded 1 h 10 min; 2 gaps capped at 1 min)'
 */
export function describeTimingPlan(plan: TimingPlan): string {
  const capped = plan.capped === 0 ? '' : `; ${plan.capped} gap${plan.capped === 1 ? '' : 's'} capped at ${humanDuration(plan.maxGapMs)}`;
  return `recorded timing at ×${plan.speed}: ${humanDuration(plan.waitMs)} of gaps (recorded ${humanDuration(plan.recordedMs)}${capped})`;
}
