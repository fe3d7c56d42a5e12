import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { readTape } from '../tape/read.ts';
import { importTraffic } from './import-traffic.ts';

const HAR = join(import.meta.dirname, 'testdata/incident.har');
const dir = mkdtempSync(join(tmpdir(), 'idemgate-import-har-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtureBodies = (tape: string): string[] =>
  readFileSync(join(import.meta.dirname, '../../fixtures/tapes', tape), 'utf8').split('\n').slice(1, 4).filter(Boolean).map((l) => (JSON.parse(l) as { body: string }).body);

describe('import har', () => {
  it('keeps the entries sent to a configured endpoint, by time, with their answers, and skips the rest', async () => {
    const out = join(dir, 'har.jsonl');

    const summary = await importTraffic({ kind: 'har', files: [HAR], out });

    const tape = await readTape(out);
    // The Stripe delivery recorded in UTC came first, although the file lists it second.
    expect(tape.exchanges.map((e) => [e.provider, e.path, e.recordedAt, e.durationMs])).toEqual([
      ['stripe', '/webhooks/stripe', '2026-03-16T02:22:57.000+00:00', 20],
      ['stripe', '/webhooks/stripe', '2026-03-16T10:22:58.120+08:00', 31],
      ['fpx', '/webhooks/fpx/direct-ac', '2026-03-16T10:23:05.500+08:00', 44],
    ]);
    const [stripe] = fixtureBodies('stripe.jsonl');
    expect(tape.exchanges[0]!.body).toBe(stripe);
    // A base64 request body stays base64 (the bytes as sent); a base64 answer is decoded.
    expect(tape.exchanges[2]).toMatchObject({ bodyEncoding: 'base64', response: { status: 200, body: 'OK' } });
    expect(Buffer.from(tape.exchanges[2]!.body, 'base64').toString('utf8')).toBe(fixtureBodies('fpx.jsonl')[0]);
    expect(tape.exchanges[0]!.response).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"received":true}' });
    // Credentials (the signature, a cookie) and pseudo-headers are left out, names lower-cased.
    expect(tape.exchanges[1]!.headers).toEqual({
      host: 'merchant.example.com',
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    });
    expect(tape.exchanges[1]!.response!.headers).toEqual({ 'content-type': 'application/json' });
    expect(summary).toMatchObject({
      exchanges: 3,
      byProvider: { stripe: 2, fpx: 1 },
      skipped: { 'HAR entries on no endpoint': 1, 'HAR OPTIONS requests on an endpoint': 1 },
    });
  });

  it("uses the config's endpoints: an entry whose path no endpoint has is skipped", async () => {
    const out = join(dir, 'config.jsonl');
    const config = { target: { start: { kind: 'url', url: 'http://127.0.0.1:1' }, endpoints: { stripe: '/webhooks/stripe' } }, providers: { stripe: {} } } as const;

    const summary = await importTraffic({ kind: 'har', files: [HAR], out, config: config as never });

    expect(summary.byProvider).toEqual({ stripe: 2 });
    expect(summary.skipped).toEqual({ 'HAR entries on no endpoint': 3 });
  });

  it('says which endpoints it looked for when no entry was sent to one', async () => {
    const config = { target: { start: { kind: 'url', url: 'http://127.0.0.1:1' }, endpoints: { shopee: '/shopee/push' } }, providers: { shopee: {} } };
    const error = await importTraffic({ kind: 'har', files: [HAR], out: join(dir, 'none.jsonl'), config: config as never }).catch((e: unknown) => e);
    expect(isIdemgateError(error, 'TAPE_INVALID') && error.message).toMatch(
      /incident\.har:1: no deliveries to import in .*incident\.har \(skipped: 5 HAR entries on no endpoint; endpoints: shopee \/shopee\/push\)$/,
    );
  });

  it('names the line of a bad entry, and of a HAR cut short', async () => {
    const har = JSON.parse(readFileSync(HAR, 'utf8')) as { log: { entries: { startedDateTime: string }[] } };
    har.log.entries[2]!.startedDateTime = 'yesterday';
    const bad = join(dir, 'bad.har');
    const text = JSON.stringify(har, null, 2);
    writeFileSync(bad, text);
    // The third entry's opening brace: entries are indented by six spaces in this file.
    const entryLines = text.split('\n').flatMap((l, i) => (l === '      {' ? [i + 1] : []));
    const error = await importTraffic({ kind: 'har', files: [bad], out: join(dir, 'x.jsonl') }).catch((e: unknown) => e);
    expect(isIdemgateError(error, 'TAPE_INVALID') && error.message).toMatch(/bad\.har:\d+: bad HAR entry: startedDateTime: "yesterday" is not an ISO 8601 time/);
    expect(isIdemgateError(error, 'TAPE_INVALID') && error.details.line).toBe(entryLines[2]);

    const cut = join(dir, 'cut.har');
    writeFileSync(cut, text.slice(0, 2000));
    const truncated = await importTraffic({ kind: 'har', files: [cut], out: join(dir, 'y.jsonl') }).catch((e: unknown) => e);
    expect(isIdemgateError(truncated, 'TAPE_INVALID') && truncated.details.line).toBe(entryLines[1]);
    expect(isIdemgateError(truncated, 'TAPE_INVALID') && truncated.message).toMatch(/cut\.har:\d+: truncated: the element of log\.entries that starts here does not end \(the file ends at line \d+/);
  });
});
