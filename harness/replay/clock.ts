import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The time the replayer waits by: a provider's retry back-off (`delayMs × timeScale`), the
 * settle time after aborted requests, the polling of the target's in-flight count, and the
 * start and duration of each request. Injectable so a test can see what would be waited
 * without waiting it.
 */
export interface Clock {
  /** Monotonic milliseconds (only differences are used). */
  now(): number;
  /** Resolves after `ms`; rejects at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `performance.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? undefined : { signal }),
};
