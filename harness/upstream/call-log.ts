import type { PspLedgerEntry } from './psp-api.ts';
import type { UpstreamFaultKind, UpstreamRoute } from './fault-plan.ts';

/**
 * One call a target made to a simulated upstream, as the retry invariants read it. Times are
 * `performance.now()` of the harness process (the upstream always runs there), in ms.
 */
export interface UpstreamCallRecord {
  /** Arrival order within the schedule, from 0. */
  seq: number;
  route: UpstreamRoute;
  method: string;
  path: string;
  /** The business reference the call is about (order_sn, metadata[order_ref], metadata[refund_ref]). */
  subject: string;
  /** `${route}:${subject}`: calls of one logical operation share it. */
  operation: string;
  idempotencyKey?: string;
  startedAtMs: number;
  /** When the answer was written or the connection dropped. */
  endedAtMs: number;
  /**
   * When the target closed the connection before the answer was written (its own timeout gave
   * up). The upstream may still have acted on the call (`status` says what it answered), but for
   * the target's retry logic the call has no answer: read it through `seenByTarget`.
   */
  clientGaveUpAtMs?: number;
  /** The injected fault, if any. */
  fault?: UpstreamFaultKind;
  /** `answered` with `status`, or the connection was dropped (`reset`, `lost-answer`). */
  outcome: 'answered' | 'dropped';
  status?: number;
  /** What the 429 asked for. */
  retryAfterMs?: number;
  /** ISO time of arrival, for reports. */
  time: string;
}

/** A delivery that may make a target call upstream about `subject`, and when it started. */
export interface UpstreamTrigger {
  subject: string;
  startedAtMs: number;
}

/** What the upstream extension hands its invariants (`InvariantContext.extras.upstream`). */
export interface UpstreamFacts {
  calls: UpstreamCallRecord[];
  /** The charges and refunds the simulated PSP really made. */
  pspLedger: PspLedgerEntry[];
  /**
   * Deliveries that may start an upstream operation, by subject: a call that no trigger explains
   * is a retry of the operation's previous call.
   */
  triggers: UpstreamTrigger[];
  /** Subjects whose money must agree between the PSP's ledger and the target's. */
  pspSubjects: string[];
  /** The longest Retry-After the plan could advertise (the default 5xx backoff floor). */
  longestRetryAfterMs: number;
}

/**
 * The call as the target saw it: the status it read (none when the connection dropped or the
 * target gave up waiting first) and when it stopped waiting.
 *
 * @example
 * seenByTarget({ ...call, status: 200, endedAtMs: 600, clientGaveUpAtMs: 300 }); // { endedAtMs: 300 }
 */
export function seenByTarget(call: UpstreamCallRecord): { status?: number; endedAtMs: number } {
  if (call.clientGaveUpAtMs !== undefined && call.clientGaveUpAtMs < call.endedAtMs) return { endedAtMs: call.clientGaveUpAtMs };
  return call.status === undefined ? { endedAtMs: call.endedAtMs } : { status: call.status, endedAtMs: call.endedAtMs };
}
