import type { EntityStatus, LedgerEffect, ProviderEvent } from '../providers/provider.ts';
import type { Expectations } from './invariant.ts';

/**
 * What the books should show after the given events, whatever order and however often they
 * were delivered: one effect per reference (a cumulative one: its largest total), no effect for failed/pending references, and per
 * entity the highest-ranked status (equal ranks: the later event time, then the later event).
 *
 * @example
 * const expected = buildExpectations(tape.exchanges.map((x) => provider.describe(x, tape)));
 */
export function buildExpectations(events: readonly ProviderEvent[], rebookable?: ReadonlyMap<string, number>): Expectations {
  const byIdentity = new Map<string, ProviderEvent>();
  for (const event of events) if (!byIdentity.has(event.identity)) byIdentity.set(event.identity, event);

  const effects = new Map<string, LedgerEffect>();
  const noEffectCandidates = new Set<string>();
  const finalStatus = new Map<string, EntityStatus & { provider: string }>();

  for (const event of byIdentity.values()) {
    if (event.effect) {
      const current = effects.get(event.effect.reference);
      // A running total (charge.refunded's amount_refunded): the books show the largest delivered.
      const larger = current?.cumulative === true && event.effect.cumulative === true && event.effect.amountMinor > current.amountMinor;
      if (current === undefined || larger) effects.set(event.effect.reference, event.effect);
    }
    if (event.noEffectReference !== undefined) noEffectCandidates.add(event.noEffectReference);
    if (event.entity) {
      const key = `${event.provider}:${event.entity.entity}`;
      const current = finalStatus.get(key);
      const wins =
        current === undefined ||
        event.entity.rank > current.rank ||
        (event.entity.rank === current.rank && event.entity.time >= current.time);
      if (wins) finalStatus.set(key, { ...event.entity, provider: event.provider });
    }
  }

  const noEffect = new Set([...noEffectCandidates].filter((reference) => !effects.has(reference)));
  return { events: byIdentity, effects, noEffect, finalStatus, ...(rebookable === undefined || rebookable.size === 0 ? {} : { rebookable }) };
}
