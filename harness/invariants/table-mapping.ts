/** Where a mapping reads from: a table (optionally schema-qualified) or a SELECT; exactly one. */
export interface TableSource {
  /** A table (optionally schema-qualified). One of `table` or `sql`. */
  table?: string;
  /** A SELECT returning the mapped columns. One of `table` or `sql`. */
  sql?: string;
}

/**
 * A table or a SELECT, and the column holding each key: the shape the ledger, entity and
 * reconciliation mappings share.
 *
 * @example
 * const matches: TableMapping<'reference' | 'settlementDate'> = { table: 'recon_matches', columns: { reference: 'fpx_txn_id', settlementDate: 'settled_on' } };
 */
export interface TableMapping<K extends string> extends TableSource {
  columns: Record<K, string>;
}

/** Any mapping, some of whose columns may be optional (the ledger's amount or debit/credit). */
export type AnyTableMapping = TableSource & { readonly columns: Readonly<Partial<Record<string, string>>> };
