import { factsKey } from '../invariants/facts.ts';
import type { CivilDate } from './calendar.ts';
import type { ReconRow, ReconShape } from './format/types.ts';
import type { LedgerMapping } from '../invariants/ledger-mapping.ts';
import { mappedViewSql, type TableMapping } from '../invariants/table-mapping.ts';

/** Where the target keeps one kind of reconciliation outcome: a table and its columns, or a SELECT. */
export type ReconTableMapping<K extends string> = TableMapping<K>;

/** How the reconciliation invariants read the target's books. */
export interface ReconMapping {
  /** Rows the target settled: the FPX transaction id and the settlement date (`YYYY-MM-DD`) it settled under. */
  matches: ReconTableMapping<'reference' | 'settlementDate'>;
  /** Rows the target reported as exceptions, by FPX transaction id. */
  exceptions: ReconTableMapping<'reference'>;
  /** The ledger account a settlement moves money into (the bank). */
  settlementAccount: string;
  /**
   * The whole books, settlements included. Default: the config's ledger mapping. A target whose
   * settlement is a second transaction under the payment's reference keeps it out of the
   * config's mapping (so exactly-once-effect counts the payment alone) and names it here.
   */
  ledger?: LedgerMapping;
}

/** One file as delivered, with the rows it carried and where they came from. */
export interface DeliveredReconFile {
  name: string;
  settlementDate: CivilDate;
  shape: ReconShape;
  /** What the calendar implies for this settlement date (differs when the draw swapped shapes). */
  naturalShape: ReconShape;
  rows: (ReconRow & { txnDate: CivilDate; foreign: boolean })[];
  /** HTTP status of each delivery of this file (first, duplicates, re-ingest). */
  statuses: number[];
}

/** A comparable picture of the target's reconciliation state. */
export interface ReconSnapshot {
  /** `account|amount|reference` per ledger row, sorted. */
  ledger: string[];
  /** `reference|settlementDate` per match, sorted. */
  matches: string[];
  /** reference per exception, sorted. */
  exceptions: string[];
}

/** What the reconFiles extension hands its invariants (`ctx.facts(RECON_FACTS)`). */
export interface ReconFacts {
  mapping: ReconMapping;
  files: DeliveredReconFile[];
  /** Before and after delivering every file once more. */
  reingest: { before: ReconSnapshot; after: ReconSnapshot };
}

/** The key the reconFiles extension publishes its facts under. */
export const RECON_FACTS = factsKey<ReconFacts>('recon-files');

/**
 * A SELECT with the mapping's columns, as text, renamed to the given keys. The reconFiles
 * extension checks the mapping against the database (`createMappedView`) before any of this runs.
 */
export const mappedView = <K extends string>(m: ReconTableMapping<K>): string => mappedViewSql(m);
