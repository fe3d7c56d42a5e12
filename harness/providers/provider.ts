import type { Exchange, Tape } from '../tape/schema.ts';

/**
 * Money moving because of one provider event, as the merchant's books should show it.
 * `in` = the merchant receives money (a payment, an escrow release); `out` = it pays back (refund).
 * Amounts are integers in minor units (sen for MYR), never floats.
 */
export interface LedgerEffect {
  /** The provider's reference the effect is posted under: pi_…, re_…, an FPX transaction id, a Shopee ordersn. */
  reference: string;
  amountMinor: number;
  currency: string;
  direction: 'in' | 'out';
  /**
   * The event carries a running total for its reference (Stripe's `charge.refunded` with the
   * cumulative `amount_refunded`): the books must show the largest total delivered, in one or
   * more transactions (a service books the deltas), instead of exactly one transaction.
   */
  cumulative?: true;
}

/** Where an event puts its entity in the entity's lifecycle (for status monotonicity). */
export interface EntityStatus {
  /** The entity's id at the provider (ordersn, seller order number, payment intent id). */
  entity: string;
  /** Normalised status name the provider adapter defines (e.g. COMPLETED, approved, succeeded). */
  status: string;
  /** Lifecycle rank: the final status must be the one with the highest rank delivered. */
  rank: number;
  /**
   * Provider-side event time in ms since epoch; breaks ties between equal ranks. A lifecycle whose
   * statuses go back and forth (Stripe subscriptions) gives them all one rank, so the expected
   * final status is the one carried by the latest event by this time.
   */
  time: number;
  /** The status ends the entity's lifecycle (canceled, expired): only a later event may move it on (see no-resurrection). */
  terminal?: true;
}

/** What one recorded exchange means, as far as the invariants are concerned. */
export interface ProviderEvent {
  provider: string;
  /** What makes two deliveries "the same event" (a redelivery). */
  identity: string;
  entity?: EntityStatus;
  /** The ledger effect this event should have exactly once; absent for failed/pending/status-only events. */
  effect?: LedgerEffect;
  /** References this event names that must have NO effect (a failed or still-pending payment). */
  noEffectReference?: string;
  /**
   * The entity whose exchanges must be replayed together when the harness explores subsets of a
   * tape (a refund belongs with its payment). Default: `entity.entity`, else the effect reference.
   */
  group?: string;
  /**
   * Set when the adapter does not model this event (an unknown event type or status): it is
   * replayed with no expected effect or status, and the run lists it once as unmodelled, e.g.
   * `stripe: event type customer.created`. With the provider's `strict` setting it is an error.
   */
  unmodelled?: string;
  /**
   * Set for a request of the merchant's own clients carrying an idempotency key (a client-API
   * provider): the key, and how the request can be varied by the client faults.
   */
  client?: ClientRequestInfo;
}

/** What the client faults may do with one keyed client request. */
export interface ClientRequestInfo {
  key: string;
  /** The route it was sent to (its configured name). */
  route: string;
  /** Body fields that can be changed to send the same key with another payload. */
  mismatchFields: readonly MismatchField[];
  /** The profile rejects a request without a key (IETF 400); the missing-key fault applies. */
  keyRequired: boolean;
  /**
   * Headers the service must not take from a client, sent by the forged-headers fault with the same
   * key and payload (`clientApis.<name>.forgedHeaders`); absent: `DEFAULT_FORGED_HEADERS`.
   */
  forgedHeaders?: Readonly<Record<string, string>>;
  /**
   * How long the service keeps the key, in real ms as the target runs under idemgate
   * (`clientApis.<name>.keyTtlMs`); the key-reuse-after-expiry fault applies. Absent: not stated.
   */
  keyTtlMs?: number;
}

/**
 * Headers a client must not control, sent when a client API's config names none
 * (`clientApis.<name>.forgedHeaders` replaces them): the "already answered from the idempotency
 * store" markers a middleware or an edge cache sets on a replayed answer (`Idempotent-Replayed`,
 * as Stripe and several published middlewares do; `X-Idempotency-Replayed`), and the client
 * address a proxy sets (`X-Forwarded-For`, `X-Real-IP`; 203.0.113.7 is a documentation address).
 */
export const DEFAULT_FORGED_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Idempotent-Replayed': 'true',
  'X-Idempotency-Replayed': 'true',
  'X-Forwarded-For': '203.0.113.7',
  'X-Real-IP': '203.0.113.7',
});

export type MismatchField = 'amount' | 'currency';

/**
 * A delivery sent differently from its recording, as plain data (a client fault): the same key
 * with another payload, no key at all, or the same key and payload with headers a client must not
 * control. The provider's `vary` turns it into bytes.
 */
export type RequestVariant =
  | { kind: 'payload-mismatch'; field: MismatchField }
  | { kind: 'missing-key' }
  | { kind: 'forged-headers'; headers: Record<string, string> }
  /** The same request, sent once the key's lifetime has passed: a new request to the service (IETF draft). */
  | { kind: 'after-key-expiry' };

