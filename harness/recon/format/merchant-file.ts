/**
 * The modelled FPX merchant reconciliation file (its layout is not published; merchants report
 * two shapes). `|`-delimited, one record per line, LF line ends:
 *
 *   regular  H|sellerExId|settlementDate|txnDate
 *            D|seq|fpxTxnId|sellerOrderNo|buyerBankId|txnTime|amount|debitAuthCode
 *            T|count|totalSen
 *
 *   holiday  H|sellerExId|settlementDate|fromDate|toDate
 *            D|seq|txnDate|fpxTxnId|sellerOrderNo|buyerBankId|txnTime|amount|debitAuthCode   (columns shift)
 *            S|txnDate|count|totalSen                                                          (after each date's rows)
 *            T|count|totalSen
 *
 * Dates are yyyyMMdd, times yyyyMMddHHmmss (both Malaysia time), amounts RM with two decimals,
 * subtotals and totals in sen.
 */
import { compactDate, expandDate } from '../calendar.ts';
import {
  amountField,
  cell,
  dateField,
  expectFields,
  invalid,
  money,
  records,
  senField,
  textField,
  timeField,
  type Record_,
} from './lines.ts';
import type { ReconFile, ReconFormat, ReconRow, ReconShape } from './types.ts';

const sum = (rows: readonly ReconRow[]) => rows.reduce((t, r) => t + r.amountMinor, 0);
const rowDate = (r: ReconRow) => expandDate(r.txnTime.slice(0, 8));

function detailCells(r: ReconRow): string[] {
  return [
    cell(r.fpxTxnId, 'fpxTxnId'),
    cell(r.sellerOrderNo, 'sellerOrderNo'),
    cell(r.buyerBankId, 'buyerBankId'),
    cell(r.txnTime, 'txnTime'),
    money(r.amountMinor),
    cell(r.debitAuthCode, 'debitAuthCode'),
  ];
}

export function writeRegular(file: ReconFile): string {
  if (file.txnDates.length !== 1) throw invalid('<writer>', 0, `a regular file covers one transaction date, got ${file.txnDates.length}`);
  const lines = [`H|${cell(file.sellerExId, 'sellerExId')}|${compactDate(file.settlementDate)}|${compactDate(file.txnDates[0]!)}`];
  file.rows.forEach((r, i) => lines.push(['D', String(i + 1), ...detailCells(r)].join('|')));
  lines.push(`T|${file.rows.length}|${sum(file.rows)}`);
  return `${lines.join('\n')}\n`;
}

export function writeHoliday(file: ReconFile): string {
  const dates = file.txnDates;
  if (dates.length === 0) throw invalid('<writer>', 0, 'a holiday file covers at least one transaction date');
  const lines = [
    `H|${cell(file.sellerExId, 'sellerExId')}|${compactDate(file.settlementDate)}|${compactDate(dates[0]!)}|${compactDate(dates.at(-1)!)}`,
  ];
  let seq = 0;
  for (const date of dates) {
    const rows = file.rows.filter((r) => rowDate(r) === date);
    for (const r of rows) lines.push(['D', String(++seq), compactDate(date), ...detailCells(r)].join('|'));
    lines.push(`S|${compactDate(date)}|${rows.length}|${sum(rows)}`);
  }
  if (seq !== file.rows.length) {
    const stray = file.rows.find((r) => !dates.includes(rowDate(r)));
    throw invalid('<writer>', 0, `row ${stray?.fpxTxnId} is dated ${stray ? rowDate(stray) : '?'}, outside the file's dates ${dates.join(', ')}`);
  }
  lines.push(`T|${seq}|${sum(file.rows)}`);
  return `${lines.join('\n')}\n`;
}

function notTrailer(fileName: string, r: Record_): void {
  if (r.fields[0] === 'T') throw invalid(fileName, r.line, `trailer (T) at line ${r.line} is followed by more records`);
}

