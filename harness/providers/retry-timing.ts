import { IdemgateError } from '../errors.ts';
import type { RetryTiming } from './provider.ts';

/**
 * A webhook provider's redelivery schedule as a config states it (`providerSettings.<name>.retry`),
 * with the defaults filled in: 3 redeliveries, each wait twice the last, half of it jittered, no cap
 * below the last wait, waited at real time (`timeScale` 1; 0.001 waits a minute as 60 ms).
 * CONFIG_INVALID names the setting when the schedule cannot be waited.
 *
 * @example
 * redeliveryTiming('stripe', { baseMs: 60_000, factor: 3, timeScale: 0.001 }); // { attempts: 3, …, maxMs: 540_000 }
 */
export function redeliveryTiming(provider: string, timing: RetryTiming): Required<RetryTiming> {
  const attempts = timing.attempts ?? 3;
  const factor = timing.factor ?? 2;
  const full = {
    attempts,
    baseMs: timing.baseMs,
    factor,
    maxMs: timing.maxMs ?? Math.round(timing.baseMs * factor ** Math.max(0, attempts - 1)),
    jitter: timing.jitter ?? 0.5,
    timeScale: timing.timeScale ?? 1,
  };
  const ok =
    full.baseMs >= 0 && full.factor >= 1 && full.maxMs >= full.baseMs && full.jitter >= 0 && full.jitter <= 1 && full.timeScale >= 0 && Number.isInteger(full.attempts) && full.attempts >= 0;
  if (!ok) {
    const path = `providerSettings.${provider}.retry`;
    throw new IdemgateError('CONFIG_INVALID', `${path}: baseMs ≥ 0, factor ≥ 1, maxMs ≥ baseMs, 0 ≤ jitter ≤ 1, timeScale ≥ 0 and an integer attempts ≥ 0 (got ${JSON.stringify(timing)})`, {
      details: { path },
    });
  }
  return full;
}