/**
 * How a sender retries what it did not see answered: exponential backoff with jitter, in the
 * sender's own milliseconds; replay waits them multiplied by `timeScale`.
 */
export interface RetryTiming {
  /** Retries after the first attempt. Default 3. */
  attempts?: number;
  /** Wait before the first retry. */
  baseMs: number;
  /** Each wait is the previous one times this. Default 2. */
  factor?: number;
  /** No wait is longer. Default 30 000. */
  maxMs?: number;
  /** Fraction of each wait drawn at random (0: none, 1: anywhere from 0 to the full wait). Default 0.5. */
  jitter?: number;
  /** Real milliseconds per millisecond of the sender's. Default 1; 0.1 replays ten times faster. */
  timeScale?: number;
}

/** Test secrets a provider signs with at replay time. Keys are provider-specific. */
export type ProviderSecrets = Readonly<Record<string, string>>;

export interface SigningContext {
  secrets: ProviderSecrets;
  /** Replay time; signatures with timestamps (Stripe `t=`) are made fresh from it. */
  now: Date;
  /** The full URL the request is sent to (Shopee signs `providers.shopee.callbackUrl` instead when it is set). */
  url: string;
  /** 1 for the first delivery of an exchange in a schedule, 2+ for redeliveries/duplicates. */
  attempt: number;
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: Buffer;
  /**
   * The query string to send instead of the recorded one, without `?`: for a provider whose
   * signature travels in the URL (a Billplz redirect's `billplz[x_signature]`). Absent: as recorded.
   */
  query?: string;
}

/**
 * How a config reads one provider's traffic (`providerSettings.<name>`): general keys here, the
 * values of `effects` are the provider's own (checked by its `configure`).
 */
export interface ProviderSettings {
  /** An event the adapter does not model is an error (PROVIDER_BAD_EXCHANGE) instead of being listed as unmodelled. */
  strict?: boolean;
  /** The provider's effect model: which events carry the money and under which reference (see the provider's docs). */
  effects?: Record<string, string>;
  /**
   * How the provider redelivers what it saw no acknowledgement for: its back-off in the provider's
   * own milliseconds and the time scale replay waits it at (Stripe's hours as milliseconds with
   * `timeScale: 0.0001`). Absent: unacknowledged deliveries are swept again with no wait.
   */
  retry?: RetryTiming;
  /**
   * What the provider takes as an acknowledgement, instead of the adapter's own rule (Shopee: any
   * 2xx; FPX: a 2xx whose body is `OK`): the answer's status is one of `statuses` (default any
   * 2xx) and, when `body` is given, the whole answer body, trimmed, matches that regular
   * expression (`'RECEIVEOK'`). An unacknowledged delivery is redelivered and judged by
   * `deliveries-acknowledged`.
   */
  acknowledge?: AcknowledgeRule;
}

/** `providerSettings.<name>.acknowledge`: the statuses (default 200–299) and the body that stop redelivery. */
export interface AcknowledgeRule {
  statuses?: number[];
  body?: string;
}

/**
 * One provider family (Shopee push, FPX AC, Stripe-style webhooks, …): a small object, no state.
 *
 * @example
 * const event = stripeWebhook.interpret(tape.exchanges[0]!, tape);
 * event.identity; // 'evt_…'
 */
export interface Provider {
  readonly name: string;
  /** Reads a recorded exchange. Throws IdemgateError('PROVIDER_BAD_EXCHANGE') naming the seq if it is not well-formed. */
  interpret(exchange: Exchange, tape: Tape): ProviderEvent;
  /** Builds the bytes and headers to send at replay time, re-signed with test secrets. */
  sign(exchange: Exchange, ctx: SigningContext): SignedRequest;
  /** Whether the target's answer stops the provider from redelivering (Shopee 2xx, FPX body `OK`, …). */
  acknowledged(response: { status: number; body: string }): boolean;
  /**
   * The adapter with a config's settings applied (its effect model). Throws
   * IdemgateError('CONFIG_INVALID') naming the setting when a value is not one it knows.
   * Absent: the adapter has no settings of its own beyond `strict`.
   */
  configure?(settings: ProviderSettings): Provider;
  /** The request for a client fault's variant (`RequestVariant`) of a signed one. Absent: the provider has none. */
  vary?(exchange: Exchange, variant: RequestVariant, signed: SignedRequest): SignedRequest;
  /** How the sender retries an unacknowledged request. Absent: redelivered with no wait, as before. */
  retry?: RetryTiming;
  /**
   * For a stand-alone reproduction script (`idemgate emit-test --curl`): a signature that expires
   * (Stripe's `t=` within 300 s) computed in POSIX sh with openssl when the script runs — the header
   * it goes in, and a command printing its value from the body's file (a ready shell word, e.g.
   * `"$dir/3.body"`) and the test secrets.
   * Absent: the signature made when the script is written stays valid.
   */
  shellSignature?: { header: string; command(bodyFile: string, secrets: ProviderSecrets): string };
}

export const defineProvider = <P extends Provider>(provider: P): P => provider;
