import { IdemgateError } from '../../errors.ts';
import { minorToFpxAmount } from '../../providers/fpx/ac.ts';
import { parseFpxTime } from '../../providers/fpx/myt-time.ts';
import { expandDate, type CivilDate } from '../calendar.ts';

/** A line of a file, 1-based, split on `|`. */
export interface Record_ {
  line: number;
  fields: string[];
}

export function invalid(fileName: string, line: number, message: string): IdemgateError {
  return new IdemgateError('RECON_FILE_INVALID', `${fileName}:${line}: ${message}`, { details: { file: fileName, line } });
}

/**
 * Splits a file into `|` records. Strict: LF or CRLF line ends, a final line end (a file cut
 * mid-line is truncated), no blank lines.
 */
export function records(text: string, fileName: string): Record_[] {
  if (text.length === 0) throw invalid(fileName, 1, 'file is empty (expected a header record)');
  const lines = text.split(/\r?\n/);
  const last = lines.pop();
  if (last !== '') throw invalid(fileName, lines.length + 1, `last line "${last}" has no line end: file is truncated`);
  return lines.map((l, i) => {
    if (l === '') throw invalid(fileName, i + 1, 'blank line');
    return { line: i + 1, fields: l.split('|') };
  });
}

const AMOUNT = /^(0|[1-9]\d{0,12})\.(\d{2})$/;
const SEN = /^(0|[1-9]\d{0,15})$/;
const YMD = /^\d{8}$/;

export function amountField(fileName: string, r: Record_, i: number, what: string): number {
  const v = r.fields[i] ?? '';
  const m = AMOUNT.exec(v);
  if (m === null) throw invalid(fileName, r.line, `${what} "${v}" is not an RM amount like 150.00`);
  return Number(m[1]) * 100 + Number(m[2]);
}

export function senField(fileName: string, r: Record_, i: number, what: string): number {
  const v = r.fields[i] ?? '';
  if (!SEN.test(v) || !Number.isSafeInteger(Number(v))) throw invalid(fileName, r.line, `${what} "${v}" is not a whole number`);
  return Number(v);
}

export function dateField(fileName: string, r: Record_, i: number, what: string): CivilDate {
  const v = r.fields[i] ?? '';
  const date = expandDate(v);
  if (!YMD.test(v) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw invalid(fileName, r.line, `${what} "${v}" is not a date yyyyMMdd`);
  }
  return date;
}

export function timeField(fileName: string, r: Record_, i: number): string {
  const v = r.fields[i] ?? '';
  if (parseFpxTime(v) === undefined) throw invalid(fileName, r.line, `transaction time "${v}" is not yyyyMMddHHmmss`);
  return v;
}

export function textField(fileName: string, r: Record_, i: number, what: string): string {
  const v = r.fields[i] ?? '';
  if (v === '') throw invalid(fileName, r.line, `${what} is empty`);
  return v;
}

export function expectFields(fileName: string, r: Record_, n: number, what: string): void {
  if (r.fields.length !== n) {
    throw invalid(fileName, r.line, `${what} record has ${r.fields.length} fields, expected ${n} ("${r.fields.join('|')}")`);
  }
}

/** Field text must not contain the separator or a line end. */
export function cell(value: string, what: string): string {
  if (/[|\r\n]/.test(value)) throw new IdemgateError('RECON_FILE_INVALID', `${what} "${value}" contains | or a line end`);
  return value;
}

export const money = (sen: number): string => minorToFpxAmount(sen);
