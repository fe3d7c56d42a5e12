import { parse as parseCsv } from 'csv-parse/sync';
import { didYouMean } from '../_internals/suggest.ts';
import { parseSpan, splitJsonValues } from './json-text.ts';
import {
  defaultContentType,
  emptySource,
  endpointFor,
  importInvalid,
  keptHeaders,
  parseTimestamp,
  type ImportTarget,
  type InputFile,
  type Origin,
  type SourceResult,
} from './source.ts';

/** Which columns of the service's inbox export hold what (`--body-column payload`, …). */
export interface InboxColumns {
  body: string;
  /** A JSON object of header names to values; absent: no recorded headers. */
  headers?: string | undefined;
  receivedAt: string;
  /** The provider of each row; or `provider` for every row. */
  providerColumn?: string | undefined;
  provider?: string | undefined;
  /** The headers column was named on purpose: a file without it is an error (else it is optional). */
  requireHeaders?: boolean | undefined;
}

export const DEFAULT_INBOX_COLUMNS: Readonly<InboxColumns> = Object.freeze({
  body: 'body',
  headers: 'headers',
  receivedAt: 'received_at',
  providerColumn: 'provider',
});

interface Row {
  values: Record<string, unknown>;
  origin: Origin;
}

function csvRows(file: string, text: string): { rows: Row[]; columns: string[] } {
  let records: { record: Record<string, string>; raw: string; info: { lines: number; columns: { name: string }[] } }[];
  try {
    records = parseCsv(text, { columns: true, info: true, raw: true, skip_empty_lines: true, bom: true }) as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    const code = (e as { code?: string }).code;
    const what = code === 'CSV_QUOTE_NOT_CLOSED' ? 'truncated: a quoted field is never closed' : 'not valid CSV';
    throw importInvalid({ file, line }, `${what} (${(e as Error).message})`);
  }
  const rows = records.map(({ record, raw, info }) => {
    // info.lines is the line a record ends on; a quoted body may span several.
    const inner = raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
    const spanned = inner.split('\n').length - 1;
    return { values: record, origin: { file, line: info.lines - spanned } };
  });
  return { rows, columns: records[0]?.info.columns.map((c) => c.name) ?? [] };
}

/** A JSON array of row objects (`json_agg`, most admin tools' "export as JSON"), each with the line it starts on. */
function jsonArrayRows(file: string, text: string): Row[] {
  const spans = splitJsonValues(file, text, []);
  if (spans.length !== 1) throw importInvalid({ file, line: spans[1]?.line ?? 1 }, 'expected one JSON array of rows');
  const span = spans[0]!;
  const rows = parseSpan(file, text, span) as unknown[];
  return rows.map((value, k) => {
    const origin = { file, line: span.itemLines[k] ?? span.line };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw importInvalid(origin, 'a row must be a JSON object');
    return { values: value as Record<string, unknown>, origin };
  });
}

function jsonlRows(file: string, text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const origin = { file, line: index + 1 };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      const last = lines.slice(index + 1).every((l) => l.trim() === '');
      throw importInvalid(origin, `${last ? 'truncated: the last line is not complete JSON' : 'not valid JSON'} (${(e as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw importInvalid(origin, 'a JSONL row must be a JSON object');
    rows.push({ values: value as Record<string, unknown>, origin });
  });
  return rows;
}

const isJsonl = (file: string, text: string): boolean =>
  /\.(jsonl|ndjson|json)$/i.test(file) || (!/\.csv$/i.test(file) && /^\s*\{/.test(text));

function headersOf(value: unknown, origin: Origin, column: string): Record<string, string | string[]> {
  if (value === undefined || value === null || value === '') return {};
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      throw importInvalid(origin, `column ${column}: headers are not a JSON object (${(e as Error).message})`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw importInvalid(origin, `column ${column}: headers are not a JSON object`);
  const pairs: [string, string][] = [];
  for (const [name, v] of Object.entries(parsed)) {
    for (const item of Array.isArray(v) ? (v as unknown[]) : [v]) {
      if (typeof item !== 'string' && typeof item !== 'number') throw importInvalid(origin, `column ${column}: header ${name} is not a string`);
      pairs.push([name, String(item)]);
    }
  }
  return keptHeaders(pairs);
}

/**
 * The service's own stored webhooks: a CSV (RFC 4180, a header row), JSONL or JSON array export
 * of its inbox table. Columns are named by `columns`; a body is kept byte for byte when it is text, and a JSON
 * object (JSONL) is written as the provider sends it (Stripe pretty-prints with two spaces, the
 * others send compact JSON). Each row is a delivery: a row twice is a redelivery the service
 * stored twice.
 */
export function readInbox(inputs: readonly InputFile[], target: ImportTarget, columns: InboxColumns): SourceResult {
  const result = emptySource();
  let index = 0;
  for (const { file, text } of inputs) {
    let rows: Row[];
    if (/^\s*\[/.test(text)) rows = jsonArrayRows(file, text);
    else if (isJsonl(file, text)) rows = jsonlRows(file, text);
    else {
      const csv = csvRows(file, text);
      rows = csv.rows;
      const named = [
        columns.body,
        columns.receivedAt,
        ...(columns.provider === undefined ? [columns.providerColumn] : []),
        ...(columns.requireHeaders === true ? [columns.headers] : []),
      ];
      for (const column of named) {
        if (column !== undefined && csv.rows.length > 0 && !csv.columns.includes(column)) {
          throw importInvalid({ file, line: 1 }, `no column "${column}"${didYouMean(column, csv.columns)} (columns: ${csv.columns.join(', ')})`);
        }
      }
    }
    if (rows.length === 0) throw importInvalid({ file, line: 1 }, 'empty: no rows');
    for (const { values, origin } of rows) {
      const field = (column: string): unknown => {
        if (!Object.hasOwn(values, column)) {
          throw importInvalid(origin, `no column "${column}"${didYouMean(column, Object.keys(values))} (this row has: ${Object.keys(values).join(', ')})`);
        }
        return values[column];
      };
      const provider = columns.provider ?? field(columns.providerColumn ?? 'provider');
      if (typeof provider !== 'string' || provider === '') throw importInvalid(origin, `column ${columns.providerColumn}: no provider name`);
      const rawBody = field(columns.body);
      let body: string;
      if (typeof rawBody === 'string') body = rawBody;
      else if (typeof rawBody === 'object' && rawBody !== null) body = provider === 'stripe' ? JSON.stringify(rawBody, null, 2) : JSON.stringify(rawBody);
      else throw importInvalid(origin, `column ${columns.body}: no body`);
      const time = parseTimestamp(field(columns.receivedAt));
      if ('error' in time) throw importInvalid(origin, `column ${columns.receivedAt}: ${time.error}`);
      const headersColumn = columns.headers;
      const headers =
        headersColumn !== undefined && (columns.requireHeaders === true || Object.hasOwn(values, headersColumn))
          ? headersOf(field(headersColumn), origin, headersColumn)
          : {};
      headers['content-type'] ??= defaultContentType(provider, body);
      result.deliveries.push({
        provider,
        method: 'POST',
        path: endpointFor(target, provider),
        headers,
        body,
        bodyEncoding: 'utf8',
        at: time.ms,
        recordedAt: time.iso,
        origin,
        tie: index++,
      });
    }
  }
  return result;
}
