export {
  createPspState,
  PAYMENT_INTENTS_PATH,
  PSP_TEST_SECRET_KEY,
  pspApi,
  pspApiHandlers,
  pspError,
  pspKeyFrom,
  REFUNDS_API_PATH,
} from './api.ts';
export type { PspApiOptions, PspLedgerEntry, PspState } from './api.ts';
export {
  createIdempotencyStore,
  IDEMPOTENCY_KEY_TTL_MS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  requestFingerprint,
} from './idempotency-store.ts';
export type { IdempotencyStore, KeyClaim, StoredAnswer } from './idempotency-store.ts';
