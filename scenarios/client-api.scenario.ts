import { clientRetries, concurrentDuplicates, defineScenario, missingKey, payloadMismatch, sequentialDuplicates } from '../harness/index.ts';
import { clientApi } from '../harness/client-api/index.ts';

/**
 * The reference service's own client API (POST /charges, /refunds, configured in
 * idemgate.config.ts `clientApis`) the way its clients really call it: retries on a lost answer
 * with backoff and jitter, two tabs sending at once, the key reused with another amount or
 * currency, the key forgotten — judged by its idempotency profile (IDEMPOTENCY_PROFILE=stripe
 * for Stripe's).
 */
export const clientApiScenario = defineScenario({
  name: 'client-api',
  description: 'the merchant API under client retries with backoff, concurrent requests, reused and missing keys',
  tapes: ['fixtures/tapes/merchant-client.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 2 }), concurrentDuplicates({ maxWidth: 3 }), clientRetries(), payloadMismatch(), missingKey()],
  maxEdits: 4,
  runs: 40,
  extensions: [clientApi()],
});
