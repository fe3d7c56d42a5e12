import { factsKey } from '../invariants/facts.ts';
import type { IdempotencyProfile } from '../providers/client-api/profile.ts';
import type { RequestVariant } from '../providers/provider.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';

/** One answer a keyed client request got: in the schedule, in the client's retries, or the follow-up probe. */
export interface ClientAnswer {
  step: number;
  origin: DeliveryOutcome['origin'] | 'follow-up';
  result: DeliveryOutcome['result'];
  status?: number;
  body?: string;
  variant?: RequestVariant;
  startedAtMs: number;
  endedAtMs: number;
}

/** A recorded client request with an idempotency key and everything sent for it. */
export interface ClientKeyedExchange {
  exchange: number;
  seq: number;
  provider: string;
  route: string;
  key: string;
  /** The reference its effect is booked under. */
  reference?: string;
  profile: IdempotencyProfile;
  /** In the order they started; the follow-up (if sent) last. */
  answers: ClientAnswer[];
}

/** What the client-api extension hands its invariants. */
export interface ClientApiFacts {
  requests: ClientKeyedExchange[];
  /** Real ms the replay waited in client backoffs during this schedule. */
  retryWaitMs: number;
  /** When requests were sent past the keys' lifetime (key-reuse-after-expiry), on the replay's clock: every key used before one may have expired. */
  expiredAtMs?: number[];
}

export const CLIENT_API_FACTS = factsKey<ClientApiFacts>('client-api');
