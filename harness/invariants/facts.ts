/**
 * The typed seam between a scenario extension and the invariants that judge what it saw. An
 * extension publishes its facts under a key made once with `factsKey`; an invariant reads them
 * with `ctx.facts(key)` and gets them typed, with no string key and no cast at the call site.
 * Keys compare by name, so a key is defined once, beside the facts' type, and imported by both.
 */
declare const FACTS: unique symbol;

/** Names one extension's facts and carries their type. */
export interface FactsKey<F> {
  readonly name: string;
  /** Never set: only carries the type of the facts. */
  readonly [FACTS]?: F;
}

/**
 * @example
 * export const UPSTREAM_FACTS = factsKey<UpstreamFacts>('upstream');
 * // in an invariant: const facts = ctx.facts(UPSTREAM_FACTS); // UpstreamFacts | undefined
 */
export const factsKey = <F>(name: string): FactsKey<F> => ({ name });

/** Reads one extension's facts: undefined when that extension is not in the scenario. */
export type FactsReader = <F>(key: FactsKey<F>) => F | undefined;

/** One key with a value of its type, for `factsOf`. */
export interface Fact<F = unknown> {
  readonly key: FactsKey<F>;
  readonly value: F;
}

/** Pairs a key with its facts; the type checker makes sure they match. */
export const fact = <F>(key: FactsKey<F>, value: F): Fact<F> => ({ key, value });

/**
 * A reader over the given facts. The only place a stored value is read back under its key's
 * type: `fact()` is the only way in, and it checked the type on the way.
 *
 * @example
 * const facts = factsOf(fact(UPSTREAM_FACTS, { calls: [], … }));
 * facts(UPSTREAM_FACTS)?.calls;
 */
export function factsOf(...entries: readonly Fact[]): FactsReader {
  const byName = new Map<string, unknown>(entries.map((e) => [e.key.name, e.value]));
  return <F>(key: FactsKey<F>): F | undefined => byName.get(key.name) as F | undefined;
}

/** No facts at all (a scenario without extensions). */
export const noFacts: FactsReader = factsOf();
