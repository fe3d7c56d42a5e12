import type { Invariant } from '../../invariants/invariant.ts';
import { reconExceptionsReported } from './exceptions-reported.ts';
import { reconMatchedExactlyOnce } from './matched-exactly-once.ts';
import { reconReingestIdempotent } from './reingest-idempotent.ts';
import { reconSettlementTotals } from './settlement-totals.ts';
import { reconShapeEquivalence } from './shape-equivalence.ts';

export { reconExceptionsReported, reconMatchedExactlyOnce, reconReingestIdempotent, reconSettlementTotals, reconShapeEquivalence };

/** The five reconciliation invariants, in reporting order. */
export const reconInvariants: readonly Invariant[] = [
  reconMatchedExactlyOnce,
  reconSettlementTotals,
  reconExceptionsReported,
  reconReingestIdempotent,
  reconShapeEquivalence,
];
