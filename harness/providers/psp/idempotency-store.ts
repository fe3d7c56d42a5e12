import { createHash } from 'node:crypto';

/** Stripe documents that keys "may be pruned after they are at least 24 hours old". */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The first answer given for a key, replayed to later requests with that key. */
export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
  createdAtMs: number;
}

/** What a request carrying a key meets. */
export type KeyClaim =
  /** No answer is stored and no request holds the key: this request now does (`store` or `release` it). */
  | { kind: 'claimed' }
  /** The key's first answer, for a request with the same parameters. */
  | { kind: 'replay'; answer: StoredAnswer }
  /** The key was first used with other parameters. */
  | { kind: 'other-parameters' }
  /** Another request with the key is still being handled. */
  | { kind: 'in-flight' };

/**
 * Idempotency-Key semantics as Stripe documents them: per scope (the API key and the
 * Idempotency-Key) the first answer is stored for `ttlMs` and replayed for the same parameters;
 * other parameters are refused; a second request while the first is in flight is refused. The
 * caller decides what is stored (Stripe stores 500s, not validation failures).
 */
export interface IdempotencyStore {
  /** Looks `scope` up for a request whose parameters have `fingerprint`, at `nowMs` (wall clock). */
  claim(scope: string, fingerprint: string, nowMs: number): KeyClaim;
  /** Stores the claimed key's answer and releases it. */
  store(scope: string, answer: StoredAnswer): void;
  /** Releases a claimed key without storing anything. */
  release(scope: string): void;
  /** Forgets every key (once per schedule). */
  reset(): void;
}

/**
 * What "the same parameters" means for a key: the path and the form fields, order ignored.
 *
 * @example
 * requestFingerprint('/v1/refunds', new URLSearchParams('b=2&a=1')) === requestFingerprint('/v1/refunds', new URLSearchParams('a=1&b=2')); // true
 */
export const requestFingerprint = (path: string, params: URLSearchParams): string =>
  createHash('sha256')
    .update(`${path}\n${[...params].map(([k, v]) => `${k}=${v}`).sort().join('&')}`)
    .digest('hex');

/**
 * @example
 * const keys = createIdempotencyStore();
 * keys.claim('sk_test\nk1', print, Date.now()); // { kind: 'claimed' }
 * keys.store('sk_test\nk1', { fingerprint: print, status: 200, body, createdAtMs: Date.now() });
 */
export function createIdempotencyStore(ttlMs = IDEMPOTENCY_KEY_TTL_MS): IdempotencyStore {
  const answers = new Map<string, StoredAnswer>();
  const inFlight = new Set<string>();
  return {
    claim(scope, fingerprint, nowMs) {
      const stored = answers.get(scope);
      if (stored !== undefined && nowMs - stored.createdAtMs >= ttlMs) answers.delete(scope);
      const kept = answers.get(scope);
      if (kept !== undefined) return kept.fingerprint === fingerprint ? { kind: 'replay', answer: kept } : { kind: 'other-parameters' };
      if (inFlight.has(scope)) return { kind: 'in-flight' };
      inFlight.add(scope);
      return { kind: 'claimed' };
    },
    store(scope, answer) {
      answers.set(scope, answer);
      inFlight.delete(scope);
    },
    release(scope) {
      inFlight.delete(scope);
    },
    reset() {
      answers.clear();
      inFlight.clear();
    },
  };
}
