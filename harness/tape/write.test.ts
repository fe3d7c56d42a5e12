import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, registerSecrets } from '../_internals/mask.ts';
import { exchangeBody, parseTape, readTape } from './read.ts';
import type { ExchangeInput, TapeHeader } from './schema.ts';
import { formatTape, writeTape } from './write.ts';

const header: TapeHeader = {
  format: 'idemgate-tape',
  version: 1,
  name: 'round-trip',
  createdAt: '2026-03-09T10:00:00.000+08:00',
  source: { kind: 'generator', seed: 7 },
  upstream: { shopee: { escrow: { ORD1: { amount: 1500 } } } },
};

/** Exchanges of any text or binary body, with increasing seq and the schema's defaults left out at random. */
const exchangesArb: fc.Arbitrary<ExchangeInput[]> = fc
  .array(
    fc.record(
      {
        provider: fc.constantFrom('stripe', 'shopee', 'fpx'),
        method: fc.constantFrom('GET' as const, 'POST' as const),
        path: fc.string().map((s) => `/${s}`),
        headers: fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.array(fc.string()))),
        body: fc.oneof(
          fc.string({ unit: 'binary' }).map((body) => ({ body, bodyEncoding: 'utf8' as const })),
          fc
            .uint8Array()
            .map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' as const })),
        ),
        recordedAt: fc.integer({ min: 0, max: 4e12 }).map((ms) => new Date(ms).toISOString()),
        durationMs: fc.nat(10_000),
      },
      { requiredKeys: ['provider', 'method', 'path', 'body', 'recordedAt'] },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((xs) => xs.map(({ body, ...x }, i) => ({ ...x, ...body, seq: i + 1 })));

describe('formatTape', () => {
  it('writes what parseTape reads back: the same header, exchanges and body bytes', () => {
    fc.assert(
      fc.property(exchangesArb, (exchanges) => {
        const tape = parseTape(formatTape(header, exchanges), 'rt.jsonl');

        expect(tape.header).toEqual(header);
        expect(tape.exchanges).toEqual(exchanges.map((x) => ({ headers: {}, bodyEncoding: 'utf8', ...x })));
        tape.exchanges.forEach((x, i) => {
          const input = exchanges[i]!;
          expect(exchangeBody(x)).toEqual(Buffer.from(input.body, input.bodyEncoding === 'base64' ? 'base64' : 'utf8'));
        });
      }),
      { seed: 11, numRuns: 50 },
    );
  });

  it('writes one JSON object per line, the header first, ending in a newline', () => {
    const text = formatTape(header, [
      { seq: 1, provider: 'stripe', method: 'POST', path: '/h', body: 'a\nb', recordedAt: '2026-03-09T02:00:00Z' },
    ]);

    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'idemgate-tape', version: 1 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 1, body: 'a\nb' });
  });

  it('refuses what the reader would refuse instead of writing it', () => {
    const exchange = {
      seq: 1,
      provider: 'stripe',
      method: 'POST' as const,
      path: '/h',
      body: '',
      recordedAt: '2026-03-09T02:00:00Z',
    };

    expect(() => formatTape(header, [{ ...exchange, path: 'h' }])).toThrow(/path/);
    expect(() => formatTape(header, [{ ...exchange, body: '%%%', bodyEncoding: 'base64' }])).toThrow(/base64/);
    expect(() => formatTape(header, [])).toThrow(/no exchanges/);
    expect(() => formatTape(header, [exchange, exchange])).toThrow(/seq 1 is not greater/);
  });
});

describe('writeTape', () => {
  it('writes a file readTape reads back', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'idemgate-tape-')), 'written.jsonl');
    const exchanges = fc.sample(exchangesArb, { seed: 3, numRuns: 1 })[0]!;

    await writeTape(file, { header, exchanges });

    expect(await readFile(file, 'utf8')).toBe(formatTape(header, exchanges));
    expect((await readTape(file)).exchanges.map((x) => x.seq)).toEqual(exchanges.map((x) => x.seq));
  });

  describe('masking', () => {
    afterEach(() => clearSecrets());

    it('masks the config secrets, URL passwords and credential headers in what it writes, and the file still reads', async () => {
      registerSecrets(['whsec_canary_7f3a']);
      const file = join(await mkdtemp(join(tmpdir(), 'idemgate-tape-')), 'masked.jsonl');
      const exchange: ExchangeInput = {
        seq: 1,
        provider: 'stripe',
        method: 'POST',
        path: '/webhooks/stripe',
        headers: { 'stripe-signature': 't=1,v1=abc123', authorization: ['Bearer tok_canary_1', 'Bearer tok_canary_2'], 'x-db': 'postgres://app:pw_canary_9@db/x' },
        body: '{"note":"whsec_canary_7f3a"}',
        recordedAt: '2026-03-09T10:00:00.000Z',
      };

      await writeTape(file, { header: { ...header, description: 'from postgres://app:pw_canary_9@db/x' }, exchanges: [exchange] });

      const text = await readFile(file, 'utf8');
      for (const canary of ['whsec_canary_7f3a', 'abc123', 'tok_canary', 'pw_canary_9']) expect(text).not.toContain(canary);
      const [read] = (await readTape(file)).exchanges;
      expect(read!.headers).toEqual({ 'stripe-signature': '***', authorization: ['***', '***'], 'x-db': 'postgres://app:***@db/x' });
      expect(read!.body).toBe('{"note":"***"}');
    });
  });
});
