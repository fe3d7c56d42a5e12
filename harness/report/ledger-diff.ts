import type { Violation } from './model.ts';

export interface LedgerDiffRow {
  side: 'expected' | 'actual';
  count: number;
  account: string;
  amountMinor: string;
  currency: string;
  reference: string;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Expected-vs-actual ledger rows, read from the differential oracle's evidence
 * (`ledger-matches-clean-replay`: rows with `side` = "only in actual" | "only in clean replay").
 */
export function ledgerDiff(violations: readonly Violation[]): LedgerDiffRow[] {
  const rows: LedgerDiffRow[] = [];
  for (const v of violations) {
    for (const e of v.evidence) {
      if (e.side !== 'only in actual' && e.side !== 'only in clean replay') continue;
      rows.push({
        side: e.side === 'only in actual' ? 'actual' : 'expected',
        count: typeof e.count === 'number' ? e.count : Number(e.count ?? 1),
        account: text(e.account),
        amountMinor: text(e.amount_minor ?? e.amountMinor),
        currency: text(e.currency),
        reference: text(e.reference),
      });
    }
  }
  return rows;
}
