import type { Invariant } from '../invariant.ts';
import { reconExceptionsReported } from './exceptions-reported.ts';
import { reconMatchedExactlyOnce } from './matched-exactly-once.ts';
import { reconReingestIdempotent } from './reingest-idempotent.ts';
import { reconSettlementTotals } from './settlement-totals.ts';
import { reconShapeEquivalence } from './shape-equivalence.ts';

export { reconExceptionsReported, reconMatchedExactlyOnce, reconReingestIdempotent, reconSettlementTotals, reconShapeEquivalence };
export { RECON_FACTS, mappedView } from './facts.ts';
export type { DeliveredReconFile, ReconFacts, ReconMapping, ReconSnapshot, ReconTableMapping } from './facts.ts';

/** The five reconciliation invariants, in reporting order. */
export const reconInvariants: readonly Invariant[] = [
  reconMatchedExactlyOnce,
  reconSettlementTotals,
  reconExceptionsReported,
  reconReingestIdempotent,
  reconShapeEquivalence,
];
