/**
 * How to read a target's ledger, whatever its schema. Either name a table and its columns, or
 * give a SQL query whose result has the columns named in `columns`.
 *
 * Amounts are either one signed column (`amount`, with `sign` saying which way is positive) or
 * a debit/credit column pair. All amounts are integers in minor units; a target that stores
 * decimals can map them in `sql` (e.g. `round(amount * 100)::bigint`).
 *
 * @example
 * ledger: {
 *   table: 'journal_lines',
 *   columns: { txnId: 'journal_id', account: 'account_code', amount: 'amount_sen',
 *              currency: 'ccy', reference: 'external_ref' },
 *   sign: 'debit-positive',
 *   cashAccounts: ['1000-bank', '1010-psp-clearing'],
 * }
 */
export interface LedgerMapping {
  /** A table (optionally schema-qualified). One of `table` or `sql`. */
  table?: string;
  /** A SELECT returning the mapped columns. One of `table` or `sql`. */
  sql?: string;
  columns: {
    txnId: string;
    account: string;
    currency: string;
    /** The column holding the provider's reference (payment intent, refund, FPX txn id, ordersn). */
    reference: string;
    /** Signed amount in minor units. Either this or debit+credit. */
    amount?: string;
    debit?: string;
    credit?: string;
  };
  /** For a signed `amount`: which direction is positive. Default `debit-positive`. */
  sign?: 'debit-positive' | 'credit-positive';
  /** Accounts that hold the merchant's money; an effect is the net movement on these. */
  cashAccounts: string[];
}

/** Where the target stores each entity's current status (for status monotonicity). */
export interface EntityMapping {
  table?: string;
  sql?: string;
  columns: { provider: string; entity: string; status: string };
  /** Map the target's status vocabulary to the provider adapter's (default: identity, case-insensitive). */
  statusMap?: Record<string, Record<string, string>>;
}
