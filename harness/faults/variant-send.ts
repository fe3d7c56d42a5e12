import type { RequestVariant } from '../providers/provider.ts';
import { stepExchanges, type Step } from '../schedule/schedule.ts';
import { clamp } from './types.ts';

/**
 * The client faults' one edit: `after` steps after the step delivering `exchange`, the same request
 * is sent again as `variant` (another payload, no key, forged headers). When the exchange is not in
 * the schedule nothing changes, so the edit means the same on any subset of the tape.
 */
export function sendVariantAfter(steps: readonly Step[], exchange: number, after: number, variant: RequestVariant): Step[] {
  const at = steps.findIndex((s) => stepExchanges(s).includes(exchange));
  if (at === -1) return [...steps];
  const next = [...steps];
  next.splice(clamp(at + 1 + after, next.length), 0, { kind: 'send', delivery: { exchange, variant } });
  return next;
}
