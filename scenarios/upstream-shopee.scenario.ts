import { concurrentDuplicates, defineScenario, reorderWithin, sequentialDuplicates } from '../harness/index.ts';
import { upstream } from '../harness/upstream/index.ts';
import { UPSTREAM_TIMEOUT_MS } from '../idemgate.config.ts';

/** Shopee pushes whose COMPLETED status makes the merchant fetch escrow detail from a throttling, failing API. */
export const upstreamShopee = defineScenario({
  name: 'upstream-shopee',
  description: 'escrow fetched on COMPLETED while the Shopee API answers 429, 5xx, late, 401 and resets',
  tapes: ['fixtures/tapes/shopee.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 3 }), concurrentDuplicates({ maxWidth: 3 }), reorderWithin({ window: 4 })],
  maxEdits: 2,
  runs: 25,
  extensions: [
    upstream({
      routes: ['shopee.escrow_detail'],
      rateLimit: true,
      serverErrors: { maxOutage: 6 },
      timeouts: { delayMs: UPSTREAM_TIMEOUT_MS * 2 },
      resets: true,
      unauthorized: true,
    }),
  ],
});