function detail(fileName: string, r: Record_, at: number): ReconRow {
  return {
    fpxTxnId: textField(fileName, r, at, 'fpxTxnId'),
    sellerOrderNo: textField(fileName, r, at + 1, 'sellerOrderNo'),
    buyerBankId: textField(fileName, r, at + 2, 'buyerBankId'),
    txnTime: timeField(fileName, r, at + 3),
    amountMinor: amountField(fileName, r, at + 4, 'amount'),
    debitAuthCode: textField(fileName, r, at + 5, 'debit auth code'),
  };
}

function checkSeq(fileName: string, r: Record_, expected: number): void {
  if (r.fields[1] !== String(expected)) throw invalid(fileName, r.line, `sequence number "${r.fields[1]}", expected ${expected}`);
}

function trailer(fileName: string, recs: Record_[], rows: ReconRow[]): void {
  const t = recs.at(-1)!;
  if (t.fields[0] !== 'T') {
    throw invalid(fileName, t.line + 1, `file ends at line ${t.line} without a trailer (T) record: truncated?`);
  }
  expectFields(fileName, t, 3, 'trailer');
  const count = senField(fileName, t, 1, 'trailer count');
  const total = senField(fileName, t, 2, 'trailer total');
  if (count !== rows.length) throw invalid(fileName, t.line, `trailer count ${count} but the file has ${rows.length} detail rows`);
  if (total !== sum(rows)) throw invalid(fileName, t.line, `trailer total ${total} sen but the detail rows sum to ${sum(rows)} sen`);
}

function header(fileName: string, recs: Record_[], shape: ReconShape): Record_ {
  const h = recs[0];
  if (h === undefined || h.fields[0] !== 'H') throw invalid(fileName, 1, `first record is "${h?.fields[0] ?? ''}", expected a header (H)`);
  const n = shape === 'regular' ? 4 : 5;
  if (h.fields.length !== n) {
    const other = h.fields.length === 4 ? 'regular' : h.fields.length === 5 ? 'holiday' : undefined;
    const hint = other && other !== shape ? ` (this looks like a ${other}-shaped file)` : '';
    throw invalid(fileName, 1, `${shape} header has ${h.fields.length} fields, expected ${n}${hint}`);
  }
  if (recs.length < 2) throw invalid(fileName, 2, 'file ends after the header: truncated?');
  return h;
}

export function parseRegular(text: string, fileName: string): ReconFile {
  const recs = records(text, fileName);
  const h = header(fileName, recs, 'regular');
  const sellerExId = textField(fileName, h, 1, 'sellerExId');
  const settlementDate = dateField(fileName, h, 2, 'settlement date');
  const txnDate = dateField(fileName, h, 3, 'transaction date');
  const rows: ReconRow[] = [];
  for (const r of recs.slice(1, -1)) {
    notTrailer(fileName, r);
    if (r.fields[0] !== 'D') throw invalid(fileName, r.line, `unexpected "${r.fields[0]}" record in a regular file (expected D)`);
    expectFields(fileName, r, 8, 'detail');
    checkSeq(fileName, r, rows.length + 1);
    rows.push(detail(fileName, r, 2));
  }
  trailer(fileName, recs, rows);
  return { shape: 'regular', sellerExId, settlementDate, txnDates: [txnDate], rows };
}

