import type { Invariant, InvariantContext } from './invariant.ts';
import { balancedTransactions } from './balanced-transactions.ts';
import { exactlyOnceEffect } from './exactly-once-effect.ts';
import { creditedAmount } from './credited-amount.ts';
import { noEffectFromUnsettled } from './no-effect-from-unsettled.ts';
import { finalStatus } from './final-status.ts';
import { noResurrection } from './no-resurrection.ts';
import { ledgerMatchesCleanReplay } from './ledger-matches-clean-replay.ts';
import { deliveriesAcknowledged } from './deliveries-acknowledged.ts';

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
  creditedAmount,
  deliveriesAcknowledged,
  exactlyOnceEffect,
  finalStatus,
  ledgerMatchesCleanReplay,
  noEffectFromUnsettled,
  noResurrection,
};

/** The eight built-in invariants, in reporting order. */
export const defaultInvariants: readonly Invariant[] = [
  balancedTransactions,
  exactlyOnceEffect,
  creditedAmount,
  noEffectFromUnsettled,
  finalStatus,
  noResurrection,
  ledgerMatchesCleanReplay,
  deliveriesAcknowledged,
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
