import type { DeliveryOutcome } from '../replay/outcome.ts';
import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, groupBy } from './evidence.ts';

const NAME = 'deliveries-acknowledged';
const LAST_ANSWERS = 5;
const BODY_CHARS = 200;

const answer = (o: DeliveryOutcome): Record<string, unknown> => ({
  step: o.step,
  attempt: o.attempt,
  origin: o.origin,
  result: o.result,
  ...(o.status !== undefined ? { status: o.status } : {}),
  ...(o.body !== undefined ? { body: o.body.length > BODY_CHARS ? `${o.body.slice(0, BODY_CHARS)}…` : o.body } : {}),
  ...(o.error !== undefined ? { error: o.error } : {}),
});

/**
 * Every delivered exchange is eventually acknowledged. A target that keeps answering 500 to
 * redeliveries of an event it already processed gets its webhook subscription disabled. What
 * counts as acknowledged is the provider's: a webhook's 2xx, a client API's final answers under
 * its profile (stored, payload mismatch, missing key) — an in-flight 409 is not final, the client
 * retries it on its backoff.
 */
export const deliveriesAcknowledged = defineInvariant({
  name: NAME,
  description: 'every delivered exchange was eventually acknowledged',
  nothingToJudge: 'nothing was delivered',
  async check({ deliveries: all }) {
    const violations: Violation[] = [];
    // A variant (the same key with another payload, no key) is judged by its profile, not here:
    // its answer is not the answer to the recorded request.
    const deliveries = all.filter((d) => d.variant === undefined);
    for (const [exchange, outcomes] of groupBy(deliveries, (d) => d.exchange)) {
      if (outcomes.some((o) => o.acknowledged)) continue;
      const ordered = [...outcomes].sort((a, b) => a.step - b.step || a.startedAtMs - b.startedAtMs);
      const last = ordered.slice(-LAST_ANSWERS);
      const provider = ordered[0]!.provider;
      const summary = last.map((o) => (o.result === 'answered' ? String(o.status) : o.result)).join(', ');
      violations.push({
        invariant: NAME,
        message: `exchange ${exchange} (${provider}) was delivered ${ordered.length} time(s) and never acknowledged; last answers: ${summary}`,
        evidence: [{ exchange, provider, deliveries: ordered.length }, ...last.map(answer)],
      });
    }
    // Judged: the exchanges delivered.
    return { judged: new Set(deliveries.map((d) => d.exchange)).size, violations: capViolations(NAME, violations, 'unacknowledged exchanges') };
  },
});
