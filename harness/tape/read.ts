import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { IdemgateError } from '../errors.ts';
import { exchangeSchema, tapeHeaderSchema, type Exchange, type Tape } from './schema.ts';

function issueText(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(line)'}: ${i.message}`)
    .join('; ');
}

function fail(file: string, line: number, message: string, cause?: unknown): never {
  throw new IdemgateError('TAPE_INVALID', `${file}:${line}: ${message}`, {
    cause,
    details: { file, line },
  });
}

/**
 * Parses tape text. Every problem is an IdemgateError('TAPE_INVALID') whose message starts with
 * `file:line:` so an editor or CI log jumps straight to it.
 *
 * @example
 * const tape = parseTape(text, 'fixtures/tapes/stripe.jsonl');
 */
export function parseTape(text: string, file = '<memory>'): Tape {
  // A byte-order mark (editors on Windows save one) is not part of the header's JSON.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: Tape['header'] | undefined;
  let headerLine = 1;
  const exchanges: Exchange[] = [];
  let lastSeq = 0;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      fail(file, lineNo, `not valid JSON (${(e as Error).message})`, e);
    }
    if (header === undefined) {
      const parsed = tapeHeaderSchema.safeParse(value);
      if (!parsed.success) {
        fail(file, lineNo, `bad tape header: ${issueText(parsed.error)}`, parsed.error);
      }
      header = parsed.data;
      headerLine = lineNo;
      return;
    }
    const parsed = exchangeSchema.safeParse(value);
    if (!parsed.success) fail(file, lineNo, `bad exchange: ${issueText(parsed.error)}`, parsed.error);
    const exchange = parsed.data;
    if (exchange.seq <= lastSeq) {
      fail(file, lineNo, `seq ${exchange.seq} is not greater than the previous seq ${lastSeq}`);
    }
    lastSeq = exchange.seq;
    origins.set(exchange, { file, line: lineNo });
    exchanges.push(exchange);
  });
  if (header === undefined) fail(file, 1, 'empty tape: expected a header line');
  // Nothing to replay: a scenario on it would fail later, far from the cause.
  if (exchanges.length === 0) fail(file, headerLine, 'the tape has a header but no exchanges');
  return { header, exchanges, file };
}

const origins = new WeakMap<Exchange, { file: string; line: number }>();

/**
 * Where a parsed exchange was read from (`file`, 1-based `line`), for messages a user acts on in
 * an editor: `fixtures/tapes/payments.jsonl:4`. Undefined for an exchange built in memory.
 */
export const exchangeOrigin = (exchange: Exchange): { file: string; line: number } | undefined => origins.get(exchange);

/** Keeps an exchange's origin on a copy of it (a merged tape renumbers seq). */
export function keepOrigin<E extends Exchange>(from: Exchange, to: E): E {
  const origin = origins.get(from);
  if (origin !== undefined) origins.set(to, origin);
  return to;
}

/** Reads and parses a tape file; a missing file is TAPE_NOT_FOUND naming the path. */
export async function readTape(file: string): Promise<Tape> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new IdemgateError('TAPE_NOT_FOUND', `cannot read tape ${file}: ${(e as Error).message}`, {
      cause: e,
      details: { file },
    });
  }
  return parseTape(text, file);
}

/** The raw body bytes of an exchange, honouring its encoding. */
export function exchangeBody(exchange: Exchange): Buffer {
  return exchange.bodyEncoding === 'base64'
    ? Buffer.from(exchange.body, 'base64')
    : Buffer.from(exchange.body, 'utf8');
}
