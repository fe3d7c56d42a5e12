import { concurrentDuplicates, defineScenario, lostAcks, sequentialDuplicates } from '../harness/index.ts';
import { upstream } from '../harness/upstream/index.ts';
import { UPSTREAM_TIMEOUT_MS } from '../idemgate.config.ts';

/**
 * The merchant's clients charge and refund through POST /charges and /refunds (Idempotency-Key),
 * while the PSP throttles, fails, hangs past the client timeout, drops connections, refuses the
 * key, and commits charges whose answer is lost.
 */
export const upstreamPsp = defineScenario({
  name: 'upstream-psp',
  description: 'charges and refunds through a PSP answering 429, 5xx, late, 401, resets and lost answers',
  tapes: ['fixtures/tapes/merchant-client.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 2 }), concurrentDuplicates({ maxWidth: 3 }), lostAcks({})],
  maxEdits: 2,
  runs: 25,
  extensions: [
    upstream({
      routes: ['psp.payment_intents', 'psp.refunds'],
      rateLimit: true,
      serverErrors: { maxOutage: 6 },
      timeouts: { delayMs: UPSTREAM_TIMEOUT_MS * 2 },
      resets: true,
      unauthorized: true,
      lostAnswers: true,
    }),
  ],
});
