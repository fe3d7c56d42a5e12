import type { Invariant, InvariantContext, Judgement } from './invariant.ts';
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
  Judgement,
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
export function invariantApplies(invariant: Invariant, ctx: Pick<InvariantContext, 'ledger' | 'entities' | 'baseline' | 'facts'>): boolean {
  return missingRequirements(invariant, ctx).length === 0;
}

/** What an invariant `requires` that this context lacks, in words ("the ledger mapping"), for the not-applicable reason. */
export function missingRequirements(invariant: Invariant, ctx: Pick<InvariantContext, 'ledger' | 'entities' | 'baseline' | 'facts'>): string[] {
  return (invariant.requires ?? []).flatMap((need) => {
    if (need === 'ledger') return ctx.ledger === undefined ? ['no ledger mapping in the config'] : [];
    if (need === 'entities') return ctx.entities === undefined ? ['no entity mapping in the config'] : [];
    if (need === 'baseline') return ctx.baseline === undefined ? ["no clean replay's ledger to compare with"] : [];
    return ctx.facts(need) === undefined ? [`no ${need.name} facts in the scenario`] : [];
  });
}

/**
 * Runs an invariant's check on one schedule and returns its judgement: how much it judged and
 * what broke. An invariant that returns a plain list of violations counts as having judged one thing.
 *
 * @example
 * const { judged, violations } = await judge(exactlyOnceEffect, ctx);
 */
export async function judge(invariant: Invariant, ctx: InvariantContext): Promise<Judgement> {
  const outcome = await invariant.check(ctx);
  return Array.isArray(outcome) ? { judged: 1, violations: outcome } : outcome;
}
