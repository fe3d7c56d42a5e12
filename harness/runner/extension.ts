import type fc from 'fast-check';
import type { FactsKey } from '../invariants/facts.ts';
import type { Invariant } from '../invariants/invariant.ts';
import type { ProviderEvent } from '../providers/provider.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { Schedule } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';
import type { Excuse, OutboundCall } from './result.ts';

export type { Excuse } from './result.ts';
import type { Session } from './session.ts';

/** What an extension sees around one schedule. */
export interface ExtensionContext {
  session: Session;
  tape: Tape;
  /** What each of the tape's exchanges means, as the runner described it once (index = exchange). */
  events: readonly ProviderEvent[];
  schedule: Schedule;
}


/** What an extension sees once the schedule has been replayed and is quiescent. */
export type AfterContext = ExtensionContext & { deliveries: readonly DeliveryOutcome[] };

/**
 * An extension as its author writes it, typed by what it draws (`D`, plain data that fast-check
 * shrinks and a seed replays) and what it hands its invariants (`F`, published under `key`).
 * `data` is undefined in the clean replay, which draws nothing.
 */
export interface ExtensionDefinition<D, F> {
  /** Names the extension (unique among a scenario's) and types its facts. */
  key: FactsKey<F>;
  draw?: (tape: Tape) => fc.Arbitrary<D>;
  /** After the database reset, before the replay. */
  before?: (ctx: ExtensionContext, data: D | undefined) => Promise<void>;
  /** Once the replay is quiescent: the facts its invariants read with `ctx.facts(key)`. */
  after?: (ctx: AfterContext, data: D | undefined) => Promise<F>;
  /** Invariants the extension adds to the scenario's (they usually `require` its key). */
  invariants?: readonly Invariant[];
  /** The calls the target made out that these facts record, for the reports' timeline. */
  calls?: (facts: F) => readonly OutboundCall[];
  /** Expected effects these facts excuse (see `Excuse`). */
  excuses?: (facts: F) => readonly Excuse[];
}

/**
 * A scenario extension as the runner holds it: the draw and facts types are sealed inside by
 * `defineExtension`, so extensions of different types sit in one list.
 */
export interface ScenarioExtension {
  /** `key.name`: the key of its draw in a schedule draw and of its facts. */
  readonly name: string;
  readonly key: FactsKey<unknown>;
  readonly invariants: readonly Invariant[];
  draw?(tape: Tape): fc.Arbitrary<unknown>;
  before(ctx: ExtensionContext, data: unknown): Promise<void>;
  /** Undefined when the extension publishes no facts. */
  after(ctx: AfterContext, data: unknown): Promise<unknown>;
  /** The outbound calls in the facts its own `after` returned. */
  calls(facts: unknown): readonly OutboundCall[];
  /** The effects the facts its own `after` returned excuse. */
  excuses(facts: unknown): readonly Excuse[];
}

/**
 * A seam for traffic and faults beyond webhook deliveries (upstream API faults, reconciliation
 * files, a cron the merchant runs), so they can be added without touching the runner. Per
 * schedule, fast-check draws the extension's data; `before` applies it after the database reset
 * and before the replay; `after` runs once the replay is quiescent and returns the facts its
 * invariants read with `ctx.facts(key)`.
 *
 * @example
 * export const UPSTREAM_FACTS = factsKey<UpstreamFacts>('upstream');
 * export const upstream = (options: Options): ScenarioExtension =>
 *   defineExtension({
 *     key: UPSTREAM_FACTS,
 *     draw: () => upstreamFaultPlan(options),
 *     before: async ({ session }, plan) => session.upstream.use(createFaultLayer({ upstream: session.upstream, plan: plan ?? [] })),
 *     after: async ({ session }) => ({ calls: session.upstream.calls, … }),
 *     invariants: [retriesCarrySameKey], // each with `requires: [UPSTREAM_FACTS]`
 *   });
 */
export function defineExtension<D, F>(definition: ExtensionDefinition<D, F>): ScenarioExtension {
  // The runner hands `before`/`after` back exactly the value this extension's own `draw` produced
  // (or undefined for the clean replay), kept per extension name in the schedule draw: the one
  // place where the draw's type is restored.
  const { key, draw, before, after } = definition;
  const restore = (data: unknown): D | undefined => data as D | undefined;
  // Likewise `calls` gets back only what this extension's own `after` published.
  const restoreFacts = (facts: unknown): F => facts as F;
  return {
    name: key.name,
    key,
    invariants: definition.invariants ?? [],
    ...(draw === undefined ? {} : { draw: (tape: Tape) => draw(tape) }),
    before: async (ctx, data) => before?.(ctx, restore(data)),
    after: async (ctx, data) => after?.(ctx, restore(data)),
    calls: (facts) => definition.calls?.(restoreFacts(facts)) ?? [],
    excuses: (facts) => definition.excuses?.(restoreFacts(facts)) ?? [],
  };
}
