import type { CivilDate } from '../calendar.ts';

/** One detail row: a transaction FPX settles to the merchant. */
export interface ReconRow {
  fpxTxnId: string;
  sellerOrderNo: string;
  buyerBankId: string;
  /** FPX `yyyyMMddHHmmss`, Malaysia time. */
  txnTime: string;
  amountMinor: number;
  /** Debit auth code as FPX reports it (`00` approved). */
  debitAuthCode: string;
}

export type ReconShape = 'regular' | 'holiday';

/**
 * A merchant reconciliation file, whatever its layout. `txnDates` are the transaction dates the
 * file covers, ascending: one for the regular shape, the whole window for the holiday shape.
 */
export interface ReconFile {
  shape: ReconShape;
  sellerExId: string;
  settlementDate: CivilDate;
  txnDates: CivilDate[];
  rows: ReconRow[];
}

/**
 * A reconciliation file layout: a writer and a strict parser. Plug in your own for a gateway
 * whose real layout differs; `parse` must throw IdemgateError('RECON_FILE_INVALID') naming the
 * file and line of the first problem.
 *
 * @example
 * const myFormat: ReconFormat = { name: 'acme-csv', write: (f) => …, parse: (text, fileName) => … };
 * reconFiles({ format: myFormat, … });
 */
export interface ReconFormat {
  readonly name: string;
  write(file: ReconFile): string;
  parse(text: string, fileName: string): ReconFile;
}
