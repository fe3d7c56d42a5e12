import { IdemgateError } from '../errors.ts';
import { MASK, maskDeep } from '../_internals/mask.ts';
import type { RecordedResponse } from '../tape/schema.ts';

/** One input file's text and the name messages use for it (`incident/page-2.json`). */
export interface InputFile {
  file: string;
  text: string;
}

/** Where a delivery was read from, for messages a user acts on in an editor: `export.csv:14`. */
export interface Origin {
  file: string;
  line: number;
}

/** One delivery found in an input, before it is ordered and numbered into a tape. */
export interface ImportedDelivery {
  provider: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string | string[]>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** Arrival (or provider) time in ms since epoch: the tape is ordered by it. */
  at: number;
  /** The same time as the tape writes it: ISO 8601 with an offset. */
  recordedAt: string;
  durationMs?: number;
  response?: RecordedResponse;
  origin: Origin;
  /** Breaks ties between equal `at` (default: the order the source found them in). */
  tie: number;
}

/** What one input kind read: its deliveries and what it left out, for the summary line. */
export interface SourceResult {
  deliveries: ImportedDelivery[];
  /** Input items that are not deliveries to a webhook endpoint, by reason (`HAR entries on no endpoint`). */
  skipped: Record<string, number>;
  /** Copies of one event that are not deliveries (an event on two overlapping list pages), dropped. */
  overlapsDropped: number;
  /** Things the user should know that are not errors (no list page says has_more: false). */
  notes: string[];
}

/** Where each provider delivers, and which providers the config knows. */
export interface ImportTarget {
  endpoints: Readonly<Record<string, string>>;
  /** Provider names the config (or, without one, idemgate) knows; anything else is an error. */
  known: readonly string[];
}

/**
 * The paths idemgate's reference service takes each provider's deliveries on: what a delivery is
 * sent to when no config names the endpoint.
 */
export const DEFAULT_ENDPOINTS: Readonly<Record<string, string>> = Object.freeze({
  stripe: '/webhooks/stripe',
  shopee: '/webhooks/shopee',
  fpx: '/webhooks/fpx/direct-ac',
  'fpx-indirect': '/payments/fpx/indirect-ac',
  billplz: '/webhooks/billplz',
});

export const endpointFor = (target: ImportTarget, provider: string): string =>
  target.endpoints[provider] ?? DEFAULT_ENDPOINTS[provider] ?? `/webhooks/${provider}`;

/** A bad input: TAPE_INVALID whose message starts with `file:line:`, as a bad tape line is reported. */
export function importInvalid(origin: Origin, message: string, cause?: unknown): IdemgateError<'TAPE_INVALID'> {
  return new IdemgateError('TAPE_INVALID', `${origin.file}:${origin.line}: ${message}`, {
    cause,
    details: { file: origin.file, line: origin.line },
  });
}

const two = (n: number): string => String(n).padStart(2, '0');

/** ms since epoch → ISO 8601 at an offset from UTC: `isoAt(0, 480)` is `1970-01-01T08:00:00.000+08:00`. */
export function isoAt(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** `Z`, `+08`, `+0800`, `+08:00` → minutes east of UTC; undefined for anything else. */
export function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (m === null) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A recorded time: ISO 8601 / RFC 3339 (`T` or a space, any fraction, an offset), or a Unix time
 * in seconds or milliseconds. A time without an offset takes `assumedOffset` (minutes) when given;
 * otherwise it is ambiguous and the answer says so.
 */
export function parseTimestamp(value: unknown, assumedOffset?: number): { ms: number; iso: string } | { error: string } {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return { error: `${JSON.stringify(value)} is not a time` };
    // Seconds until the year 5138; milliseconds after.
    const ms = n < 1e11 ? Math.round(n * 1000) : Math.round(n);
    return { ms, iso: isoAt(ms) };
  }
  if (typeof value !== 'string') return { error: `${JSON.stringify(value) ?? String(value)} is not a time` };
  const m = TIMESTAMP.exec(value.trim());
  if (m === null) return { error: `"${value}" is not an ISO 8601 time (2026-03-16T10:22:57+08:00) or a Unix time` };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offset = m[8] === undefined ? assumedOffset : parseOffset(m[8]);
  if (offset === undefined) {
    return { error: m[8] === undefined ? `"${value}" has no UTC offset, so the instant is ambiguous` : `"${value}" has a bad UTC offset` };
  }
  const fractionMs = Number(`0.${m[7] ?? '0'}`) * 1000;
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(local);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 60) {
    return { error: `"${value}" is not a real date and time` };
  }
  const ms = Math.round(local + fractionMs) - offset * 60_000;
  return { ms, iso: isoAt(ms, offset) };
}

/**
 * Whether a header carries a credential (`authorization`, `cookie`, `stripe-signature`, …):
 * decided by the one masking function every tape write goes through, so the importer drops
 * exactly what writeTape would mask. Replay re-signs, so nothing is lost.
 */
export const isCredentialHeader = (name: string): boolean => maskDeep({ [name]: '-' })[name] === MASK;

/**
 * Request headers worth keeping in a tape: names lower-cased, repeated names as arrays, HTTP/2
 * pseudo-headers (`:authority`) and credential headers left out.
 */
export function keptHeaders(pairs: Iterable<readonly [string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    if (name.startsWith(':') || isCredentialHeader(name)) continue;
    const had = out[name];
    out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** The content type a provider's deliveries carry when an input does not say. */
export function defaultContentType(provider: string, body: string): string {
  if (provider === 'fpx' || provider === 'fpx-indirect' || provider === 'billplz') return 'application/x-www-form-urlencoded';
  return /^\s*[[{]/.test(body) ? 'application/json' : 'text/plain';
}

/** An empty summary of a source, to fill in. */
export const emptySource = (): SourceResult => ({ deliveries: [], skipped: {}, overlapsDropped: 0, notes: [] });

export function countSkip(result: SourceResult, reason: string): void {
  result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
}
