import { factsKey } from '../invariants/facts.ts';
import type { PspLedgerEntry } from '../providers/psp/api.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { UpstreamCallRecord } from '../simulator/call-log.ts';

/** A delivery that may make a target call upstream about `subject`, and when it started. */
export interface UpstreamTrigger {
  subject: string;
  startedAtMs: number;
}

/** One delivery of a keyed client request, on the upstream call log's clock (ms). */
export interface ClientKeyAnswer {
  step: number;
  origin: DeliveryOutcome['origin'];
  result: DeliveryOutcome['result'];
  status?: number;
  body?: string;
  startedAtMs: number;
  endedAtMs: number;
}

/**
 * A request of the target's own clients that carries an `Idempotency-Key` (POST /charges, …),
 * with every delivery it got in the schedule and the redelivery sweep.
 */
export interface ClientKeyedRequest {
  /** Index of the exchange in the tape, and its seq (for messages). */
  exchange: number;
  seq: number;
  provider: string;
  idempotencyKey: string;
  /** The reference its upstream calls are about (order_ref, refund_ref), when the provider names one. */
  subject?: string;
  /** In the order they started. */
  answers: ClientKeyAnswer[];
}

/** What the upstream extension hands its invariants (`ctx.facts(UPSTREAM_FACTS)`). */
export interface UpstreamFacts {
  /** The target's own clients' keyed requests and every answer they got. */
  clientRequests?: ClientKeyedRequest[];
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
  /** `performance.now()` when the replay started: calls' times minus this are on the replay's clock. */
  replayStartedAtMs: number;
}

/** The key the upstream extension publishes its facts under. */
export const UPSTREAM_FACTS = factsKey<UpstreamFacts>('upstream');
