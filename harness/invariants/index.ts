import type { Invariant, InvariantContext } from './invariant.ts';
import { balancedTransactions } from './balanced-transactions.ts';
import { exactlyOncePerEvent } from './exactly-once-effect.ts';
import { creditedAmountMatches } from './credited-amount.ts';
import { noEffectFromFailedOrPending } from './no-effect-from-unsettled.ts';
import { finalStatusIsHighest } from './final-status.ts';
import { ledgerMatchesCleanReplay } from './ledger-matches-clean-replay.ts';
import { everyEventAcknowledged } from './deliveries-acknowledged.ts';

export { defineInvariant } from './invariant.ts';
export { fact, factsKey, factsOf, noFacts, type Fact, type FactsKey, type FactsReader } from './facts.ts';
export type {
  EntityReader,
  EntityRow,
  Expectations,
  Invariant,
  InvariantContext,
  LedgerReader,
  LedgerRow,
  Requirement,
  Violation,
} from './invariant.ts';
export type { EntityMapping, LedgerMapping } from './ledger-mapping.ts';
export { createEntityReader, createLedgerReader } from './ledger-reader.ts';
export { buildExpectations } from './expectations.ts';
export {
  balancedTransactions,
  creditedAmountMatches,
  everyEventAcknowledged,
  exactlyOncePerEvent,
  finalStatusIsHighest,
  ledgerMatchesCleanReplay,
  noEffectFromFailedOrPending,
};

/** The seven built-in invariants, in reporting order. */
export const defaultInvariants: readonly Invariant[] = [
  balancedTransactions,
  exactlyOncePerEvent,
  creditedAmountMatches,
  noEffectFromFailedOrPending,
  finalStatusIsHighest,
  ledgerMatchesCleanReplay,
  everyEventAcknowledged,
];

/**
 * Whether an invariant can be judged in this context: everything it `requires` is there (the
 * entity mapping for final-status, the clean replay's ledger for the differential oracle, an
 * extension's facts). A runner reports the others as "not applicable" instead of "passed".
 *
 * @example
 * const results = defaultInvariants.filter((i) => invariantApplies(i, ctx));
 */
export function invariantApplies(invariant: Invariant, ctx: Pick<InvariantContext, 'entities' | 'baseline' | 'facts'>): boolean {
  return (invariant.requires ?? []).every((need) => {
    if (need === 'entities') return ctx.entities !== undefined;
    if (need === 'baseline') return ctx.baseline !== undefined;
    return ctx.facts(need) !== undefined;
  });
}
