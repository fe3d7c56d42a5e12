import fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import { stepExchanges } from '../schedule/schedule.ts';
import type { ApplyEdit } from './types.ts';

/**
 * At the end of the schedule, the request delivering `exchange` (same key, same body) is sent again
 * once `waitMs` real milliseconds have passed: longer than the service keeps the key
 * (`clientApis.<name>.keyTtlMs`), so the key is forgotten — and so is every other key used before,
 * which is why it goes last (`applyEdits` keeps it there whatever edits follow). It names the
 * exchange, so it means the same on any subset of the tape; when the exchange is not in the
 * schedule nothing changes.
 */
export interface KeyReuseAfterExpiryEdit {
  kind: 'key-reuse-after-expiry';
  exchange: number;
  /** Real ms waited before sending (the key's lifetime and a margin), carried so a saved counterexample replays without the config. */
  waitMs: number;
}

/** Past the key's lifetime by a fifth of it, and never by less than 50 ms: a store's expiry is not to the millisecond. */
export const pastLifetimeMs = (keyTtlMs: number): number => Math.ceil(keyTtlMs + Math.max(50, keyTtlMs / 5));

/**
 * A client that sends a request again with its key after the service's key store has forgotten
 * it — a retry queued overnight, a job re-run the next day, past Stripe's 24 h or the lifetime a
 * service advertises. The IETF draft (draft-ietf-httpapi-idempotency-key-header, "Idempotency Key
 * Expiry") lets the service treat such a request as new, and Stripe does: so it is a new request,
 * not a duplicate. It may be processed and book again (one-effect-per-key counts effects per key
 * lifetime, exactly-once-effect and credited-amount allow its reference one more booking) or be
 * answered the stored answer by a store that keeps keys longer (allowed: the draft's MAY); what it
 * must not get is an in-flight or payload-mismatch answer (profile-answers), and the answers after
 * it must repeat its own (stored-answer-repeated). What it finds: a service that stores keys
 * without a lifetime while claiming one, a processing marker that outlives its answer (409 for
 * good), a store that forgets the answer but not the fingerprint. Drawn only for requests of a
 * client API whose config states `keyTtlMs`; shrinks toward the first such request, sent right
 * after it.
 *
 * @example
 * defineScenario({ …, faults: [keyReuseAfterExpiry()] }); // { kind: 'key-reuse-after-expiry', exchange: 0, waitMs: 1800 }
 */
export function keyReuseAfterExpiry(): (stepCount: number, events?: readonly ProviderEvent[]) => fc.Arbitrary<KeyReuseAfterExpiryEdit> | undefined {
  return (_stepCount, events) => {
    const targets = (events ?? []).flatMap((e, exchange) => (e.client?.keyTtlMs === undefined ? [] : [{ exchange, waitMs: pastLifetimeMs(e.client.keyTtlMs) }]));
    if (targets.length === 0) return undefined;
    return fc.constantFrom(...targets).map((target): KeyReuseAfterExpiryEdit => ({ kind: 'key-reuse-after-expiry', exchange: target.exchange, waitMs: target.waitMs }));
  };
}

export const applyKeyReuseAfterExpiry: ApplyEdit<KeyReuseAfterExpiryEdit> = (steps, edit) =>
  steps.some((s) => stepExchanges(s).includes(edit.exchange))
    ? [...steps, { kind: 'send', delivery: { exchange: edit.exchange, waitMs: edit.waitMs, variant: { kind: 'after-key-expiry' } } }]
    : [...steps];
