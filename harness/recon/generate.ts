import { exchangeBody } from '../tape/read.ts';
import type { Tape } from '../tape/schema.ts';
import { fpxAmountToMinor, parseAc } from '../providers/fpx/ac.ts';
import { fpxStatus, type FpxStatus } from '../providers/fpx/fields.ts';
import { compactDate, expandDate, type CivilDate, type MalaysianCalendar } from './calendar.ts';
import type { ReconFile, ReconRow, ReconShape } from './format/types.ts';

/** An FPX transaction as a tape shows it: its last word (approved wins over pending). */
export interface FpxTransaction extends ReconRow {
  /** MYT calendar date of the transaction time. */
  txnDate: CivilDate;
  status: FpxStatus;
  sellerExId: string;
}

/** Providers whose exchanges are FPX AC form posts (Direct and Indirect AC). */
export const FPX_AC_PROVIDERS: readonly string[] = ['fpx', 'fpx-indirect'];

/**
 * Every FPX transaction on a tape (Direct or Indirect AC), in first-seen order, with its
 * final status: approved if any AC said 00, else failed if one failed, else pending.
 *
 * @example
 * fpxTransactionsOf(tape).filter((t) => t.status === 'approved');
 */
export function fpxTransactionsOf(tape: Tape): FpxTransaction[] {
  const byId = new Map<string, FpxTransaction>();
  const rank: Record<FpxStatus, number> = { pending: 0, failed: 1, approved: 2 };
  for (const exchange of tape.exchanges) {
    if (!FPX_AC_PROVIDERS.includes(exchange.provider)) continue;
    const ac = parseAc(exchangeBody(exchange));
    const id = ac['fpx_fpxTxnId'];
    const time = ac['fpx_fpxTxnTime'];
    const amount = fpxAmountToMinor(ac['fpx_txnAmount'] ?? '');
    const code = ac['fpx_debitAuthCode'];
    if (!id || !time || amount === undefined || !code) continue;
    const status = fpxStatus(code);
    const seen = byId.get(id);
    if (seen !== undefined && rank[seen.status] >= rank[status]) continue;
    byId.set(id, {
      fpxTxnId: id,
      sellerOrderNo: ac['fpx_sellerOrderNo'] ?? '',
      buyerBankId: ac['fpx_buyerBankId'] ?? '',
      txnTime: time,
      amountMinor: amount,
      debitAuthCode: code,
      txnDate: expandDate(time.slice(0, 8)),
      status,
      sellerExId: ac['fpx_sellerExId'] ?? '',
    });
  }
  return [...byId.values()];
}

const toRow = ({ fpxTxnId, sellerOrderNo, buyerBankId, txnTime, amountMinor, debitAuthCode }: ReconRow): ReconRow => ({
  fpxTxnId,
  sellerOrderNo,
  buyerBankId,
  txnTime,
  amountMinor,
  debitAuthCode,
});
const byTime = (a: ReconRow, b: ReconRow) => a.txnTime.localeCompare(b.txnTime) || a.fpxTxnId.localeCompare(b.fpxTxnId);

export interface FileOptions {
  /** Force a layout; default: what the calendar implies for the settlement date. */
  shape?: ReconShape;
  /** Default: the transactions' own sellerExId, else `EX00000000`. */
  sellerExId?: string;
}

/**
 * The reconciliation file(s) FPX would send for one settlement date: its approved transactions
 * (T+1 business day) in the calendar's shape. Forcing `regular` on a holiday window gives the
 * equivalent regular files, one per transaction date; forcing `holiday` on a regular window gives
 * a one-date holiday-shaped file.
 *
 * @example
 * reconFilesFor(fpxTransactionsOf(tape), createMalaysianCalendar(), '2026-03-16'); // [holiday file]
 */
export function reconFilesFor(
  transactions: readonly FpxTransaction[],
  calendar: MalaysianCalendar,
  settlementDate: CivilDate,
  options: FileOptions = {},
): ReconFile[] {
  const txnDates = calendar.windowOf(settlementDate);
  const rows = transactions
    .filter((t) => t.status === 'approved' && txnDates.includes(t.txnDate))
    .map(toRow)
    .sort(byTime);
  const sellerExId = options.sellerExId ?? transactions.find((t) => t.sellerExId !== '')?.sellerExId ?? 'EX00000000';
  const shape = options.shape ?? calendar.shapeOf(settlementDate);
  const file: ReconFile = { shape: 'holiday', sellerExId, settlementDate, txnDates, rows };
  return shape === 'holiday' ? [file] : equivalentRegularFiles(file);
}

/** A holiday-shaped file as the regular files that say the same: one per transaction date, same settlement date. */
export function equivalentRegularFiles(file: ReconFile): ReconFile[] {
  if (file.shape === 'regular') return [file];
  return file.txnDates.map((date) => ({
    shape: 'regular' as const,
    sellerExId: file.sellerExId,
    settlementDate: file.settlementDate,
    txnDates: [date],
    rows: file.rows.filter((r) => r.txnTime.startsWith(compactDate(date))),
  }));
}

/** The settlement dates (business days) whose windows hold any of the transactions, ascending. */
export function settlementDatesOf(transactions: readonly FpxTransaction[], calendar: MalaysianCalendar): CivilDate[] {
  return [...new Set(transactions.filter((t) => t.status === 'approved').map((t) => calendar.settlementDate(t.txnDate)))].sort();
}

/** `FPX_EX00011235_20260316_H.txt`; regular files of a split holiday window also name their date. */
export function reconFileName(file: ReconFile): string {
  const base = `FPX_${file.sellerExId}_${compactDate(file.settlementDate)}`;
  if (file.shape === 'holiday') return `${base}_H.txt`;
  const txnDate = file.txnDates[0]!;
  return `${base}_R${txnDate === previousCalendarDay(file.settlementDate) ? '' : `_${compactDate(txnDate)}`}.txt`;
}

const previousCalendarDay = (date: CivilDate): CivilDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
