import fc from 'fast-check';
import { UPSTREAM_ROUTES } from '../providers/apis.ts';
import type { UpstreamFault, UpstreamRoute } from '../simulator/faults.ts';

export type { UpstreamFault, UpstreamFaultKind, UpstreamRoute } from '../simulator/faults.ts';

/**
 * One entry of a fault plan: calls `call` … `call + times − 1` (0-based, counted per route within
 * one schedule) get `fault`. Calls no entry covers are answered normally, so every plan ends in
 * success for a target that retries sensibly.
 */
export interface UpstreamFaultEntry {
  route: UpstreamRoute;
  call: number;
  fault: UpstreamFault;
  /** Consecutive calls the fault covers (an outage). Default 1. */
  times?: number;
}

export type UpstreamFaultPlan = UpstreamFaultEntry[];

/** The fault, if any, that a plan gives the `index`-th call of `route`. First matching entry wins. */
export function faultFor(plan: UpstreamFaultPlan, route: UpstreamRoute, index: number): UpstreamFault | undefined {
  for (const entry of plan) {
    if (entry.route !== route) continue;
    if (index >= entry.call && index < entry.call + (entry.times ?? 1)) return entry.fault;
  }
  return undefined;
}

/** What faults a scenario wants; each key left out (or false) is not drawn. */
export interface UpstreamFaultOptions {
  /** 429 + Retry-After. Default `retryAfterMs` range [50, 100]. */
  rateLimit?: boolean | { retryAfterMs?: { min: number; max: number } };
  /** Gateway 500/502/503/504; `maxOutage` > 1 also draws outages of several consecutive calls. */
  serverErrors?: boolean | { statuses?: Array<500 | 502 | 503 | 504>; maxOutage?: number };
  /** Answers held past the target's client timeout: give `delayMs` above that timeout. */
  timeouts?: false | { delayMs: number };
  /** Connections dropped before the request is processed. */
  resets?: boolean;
  /** 401 answers. */
  unauthorized?: boolean;
  /** Committed upstream, then the connection dropped (where a non-idempotent retry double-charges). */
  lostAnswers?: boolean;
  /** Routes faults are drawn for. Default: every route of the built-in provider APIs (`UPSTREAM_ROUTES`). */
  routes?: readonly UpstreamRoute[];
  /** At most this many plan entries per schedule. Default 3. */
  maxFaults?: number;
  /** Faults start at most at this call index per route. Default 3. */
  maxCallIndex?: number;
}

export const DEFAULT_RETRY_AFTER_MS = { min: 50, max: 100 } as const;

/** The longest Retry-After a plan drawn with these options can advertise (ms). */
export function longestRetryAfterMs(options: UpstreamFaultOptions): number {
  const rate = options.rateLimit;
  return typeof rate === 'object' && rate.retryAfterMs ? rate.retryAfterMs.max : DEFAULT_RETRY_AFTER_MS.max;
}

/**
 * A fast-check arbitrary of fault plans: plain data that shrinks towards fewer, earlier, shorter
 * faults and replays by seed.
 *
 * @example
 * fc.sample(upstreamFaultPlan({ rateLimit: true, resets: true }), 1); // [[{ route: 'psp.refunds', call: 0, fault: { kind: 'reset' } }]]
 */
export function upstreamFaultPlan(options: UpstreamFaultOptions): fc.Arbitrary<UpstreamFaultPlan> {
  const faults: fc.Arbitrary<{ fault: UpstreamFault; times: number }>[] = [];
  const once = (a: fc.Arbitrary<UpstreamFault>) => a.map((fault) => ({ fault, times: 1 }));
  if (options.rateLimit) {
    const range = typeof options.rateLimit === 'object' && options.rateLimit.retryAfterMs ? options.rateLimit.retryAfterMs : DEFAULT_RETRY_AFTER_MS;
    faults.push(once(fc.integer(range).map((retryAfterMs): UpstreamFault => ({ kind: 'throttle', retryAfterMs }))));
  }
  if (options.serverErrors) {
    const cfg = typeof options.serverErrors === 'object' ? options.serverErrors : {};
    const statuses = cfg.statuses ?? [500, 502, 503, 504];
    faults.push(
      fc.record({
        fault: fc.constantFrom(...statuses).map((status): UpstreamFault => ({ kind: 'server-error', status })),
        times: fc.integer({ min: 1, max: Math.max(1, cfg.maxOutage ?? 1) }),
      }),
    );
  }
  if (options.timeouts) faults.push(once(fc.constant<UpstreamFault>({ kind: 'timeout', delayMs: options.timeouts.delayMs })));
  if (options.resets) faults.push(once(fc.constant<UpstreamFault>({ kind: 'reset' })));
  if (options.unauthorized) faults.push(once(fc.constant<UpstreamFault>({ kind: 'unauthorized' })));
  if (options.lostAnswers) faults.push(once(fc.constant<UpstreamFault>({ kind: 'lost-answer' })));
  if (faults.length === 0) return fc.constant([]);
  const routes = options.routes ?? UPSTREAM_ROUTES;
  const entry = fc
    .record({
      route: fc.constantFrom(...routes),
      call: fc.nat(options.maxCallIndex ?? 3),
      drawn: fc.oneof(...faults),
    })
    .map(({ route, call, drawn }): UpstreamFaultEntry => ({
      route,
      call,
      fault: drawn.fault,
      ...(drawn.times > 1 ? { times: drawn.times } : {}),
    }));
  return fc.array(entry, { maxLength: options.maxFaults ?? 3 });
}
