import fc from 'fast-check';
import { DEFAULT_FORGED_HEADERS, type ProviderEvent } from '../providers/provider.ts';
import { requireInteger, type ApplyEdit } from './types.ts';
import { sendVariantAfter } from './variant-send.ts';

export { DEFAULT_FORGED_HEADERS };

/**
 * After the step delivering `exchange`, `after` steps later, the same client request (same key,
 * same body) is sent again with `headers` added, replacing any of the same name. It names the
 * exchange, so it means the same on any subset of the tape; when the exchange is not in the
 * schedule nothing changes.
 */
export interface ForgedHeadersEdit {
  kind: 'forged-headers';
  exchange: number;
  /** Header name → value, as sent (plain data: a saved counterexample replays without the config). */
  headers: Record<string, string>;
  after: number;
}

/**
 * A client (or anyone on the internet) sending headers the service should only set itself or
 * trust from its own proxy: a middleware that reads a client's `Idempotent-Replayed: true` as
 * "already handled" and skips its key check books the payment again (one-effect-per-key,
 * exactly-once-effect), one that answers it with a made-up "stored" answer breaks
 * stored-answer-repeated, and one that scopes keys by a client-sent `X-Forwarded-For` takes the
 * same key from "another address" as a new request. A correct service treats the request as a
 * retry and answers the stored answer. Draws only keyed client requests whose API has headers to
 * forge, and a non-empty subset of them; shrinks toward the first such request, sent right after
 * it, with the one header that matters.
 *
 * @example
 * defineScenario({ …, faults: [forgedHeaders()] }); // { kind: 'forged-headers', exchange: 1, headers: { 'Idempotent-Replayed': 'true' }, after: 0 }
 */
export function forgedHeaders({ maxAfter = 3 }: { maxAfter?: number } = {}): (
  stepCount: number,
  events?: readonly ProviderEvent[],
) => fc.Arbitrary<ForgedHeadersEdit> | undefined {
  requireInteger('forgedHeaders', 'maxAfter', maxAfter, 0);
  return (_stepCount, events) => {
    const targets = (events ?? []).flatMap((e, exchange) => {
      if (e.client === undefined) return [];
      const headers = Object.entries(e.client.forgedHeaders ?? DEFAULT_FORGED_HEADERS);
      return headers.length === 0 ? [] : [{ exchange, headers }];
    });
    if (targets.length === 0) return undefined;
    const most = Math.max(...targets.map((t) => t.headers.length));
    // Flat, not chained: each part shrinks on its own (toward the first request, `after` 0 and the
    // one header that matters); a pick names a header modulo the request's list.
    return fc
      .record({ target: fc.constantFrom(...targets), picks: fc.uniqueArray(fc.nat(most - 1), { minLength: 1, maxLength: most }), after: fc.nat(maxAfter) })
      .map(({ target, picks, after }): ForgedHeadersEdit => {
        const chosen = new Set(picks.map((p) => p % target.headers.length));
        const headers = Object.fromEntries(target.headers.filter((_, i) => chosen.has(i)));
        return { kind: 'forged-headers', exchange: target.exchange, headers, after };
      });
  };
}

export const applyForgedHeaders: ApplyEdit<ForgedHeadersEdit> = (steps, edit) =>
  sendVariantAfter(steps, edit.exchange, edit.after, { kind: 'forged-headers', headers: { ...edit.headers } });
