import { formatAc } from '../providers/fpx/ac.ts';
import { FPX_AC_FIELDS } from '../providers/fpx/fields.ts';
import { parseFpxTime } from '../providers/fpx/myt-time.ts';
import { countSkip, emptySource, endpointFor, importInvalid, isoAt, parseTimestamp, type ImportTarget, type InputFile, type SourceResult } from './source.ts';

/** Malaysia time, the zone FPX's yyyyMMddHHmmss times are in. */
const MYT_MINUTES = 8 * 60;

/** A field name where a field may start: line start, or after a separator (space, comma, `&`, `;`, `?`, a quote or bracket). */
const FIELD = /(?<=^|[\s,&;?=:"'{(|])(fpx_[A-Za-z]+)[ \t]*[=:]/g;

/** A log line's leading time (after an optional `[`): `2026-03-16T10:22:57.123+08:00`, `2026-03-16 10:22:57,123`. */
const LEADING_TIME = /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:\s?(?:Z|[+-]\d{2}(?::?\d{2})?))?)(?![\d:])/;

const decodeForm = (value: string): string => {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
};

/**
 * The FPX fields on one log line, wherever the message sits in it: `fpx_a=1&fpx_b=2` (form
 * encoded, decoded) or `fpx_a=1 fpx_b=two words, fpx_c=3` (`key=value` separated by spaces or
 * commas; a value runs to the next field name). Quotes around a value are dropped. The first of
 * a repeated field wins, as FPX's form parsing does.
 */
export function fpxFieldsOf(line: string): Record<string, string> {
  const found: { name: string; start: number; valueStart: number }[] = [];
  for (const m of line.matchAll(FIELD)) {
    found.push({ name: m[1]!, start: m.index, valueStart: m.index + m[0].length });
  }
  const fields: Record<string, string> = {};
  const formEncoded = found.length > 1 && line.slice(found[0]!.valueStart, found[1]!.start).trimEnd().endsWith('&');
  found.forEach((f, k) => {
    const end = k + 1 < found.length ? found[k + 1]!.start : line.length;
    let value = line.slice(f.valueStart, end);
    if (formEncoded) {
      // The value stops at the next `&` (text after the last field's value, such as a closing quote, is not part of it).
      value = decodeForm(value.split('&', 1)[0]!.split(/[\s"']/, 1)[0]!);
    } else {
      value = value.trim().replace(/[,;&|)}]+$/, '').trim();
      const quoted = /^(["'])(.*)\1$/.exec(value);
      if (quoted !== null) value = quoted[2]!;
      else if (k + 1 === found.length) value = value.split(/[\s"']/, 1)[0] ?? '';
    }
    if (!Object.hasOwn(fields, f.name)) fields[f.name] = value;
  });
  return fields;
}

/** The AC's fields in the order FPX's specification lists them, any others after them by name: one body per message, whatever the log's order. */
export function acBody(fields: Readonly<Record<string, string>>): string {
  const known = new Set<string>(FPX_AC_FIELDS);
  const ordered: Record<string, string> = {};
  for (const name of FPX_AC_FIELDS) if (Object.hasOwn(fields, name)) ordered[name] = fields[name]!;
  for (const name of Object.keys(fields).sort()) if (!known.has(name)) ordered[name] = fields[name]!;
  return formatAc(ordered);
}

/**
 * FPX AC messages from the service's logs: on each line, the FPX message (form encoded, or
 * `key=value` pairs), after whatever prefix the logger wrote. Lines without `fpx_msgType`, and
 * messages that are not an AC (the merchant's own AR or AE), are skipped and counted. The time is
 * the line's leading timestamp when it has one (one without an offset takes `logOffsetMinutes`,
 * and is an error without it), else the AC's `fpx_fpxTxnTime` (or `fpx_sellerTxnTime`) in
 * Malaysia time. The body holds the fields in a stable order; the checksum is signed again at
 * replay.
 */
export function readFpxLog(inputs: readonly InputFile[], target: ImportTarget, options: { logOffsetMinutes?: number | undefined } = {}): SourceResult {
  const result = emptySource();
  const path = endpointFor(target, 'fpx');
  let index = 0;
  for (const { file, text } of inputs) {
    if (text.trim() === '') throw importInvalid({ file, line: 1 }, 'empty: no log lines');
    const lines = text.split('\n');
    lines.forEach((raw, k) => {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '') return;
      const origin = { file, line: k + 1 };
      if (!line.includes('fpx_')) return countSkip(result, 'log lines without an FPX message');
      const fields = fpxFieldsOf(line);
      const msgType = fields['fpx_msgType'];
      if (msgType === undefined) return countSkip(result, 'log lines without an FPX message');
      if (msgType !== 'AC') return countSkip(result, `FPX ${msgType || 'empty-type'} messages (not an AC)`);
      let at: { ms: number; iso: string };
      const leading = LEADING_TIME.exec(line);
      if (leading !== null) {
        const time = parseTimestamp(leading[1]!.replace(/\s(?=[Z+-])/, ''), options.logOffsetMinutes);
        if ('error' in time) throw importInvalid(origin, `the line's timestamp: ${time.error} (give the logs' zone with --log-offset, e.g. +08:00 or Z)`);
        at = time;
      } else {
        const name = fields['fpx_fpxTxnTime'] ? 'fpx_fpxTxnTime' : 'fpx_sellerTxnTime';
        const text = fields[name];
        const ms = text === undefined ? undefined : parseFpxTime(text);
        if (ms === undefined) {
          throw importInvalid(origin, `an FPX AC with no time: no leading timestamp, and ${name} is ${text === undefined ? 'missing' : `"${text}", not yyyyMMddHHmmss`}`);
        }
        at = { ms, iso: isoAt(ms, MYT_MINUTES) };
      }
      result.deliveries.push({
        provider: 'fpx',
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: acBody(fields),
        bodyEncoding: 'utf8',
        at: at.ms,
        recordedAt: at.iso,
        origin,
        tie: index++,
      });
    });
  }
  return result;
}