export function parseHoliday(text: string, fileName: string): ReconFile {
  const recs = records(text, fileName);
  const h = header(fileName, recs, 'holiday');
  const sellerExId = textField(fileName, h, 1, 'sellerExId');
  const settlementDate = dateField(fileName, h, 2, 'settlement date');
  const from = dateField(fileName, h, 3, 'from date');
  const to = dateField(fileName, h, 4, 'to date');
  if (to < from) throw invalid(fileName, 1, `to date ${to} is before from date ${from}`);
  const rows: ReconRow[] = [];
  const txnDates: string[] = [];
  let open: ReconRow[] = [];
  let openDate: string | undefined;
  for (const r of recs.slice(1, -1)) {
    notTrailer(fileName, r);
    if (r.fields[0] === 'D') {
      expectFields(fileName, r, 9, 'detail');
      checkSeq(fileName, r, rows.length + 1);
      const date = dateField(fileName, r, 2, 'transaction date');
      const row = detail(fileName, r, 3);
      if (rowDate(row) !== date) throw invalid(fileName, r.line, `transaction date ${compactDate(date)} but time ${row.txnTime} is on ${compactDate(rowDate(row))}`);
      if (openDate !== undefined && date !== openDate) throw invalid(fileName, r.line, `row dated ${compactDate(date)} before the subtotal (S) of ${compactDate(openDate)}`);
      if (date < from || date > to) throw invalid(fileName, r.line, `row dated ${compactDate(date)} outside the header's ${compactDate(from)}–${compactDate(to)}`);
      openDate = date;
      open.push(row);
      rows.push(row);
    } else if (r.fields[0] === 'S') {
      expectFields(fileName, r, 4, 'subtotal');
      const date = dateField(fileName, r, 1, 'subtotal date');
      if (openDate !== undefined && date !== openDate) throw invalid(fileName, r.line, `subtotal for ${compactDate(date)} closes rows dated ${compactDate(openDate)}`);
      if (txnDates.length > 0 && date <= txnDates.at(-1)!) throw invalid(fileName, r.line, `subtotal for ${compactDate(date)} is out of order or repeated`);
      if (date < from || date > to) throw invalid(fileName, r.line, `subtotal dated ${compactDate(date)} outside the header's ${compactDate(from)}–${compactDate(to)}`);
      const count = senField(fileName, r, 2, 'subtotal count');
      const total = senField(fileName, r, 3, 'subtotal total');
      if (count !== open.length) throw invalid(fileName, r.line, `subtotal count ${count} for ${compactDate(date)} but ${open.length} rows precede it`);
      if (total !== sum(open)) throw invalid(fileName, r.line, `subtotal ${total} sen for ${compactDate(date)} but its rows sum to ${sum(open)} sen`);
      txnDates.push(date);
      open = [];
      openDate = undefined;
    } else {
      throw invalid(fileName, r.line, `unexpected "${r.fields[0]}" record in a holiday file (expected D or S)`);
    }
  }
  const last = recs.at(-1)!;
  if (open.length > 0 && last.fields[0] === 'T') throw invalid(fileName, last.line, `rows dated ${compactDate(openDate!)} have no subtotal (S) before the trailer`);
  trailer(fileName, recs, rows);
  if (txnDates[0] !== from || txnDates.at(-1) !== to) {
    throw invalid(fileName, last.line, `subtotals cover ${txnDates.map(compactDate).join(', ') || 'no date'}, header says ${compactDate(from)}–${compactDate(to)}`);
  }
  return { shape: 'holiday', sellerExId, settlementDate, txnDates, rows };
}

/** The shape a file's header announces: 4 header fields regular, 5 holiday. */
export function detectShape(text: string, fileName: string): ReconShape {
  if (text.length === 0) throw invalid(fileName, 1, 'file is empty (expected a header record)');
  const end = text.indexOf('\n');
  const first = (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '').split('|');
  if (first[0] !== 'H') throw invalid(fileName, 1, `first record is "${first[0]}", expected a header (H)`);
  if (first.length === 4) return 'regular';
  if (first.length === 5) return 'holiday';
  throw invalid(fileName, 1, `header "${first.join('|')}" is neither a regular (4 fields) nor a holiday (5 fields) header`);
}

/** Regular shape only. */
export const fpxRegularFormat: ReconFormat = { name: 'fpx-merchant-regular', write: writeRegular, parse: parseRegular };
/** Holiday shape only. */
export const fpxHolidayFormat: ReconFormat = { name: 'fpx-merchant-holiday', write: writeHoliday, parse: parseHoliday };

/**
 * Both shapes: writes the shape `file.shape` says, parses whichever shape the header announces.
 *
 * @example
 * const file = fpxMerchantFormat.parse(readFileSync(path, 'utf8'), path);
 * file.shape; // 'holiday'
 */
export const fpxMerchantFormat: ReconFormat = {
  name: 'fpx-merchant',
  write: (file) => (file.shape === 'holiday' ? writeHoliday(file) : writeRegular(file)),
  parse: (text, fileName) => (detectShape(text, fileName) === 'holiday' ? parseHoliday(text, fileName) : parseRegular(text, fileName)),
};
