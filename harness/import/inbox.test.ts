import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { readTape } from '../tape/read.ts';
import { importTraffic, type ImportOptions } from './import-traffic.ts';
import { DEFAULT_INBOX_COLUMNS, type InboxColumns } from './inbox.ts';

const testdata = (f: string): string => join(import.meta.dirname, 'testdata', f);
const dir = mkdtempSync(join(tmpdir(), 'idemgate-import-inbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const out = (): string => join(dir, `${n++}.jsonl`);
const write = (name: string, text: string): string => {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, text);
  return path;
};
const columns = (more: Partial<InboxColumns> = {}): InboxColumns => ({ ...DEFAULT_INBOX_COLUMNS, body: 'payload', ...more });
const fixtureBodies = (tape: string): string[] =>
  readFileSync(join(import.meta.dirname, '../../fixtures/tapes', tape), 'utf8').split('\n').slice(1, 3).map((l) => (JSON.parse(l) as { body: string }).body);

async function failure(options: Omit<ImportOptions, 'out' | 'kind'>): Promise<{ message: string; line: number }> {
  const error = await importTraffic({ kind: 'inbox', out: out(), ...options }).catch((e: unknown) => e);
  if (!isIdemgateError(error, 'TAPE_INVALID')) throw error instanceof Error ? error : new Error(`expected TAPE_INVALID, got ${String(error)}`);
  return { message: error.message, line: error.details.line };
}

describe('import inbox', () => {
  it('reads a CSV export: bodies byte for byte, JSON headers without credentials, its rows in time order, a row stored twice kept', async () => {
    const to = out();

    const summary = await importTraffic({ kind: 'inbox', files: [testdata('inbox.csv')], out: to, columns: columns() });

    const tape = await readTape(to);
    const [unpaid, readyToShip] = fixtureBodies('shopee.jsonl');
    const [stripe] = fixtureBodies('stripe.jsonl');
    expect(tape.exchanges.map((e) => [e.provider, e.path, e.recordedAt])).toEqual([
      ['shopee', '/webhooks/shopee', '2026-03-09T09:25:01.354+08:00'],
      ['shopee', '/webhooks/shopee', '2026-03-09T01:40:00.000+00:00'],
      ['stripe', '/webhooks/stripe', '2026-03-16T10:22:57.500+08:00'],
      ['stripe', '/webhooks/stripe', '2026-03-16T10:23:57.500+08:00'],
    ]);
    expect(tape.exchanges.map((e) => e.body)).toEqual([unpaid, readyToShip, stripe, stripe]);
    expect(tape.exchanges[0]!.headers).toEqual({ 'content-type': 'application/json' });
    expect(tape.exchanges[1]!.headers).toEqual({ 'content-type': 'application/json' });
    expect(summary).toMatchObject({ byProvider: { shopee: 2, stripe: 2 }, duplicatesKept: 1 });
  });

  it('reads a JSONL export whose body is a JSON object, written as the provider sends it', async () => {
    const to = out();

    await importTraffic({ kind: 'inbox', files: [testdata('inbox.jsonl')], out: to, columns: columns({ provider: 'stripe' }) });

    const tape = await readTape(to);
    expect(tape.exchanges.map((e) => e.body)).toEqual(fixtureBodies('stripe.jsonl'));
    expect(tape.exchanges.map((e) => e.recordedAt)).toEqual(['2026-03-16T02:22:57.000+00:00', '2026-03-16T02:22:58.000+00:00']);
  });

  it('reads a JSON array export, naming the line of a bad row', async () => {
    const rows = readFileSync(testdata('inbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const to = out();
    await importTraffic({ kind: 'inbox', files: [write('rows.json', JSON.stringify(rows, null, 2))], out: to, columns: columns({ provider: 'stripe' }) });
    expect((await readTape(to)).exchanges.map((e) => e.body)).toEqual(fixtureBodies('stripe.jsonl'));

    const text = JSON.stringify([rows[0], { ...rows[1], received_at: 'soon' }], null, 2);
    const error = await failure({ files: [write('bad-rows.json', text)], columns: columns({ provider: 'stripe' }) });
    expect(error.line).toBe(text.split('\n').findIndex((l, i) => i > 1 && l === '  {') + 1);
    expect(error.message).toMatch(/received_at: "soon" is not an ISO 8601 time/);
  });

  it('names a missing column with the closest one, a time without a zone, bad headers, a cut-off last line and an unclosed quote', async () => {
    const csv = readFileSync(testdata('inbox.csv'), 'utf8');
    expect((await failure({ files: [testdata('inbox.csv')], columns: columns({ body: 'paylod' }) })).message).toMatch(
      /inbox\.csv:1: no column "paylod"; did you mean payload\? \(columns: id, provider, headers, payload, received_at\)/,
    );
    const naive = write('naive.csv', 'provider,payload,received_at\nstripe,"{}",2026-03-16 10:22:57\n');
    expect(await failure({ files: [naive], columns: columns() })).toMatchObject({ line: 2, message: expect.stringMatching(/received_at: "2026-03-16 10:22:57" has no UTC offset/) as unknown });
    const badHeaders = write('headers.csv', 'provider,payload,headers,received_at\nstripe,"{}",not json,1773627777\n');
    expect((await failure({ files: [badHeaders], columns: columns() })).message).toMatch(/headers\.csv:2: column headers: headers are not a JSON object/);
    const jsonl = readFileSync(testdata('inbox.jsonl'), 'utf8');
    const cut = write('cut.jsonl', jsonl.slice(0, jsonl.length - 50));
    expect(await failure({ files: [cut], columns: columns({ provider: 'stripe' }) })).toMatchObject({ line: 2, message: expect.stringMatching(/truncated: the last line is not complete JSON/) as unknown });
    const unclosed = write('unclosed.csv', csv.slice(0, csv.lastIndexOf('"') - 5));
    expect((await failure({ files: [unclosed], columns: columns() })).message).toMatch(/unclosed\.csv:\d+: truncated: a quoted field is never closed/);
    expect((await failure({ files: [write('empty.csv', '')], columns: columns() })).message).toMatch(/empty\.csv:1: empty: no rows/);
  });

  it("refuses a provider the config does not know, naming the row and the closest known one", async () => {
    const rows = write('typo.csv', 'provider,payload,received_at\nstripe,"{""id"":""evt_1"",""object"":""event"",""type"":""x"",""created"":1,""data"":{""object"":{}}}",1773627777\nshoppe,"{}",1773627778\n');
    const config = { target: { start: { kind: 'url', url: 'http://127.0.0.1:1' }, endpoints: { stripe: '/s', shopee: '/p' } }, providers: { stripe: {}, shopee: {} } };

    const error = await failure({ files: [rows], columns: columns(), config: config as never });

    expect(error.line).toBe(3);
    expect(error.message).toMatch(/typo\.csv:3: provider "shoppe" is not one the config knows; did you mean shopee\? \(known: shopee, stripe\)/);
  });
});

describe('import inbox: the upstream answers a provider needs', () => {
  it('refuses a Shopee COMPLETED push without its escrow detail, and imports it with --upstream', async () => {
    // Arrange: a COMPLETED push from the Shopee fixture tape, and the escrow details its header recorded.
    const lines = readFileSync(join(import.meta.dirname, '../../fixtures/tapes/shopee.jsonl'), 'utf8').split('\n');
    const completed = lines.map((l, i) => ({ l, i })).find(({ l, i }) => i > 0 && l.includes('\\"status\\":\\"COMPLETED\\"'))!;
    const push = JSON.parse(completed.l) as { body: string; recordedAt: string };
    const rows = write('completed.jsonl', `${JSON.stringify({ provider: 'shopee', payload: push.body, received_at: push.recordedAt })}\n`);
    const upstream = write('upstream.json', JSON.stringify((JSON.parse(lines[0]!) as { upstream: unknown }).upstream, null, 2));

    // Act and assert: without it the adapter cannot say what the push books, at import time.
    expect((await failure({ files: [rows], columns: columns() })).message).toMatch(/completed\.jsonl:1: shopee: order \S+ reached COMPLETED but the tape header has no header\.upstream\.shopee\.escrow/);
    const to = out();
    await importTraffic({ kind: 'inbox', files: [rows], out: to, columns: columns(), upstreamFile: upstream });
    expect((await readTape(to)).header.upstream).toEqual((JSON.parse(lines[0]!) as { upstream: unknown }).upstream);
    const notObject = write('upstream-list.json', '[1]');
    expect((await failure({ files: [rows], columns: columns(), upstreamFile: notObject })).message).toMatch(/upstream-list\.json:1: expected a JSON object/);
  });
});
