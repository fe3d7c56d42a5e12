import { IdemgateError } from '../../errors.ts';
import { exchangeBody } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';

/** Where an exchange came from, for messages: `fixtures/tapes/fpx.jsonl seq 12`. */
export function exchangeLocation(exchange: Exchange, tape?: Pick<Tape, 'file'>): string {
  return `${tape?.file ?? '<memory>'} seq ${exchange.seq}`;
}

/** A PROVIDER_BAD_EXCHANGE error naming the tape file and the exchange's seq. */
export function badExchange(
  provider: string,
  exchange: Exchange,
  tape: Pick<Tape, 'file'> | undefined,
  message: string,
  cause?: unknown,
): IdemgateError {
  return new IdemgateError('PROVIDER_BAD_EXCHANGE', `${exchangeLocation(exchange, tape)}: ${provider}: ${message}`, {
    cause,
    details: { file: tape?.file, seq: exchange.seq, provider },
  });
}

/** A SIGNING_FAILED error naming the exchange and what is missing. */
export function signingFailed(provider: string, exchange: Exchange, message: string, cause?: unknown): IdemgateError {
  return new IdemgateError('SIGNING_FAILED', `seq ${exchange.seq}: ${provider}: ${message}`, {
    cause,
    details: { seq: exchange.seq, provider },
  });
}

export function requireSecret(
  provider: string,
  exchange: Exchange,
  secrets: Readonly<Record<string, string>>,
  key: string,
): string {
  const value = secrets[key];
  if (typeof value !== 'string' || value === '') {
    throw signingFailed(
      provider,
      exchange,
      `secret '${key}' is missing (configure providers.${provider}.${key}; have: ${Object.keys(secrets).join(', ') || 'none'})`,
    );
  }
  return value;
}

export const bodyText = (exchange: Exchange): string => exchangeBody(exchange).toString('utf8');

/** Parses a JSON body into a plain object, or throws PROVIDER_BAD_EXCHANGE. */
export function jsonObjectBody(
  provider: string,
  exchange: Exchange,
  tape: Pick<Tape, 'file'> | undefined,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bodyText(exchange));
  } catch (e) {
    throw badExchange(provider, exchange, tape, `body is not valid JSON (${(e as Error).message})`, e);
  }
  if (!isRecord(value)) throw badExchange(provider, exchange, tape, 'body is not a JSON object');
  return value;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Headers the HTTP client computes itself, or that the provider signs afresh.
const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/**
 * The recorded request headers worth sending again (lower-cased), without hop-by-hop headers and
 * without the ones the provider re-signs.
 */
export function replayHeaders(exchange: Exchange, resigned: readonly string[]): Record<string, string> {
  const drop = new Set([...HOP_BY_HOP, ...resigned.map((h) => h.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(exchange.headers)) {
    const lower = name.toLowerCase();
    if (drop.has(lower)) continue;
    out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export const is2xx = (status: number): boolean => status >= 200 && status < 300;
