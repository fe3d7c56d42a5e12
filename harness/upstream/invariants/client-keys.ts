import type { UpstreamFacts } from '../call-log.ts';
import type { DeliveryOutcome } from '../../replay/outcome.ts';

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

/** What the upstream extension adds to its facts for the client-key invariants. */
export interface ClientKeyFacts {
  clientRequests?: ClientKeyedRequest[];
}

/** The keyed client requests the upstream extension recorded, or undefined without the extension. */
export const clientRequestsOf = (extras: Readonly<Record<string, unknown>>): ClientKeyedRequest[] | undefined =>
  (extras['upstream'] as (UpstreamFacts & ClientKeyFacts) | undefined)?.clientRequests;

/** One answer as evidence. */
export const answerRow = (a: ClientKeyAnswer): Record<string, unknown> => ({
  step: a.step,
  origin: a.origin,
  outcome: a.result === 'answered' ? String(a.status) : a.result,
  ...(a.body === undefined ? {} : { body: a.body.slice(0, 200) }),
  startedAtMs: Math.round(a.startedAtMs * 10) / 10,
  endedAtMs: Math.round(a.endedAtMs * 10) / 10,
});

/** Answered deliveries, in the order their answers came. */
export const answered = (request: ClientKeyedRequest): ClientKeyAnswer[] =>
  request.answers.filter((a) => a.result === 'answered' && a.status !== undefined).sort((a, b) => a.endedAtMs - b.endedAtMs || a.step - b.step);
