import type { RequestVariant } from '../../providers/provider.ts';
import type { ClientAnswer, ClientKeyedExchange } from '../facts.ts';

const BODY_CHARS = 200;

const variantLabel = (v: RequestVariant): string =>
  v.kind === 'missing-key' || v.kind === 'after-key-expiry'
    ? v.kind
    : v.kind === 'forged-headers'
      ? `forged-headers:${Object.keys(v.headers).join(',')}`
      : `payload-mismatch:${v.field}`;

/**
 * Sent with the request's own key and payload: the recording, or the same request with forged
 * headers (which a correct service takes as a retry, to be answered the stored answer).
 */
export const isSameRequest = (a: ClientAnswer): boolean => a.variant === undefined || a.variant.kind === 'forged-headers' || a.variant.kind === 'after-key-expiry';

/** Sent once the key's lifetime had passed: a new request to the service, which opens a new lifetime of the key. */
export const isAfterExpiry = (a: ClientAnswer): boolean => a.variant?.kind === 'after-key-expiry';

/**
 * Which lifetime of its key an answer belongs to: how many waits past the keys' lifetime
 * (`expiredAtMs`) came after the key's first request ended and before this one started.
 */
export function lifetimeOf(a: ClientAnswer, answers: readonly ClientAnswer[], expiredAtMs: readonly number[] = []): number {
  const firstEnded = Math.min(...answers.map((x) => x.endedAtMs));
  return expiredAtMs.filter((t) => t >= firstEnded && t <= a.startedAtMs).length;
}

/** One answer as evidence. */
export const answerRow = (a: ClientAnswer): Record<string, unknown> => ({
  step: a.step,
  origin: a.origin,
  ...(a.variant === undefined ? {} : { variant: variantLabel(a.variant) }),
  outcome: a.result === 'answered' ? String(a.status) : a.result,
  ...(a.body === undefined ? {} : { body: a.body.length > BODY_CHARS ? `${a.body.slice(0, BODY_CHARS)}…` : a.body }),
  startedAtMs: Math.round(a.startedAtMs * 10) / 10,
  endedAtMs: Math.round(a.endedAtMs * 10) / 10,
});

/** `seq 3 (payments, route payment, Idempotency-Key k1)` */
export const requestName = (r: ClientKeyedExchange): string => `seq ${r.seq} (${r.provider}, route ${r.route}, ${r.profile.keyHeader} ${r.key})`;

export const isAnswered = (a: ClientAnswer): a is ClientAnswer & { status: number; body: string } => a.result === 'answered' && a.status !== undefined;
