import { cleanReplayDiffRows, type Violation } from './model.ts';

export interface LedgerDiffRow {
  side: 'expected' | 'actual';
  count: number;
  account: string;
  amountMinor: string;
  currency: string;
  reference: string;
}

/** Expected-vs-actual ledger rows, from the typed evidence of the differential oracle (`ledger-matches-clean-replay`). */
export function ledgerDiff(violations: readonly Violation[]): LedgerDiffRow[] {
  return cleanReplayDiffRows(violations).map((e) => ({
    side: e.side === 'only in actual' ? 'actual' : 'expected',
    count: e.count,
    account: e.account,
    amountMinor: e.amount_minor,
    currency: e.currency,
    reference: e.reference,
  }));
}
