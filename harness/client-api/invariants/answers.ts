import type { ClientAnswer, ClientKeyedExchange } from '../facts.ts';

const BODY_CHARS = 200;

/** One answer as evidence. */
export const answerRow = (a: ClientAnswer): Record<string, unknown> => ({
  step: a.step,
  origin: a.origin,
  ...(a.variant === undefined ? {} : { variant: a.variant.kind === 'missing-key' ? 'missing-key' : `payload-mismatch:${a.variant.field}` }),
  outcome: a.result === 'answered' ? String(a.status) : a.result,
  ...(a.body === undefined ? {} : { body: a.body.length > BODY_CHARS ? `${a.body.slice(0, BODY_CHARS)}…` : a.body }),
  startedAtMs: Math.round(a.startedAtMs * 10) / 10,
  endedAtMs: Math.round(a.endedAtMs * 10) / 10,
});

/** `seq 3 (payments, route payment, Idempotency-Key k1)` */
export const requestName = (r: ClientKeyedExchange): string => `seq ${r.seq} (${r.provider}, route ${r.route}, ${r.profile.keyHeader} ${r.key})`;

export const isAnswered = (a: ClientAnswer): a is ClientAnswer & { status: number; body: string } => a.result === 'answered' && a.status !== undefined;
