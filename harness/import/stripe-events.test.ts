import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { generateStripeTape } from '../../fixtures/tapes/generate.ts';
import { readTape } from '../tape/read.ts';
import { importTraffic } from './import-traffic.ts';
import { eventsListPages, stripeShapedEvents } from './testdata/stripe-events.ts';

const dir = mkdtempSync(join(tmpdir(), 'idemgate-import-stripe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const file = (name: string, text: string): string => {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, text);
  return path;
};
const out = (): string => join(dir, `${n++}-tape.jsonl`);
const event = (id: string, created: number, type = 'customer.created') => ({ id, object: 'event', type, created, data: { object: { id: `cus_${id}`, object: 'customer' } } });

async function importError(files: string[]): Promise<{ message: string; file: string | undefined; line: number }> {
  const to = out();
  try {
    await importTraffic({ kind: 'stripe-events', files, out: to });
  } catch (e) {
    if (!isIdemgateError(e, 'TAPE_INVALID')) throw e;
    expect(existsSync(to), 'no tape is written for a bad input').toBe(false);
    return { message: e.message, file: e.details.file, line: e.details.line };
  }
  throw new Error('expected the import to fail');
}

describe('import stripe-events', () => {
  it('turns overlapping Events API pages into one exchange per event, in created order, with the bodies Stripe sent', async () => {
    // Arrange: the generated Stripe traffic's events, listed 30 a page, each page repeating 5 of the one before.
    const events = stripeShapedEvents();
    const pages = eventsListPages(events, 30, 5).map((p, i) => file(`page-${i + 1}.json`, JSON.stringify(p, null, 2)));
    const to = out();

    // Act
    const summary = await importTraffic({ kind: 'stripe-events', files: pages, out: to });

    // Assert: the tape's bodies are the bodies the generator delivered, byte for byte, ordered by created (ties as Stripe made them), unsigned.
    const tape = await readTape(to);
    const created = (body: string): number => (JSON.parse(body) as { created: number }).created;
    const sent = generateStripeTape(20260309, { objects: 'stripe' }).exchanges.map((e) => e.body);
    expect(tape.exchanges.map((e) => e.body)).toEqual([...sent].sort((x, y) => created(x) - created(y)));
    expect(tape.exchanges[0]).toMatchObject({ seq: 1, provider: 'stripe', method: 'POST', path: '/webhooks/stripe', headers: { 'content-type': 'application/json' } });
    expect(tape.exchanges.every((e) => e.response === undefined && !('stripe-signature' in e.headers))).toBe(true);
    expect(tape.exchanges[0]!.recordedAt).toBe(new Date((events[0]!['created'] as number) * 1000).toISOString().replace('Z', '+00:00'));
    expect(tape.header.source).toMatchObject({ kind: 'import' });
    expect(summary).toMatchObject({ exchanges: events.length, byProvider: { stripe: events.length }, overlapsDropped: 10, duplicatesKept: 0, notes: [] });
  });

  it('reads `stripe listen --print-json` output, pretty-printed or one event a line, and keeps identical redeliveries', async () => {
    const a = event('evt_a', 1_773_600_000);
    const b = event('evt_b', 1_773_600_010);
    const listen = file('listen.txt', `${JSON.stringify(b, null, 2)}\n${JSON.stringify(a)}\n${JSON.stringify(b, null, 2)}\n`);
    const to = out();

    const summary = await importTraffic({ kind: 'stripe-events', files: [listen], out: to });

    const tape = await readTape(to);
    expect(tape.exchanges.map((e) => (JSON.parse(e.body) as { id: string }).id)).toEqual(['evt_a', 'evt_b', 'evt_b']);
    expect(summary).toMatchObject({ duplicatesKept: 1, overlapsDropped: 0, unmodelled: { 'stripe event type customer.created': 3 } });
  });

  it('keeps the order Stripe made events of one second in: a delivery stream as read, a list (newest first) reversed', async () => {
    const [x, y, z] = [event('evt_x', 1_773_600_000), event('evt_y', 1_773_600_000), event('evt_z', 1_773_599_999)];
    const list = file('list.json', JSON.stringify({ object: 'list', data: [y, x, z], has_more: false }));
    const stream = file('stream.jsonl', `${JSON.stringify(event('evt_q', 1_773_700_000))}\n${JSON.stringify(event('evt_p', 1_773_700_000))}\n`);
    const to = out();

    await importTraffic({ kind: 'stripe-events', files: [list, stream], out: to });

    const ids = (await readTape(to)).exchanges.map((e) => (JSON.parse(e.body) as { id: string }).id);
    expect(ids).toEqual(['evt_z', 'evt_x', 'evt_y', 'evt_q', 'evt_p']);
  });

  it('takes pages fetched at different times, whose pending_webhooks differ, as one event', async () => {
    const early = { ...event('evt_1', 1_773_600_000), pending_webhooks: 2 };
    const late = { ...early, pending_webhooks: 0 };
    const pageA = file('page-a.json', JSON.stringify({ object: 'list', data: [early], has_more: true }));
    const pageB = file('page-b.json', JSON.stringify({ object: 'list', data: [late, event('evt_0', 1_773_500_000)], has_more: false }));
    const to = out();

    const summary = await importTraffic({ kind: 'stripe-events', files: [pageA, pageB], out: to });

    expect((await readTape(to)).exchanges.map((e) => (JSON.parse(e.body) as { id: string }).id)).toEqual(['evt_0', 'evt_1']);
    expect(summary).toMatchObject({ overlapsDropped: 1 });
  });

  it('refuses one event id with two bodies, naming both places', async () => {
    const first = file('page-1.json', JSON.stringify({ object: 'list', data: [event('evt_1', 1_773_600_000)], has_more: false }, null, 2));
    const edited = { ...event('evt_1', 1_773_600_000), type: 'customer.updated' };
    const second = file('listen.jsonl', `${JSON.stringify(event('evt_0', 1_773_500_000))}\n${JSON.stringify(edited)}\n`);

    const error = await importError([first, second]);

    expect(error).toMatchObject({ file: second, line: 2 });
    expect(error.message).toContain(`Stripe event evt_1 has another body at ${first}:4`);
  });

  it('names the file and line of a truncated page, an empty file, a value that is not an event, and an event without created', async () => {
    const page = JSON.stringify({ object: 'list', data: [event('evt_1', 1_773_600_000), event('evt_2', 1_773_600_001)], has_more: false }, null, 2);
    const cut = await importError([file('cut.json', page.slice(0, page.length - 60))]);
    // The second event, on line 14 of the page, is the one cut.
    expect(cut.line).toBe(page.split('\n').findIndex((l, i) => i > 3 && l === '    {') + 1);
    expect(cut.message).toMatch(/truncated: the element of data that starts here does not end/);

    const lastLineCut = JSON.stringify(event('evt_1', 1_773_600_000));
    expect(await importError([file('listen.jsonl', `${lastLineCut}\n${lastLineCut.slice(0, 30)}`)])).toMatchObject({ line: 2 });
    expect((await importError([file('empty.json', '\n\n')])).message).toMatch(/:1: empty: no Stripe events/);
    expect((await importError([file('charge.json', '{"object":"charge","id":"ch_1"}')])).message).toMatch(/:1: not a Stripe event: object is "charge"/);
    const noCreated = await importError([file('no-created.jsonl', `${lastLineCut}\n{"id":"evt_2","object":"event","type":"x"}\n`)]);
    expect(noCreated.line).toBe(2);
    expect(noCreated.message).toMatch(/evt_2 has no created time/);
  });

  it('names the input line of an event the adapter cannot read, and writes no tape', async () => {
    const bad = { id: 'evt_bad', object: 'event', type: 'payment_intent.succeeded', created: 1_773_600_000, data: { object: { id: 'pi_1', object: 'payment_intent', status: 'succeeded', currency: 'myr' } } };
    const error = await importError([file('bad.jsonl', `${JSON.stringify(event('evt_ok', 1_773_500_000))}\n${JSON.stringify(bad)}\n`)]);
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/bad\.jsonl:2: stripe: .*\(idemgate could not replay it\)$/);
  });

  it('notes a body writeTape masked a credential-looking value in', async () => {
    const withSecret = { ...event('evt_s', 1_773_600_000), data: { object: { id: 'cus_1', object: 'customer', metadata: { signature: 'abcdef123456' } } } };
    const listen = file('secret.jsonl', `${JSON.stringify(event('evt_a', 1_773_500_000))}\n${JSON.stringify(withSecret)}\n`);
    const summary = await importTraffic({ kind: 'stripe-events', files: [listen], out: out() });
    expect(summary.notes).toEqual([`1 body had a credential-looking value masked (***) by writeTape, so not byte for byte as received: ${listen}:2`]);
  });

  it('notes when no list page says has_more: false', async () => {
    const page = file('page.json', JSON.stringify({ object: 'list', data: [event('evt_1', 1_773_600_000)], has_more: true }));
    const summary = await importTraffic({ kind: 'stripe-events', files: [page], out: out() });
    expect(summary.notes).toEqual(['no Events API page says has_more: false: older events than these 1 page(s) hold may be missing']);
  });
});
