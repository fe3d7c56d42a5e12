import type fc from 'fast-check';
import type { Invariant } from '../invariants/invariant.ts';
import type { ProviderEvent } from '../providers/provider.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { Schedule } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';
import type { Session } from './session.ts';

/** What an extension sees around one schedule. */
export interface ExtensionContext {
  session: Session;
  tape: Tape;
  /** What each of the tape's exchanges means, as the runner described it once (index = exchange). */
  events: readonly ProviderEvent[];
  schedule: Schedule;
}

/**
 * A seam for traffic and faults beyond webhook deliveries (upstream API faults, reconciliation
 * files, …), so they can be added without touching the runner. Per schedule, fast-check draws the
 * extension's data (plain, shrinkable, replayable by seed); `before` applies it after the database
 * reset and before the replay; `after` runs once the replay is quiescent and returns the facts its
 * invariants read from `InvariantContext.extras[name]`.
 *
 * @example
 * const upstreamFaults: ScenarioExtension<FaultPlan> = {
 *   name: 'upstream',
 *   draw: () => faultPlanArbitrary,
 *   before: async ({ session }, plan) => upstream.load(plan),
 *   after: async () => ({ calls: upstream.log }),
 *   invariants: [retriesCarrySameKey],
 * };
 */
export interface ScenarioExtension<D = unknown> {
  /** Unique among a scenario's extensions; the key of its draw and extras. */
  readonly name: string;
  draw?: (tape: Tape) => fc.Arbitrary<D>;
  before?: (ctx: ExtensionContext, data: D) => Promise<void>;
  after?: (ctx: ExtensionContext & { deliveries: readonly DeliveryOutcome[] }, data: D) => Promise<unknown>;
  /** Invariants the extension adds to the scenario's. */
  invariants?: Invariant[];
}
