import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { exchangeBody, parseTape, readTape } from './read.ts';

const header = { format: 'idemgate-tape', version: 1, name: 't', createdAt: '2026-03-09T10:00:00.000+08:00' };
const exchange = (seq: number, extra: Record<string, unknown> = {}) => ({
  seq,
  provider: 'stripe',
  method: 'POST',
  path: '/hooks/stripe',
  body: `{"id":"evt_${seq}"}`,
  recordedAt: '2026-03-09T10:00:01.000+08:00',
  ...extra,
});
const lines = (...values: unknown[]): string =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');

/** The IdemgateError parseTape throws for `text` read as `t.jsonl`. */
function rejection(text: string): IdemgateError {
  try {
    parseTape(text, 't.jsonl');
  } catch (e) {
    if (e instanceof IdemgateError) return e;
    throw e;
  }
  throw new Error('parseTape accepted the tape');
}

describe('parseTape', () => {
  it('reads the header and every exchange, filling defaults and skipping blank lines (CRLF too)', () => {
    const tape = parseTape(`${lines(header, exchange(1), '', exchange(2))}\r\n\r\n`, 't.jsonl');

    expect(tape.header).toEqual(header);
    expect(tape.file).toBe('t.jsonl');
    expect(tape.exchanges.map((e) => [e.seq, e.headers, e.bodyEncoding])).toEqual([
      [1, {}, 'utf8'],
      [2, {}, 'utf8'],
    ]);
  });

  it.each([
    ['a line that is not JSON', lines(header, exchange(1), '{"seq": 2,'), 3, /not valid JSON/],
    ['no header (an exchange first)', lines(exchange(1), exchange(2)), 1, /bad tape header/],
    ['another format', lines({ ...header, format: 'har' }, exchange(1)), 1, /bad tape header: format/],
    ['another version', lines({ ...header, version: 2 }, exchange(1)), 1, /bad tape header: version/],
    [
      'an exchange without recordedAt',
      lines(header, exchange(1), exchange(2, { recordedAt: undefined })),
      3,
      /bad exchange: recordedAt/,
    ],
    ['an exchange without a body', lines(header, exchange(1, { body: undefined })), 2, /bad exchange: body/],
    ['a path not starting with /', lines(header, exchange(1, { path: 'hooks' })), 2, /bad exchange: path/],
    [
      'a seq that does not increase',
      lines(header, exchange(2), exchange(2)),
      3,
      /seq 2 is not greater than the previous seq 2/,
    ],
    [
      'a base64 body that is not base64',
      lines(header, exchange(1, { body: 'not base64!', bodyEncoding: 'base64' })),
      2,
      /bad exchange: body: not valid base64/,
    ],
    ['an empty file', '', 1, /empty tape/],
    ['only blank lines', '\n  \n', 1, /empty tape/],
    ['a header and no exchange', lines(header), 1, /no exchanges/],
  ])('rejects %s with TAPE_INVALID naming file:line', (_, text, line, message) => {
    const error = rejection(text);

    expect(error.code).toBe('TAPE_INVALID');
    expect(error.message).toMatch(new RegExp(`^t\\.jsonl:${line}: `));
    expect(error.message).toMatch(message);
    expect(error.details).toEqual({ file: 't.jsonl', line });
  });

  it('counts lines after blank ones and CRLF line ends', () => {
    expect(rejection(`${lines(header, exchange(1))}\r\n\r\n{oops`).message).toMatch(/^t\.jsonl:4: not valid JSON/);
  });

  it('reads a tape saved with a byte-order mark', () => {
    const tape = parseTape(`\uFEFF${lines(header, exchange(1))}`, 't.jsonl');

    expect(tape.header.name).toBe('t');
    expect(tape.exchanges).toHaveLength(1);
  });

  it('keeps a base64 body as the exact bytes', () => {
    const bytes = Buffer.from([0, 255, 10, 13, 0x80]);
    const tape = parseTape(lines(header, exchange(1, { body: bytes.toString('base64'), bodyEncoding: 'base64' })));

    expect(exchangeBody(tape.exchanges[0]!)).toEqual(bytes);
    expect(exchangeBody(parseTape(lines(header, exchange(1))).exchanges[0]!).toString('utf8')).toBe('{"id":"evt_1"}');
  });
});

describe('readTape', () => {
  it('reads a file and names it in the tape', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'idemgate-tape-')), 'ok.jsonl');
    await writeFile(file, lines(header, exchange(1)), 'utf8');

    const tape = await readTape(file);

    expect(tape.file).toBe(file);
    expect(tape.exchanges).toHaveLength(1);
  });

  it('names the file in an error from its content', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'idemgate-tape-')), 'bad.jsonl');
    await writeFile(file, lines(header, 'nope'), 'utf8');

    await expect(readTape(file)).rejects.toMatchObject({
      code: 'TAPE_INVALID',
      message: expect.stringMatching(`^${file}:2: `),
    });
  });

  it('reports a missing file as TAPE_NOT_FOUND naming the path', async () => {
    const file = join(tmpdir(), 'idemgate-no-such-tape.jsonl');

    await expect(readTape(file)).rejects.toMatchObject({ code: 'TAPE_NOT_FOUND', details: { file } });
  });
});
