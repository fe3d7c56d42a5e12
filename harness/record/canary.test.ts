import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { clearSecrets, registerSecrets } from '../_internals/mask.ts';
import { shopeeApi } from '../providers/shopee/api.ts';
import { adapterResolver } from '../providers/registry.ts';
import { readTape } from '../tape/read.ts';
import { createRecorder } from './recorder.ts';
import { createRedactor } from './redact.ts';

/**
 * Secrets and personal data seeded into every part of recorded traffic. Each has an alphanumeric
 * core, so a search for the core finds it however it was encoded (JSON, form, percent-encoding).
 */
const CANARY = {
  stripeSignature: 'cnrysig01',
  bearer: 'cnrybearer02',
  clientIp: '198.51.100.77',
  configHeader: 'cnryhdr03',
  email: 'cnry.email04@example.my',
  name: 'Cnryname05 Binti Ali',
  phone: '+60 12-3456 7805',
  street: 'Cnrystreet06 Jalan',
  fingerprint: 'cnryfp07',
  configJson: 'cnryjson08',
  fpxName: 'CNRYFPXNAME09',
  fpxIban: 'cnryiban10',
  fpxChecksum: 'CNRYCHECKSUM11',
  configForm: 'cnryform12',
  billplzSignature: 'cnryxsig13',
  billplzMobile: '+60 19-8765 4313',
  redirectSignature: 'cnryredirect14',
  upstreamSign: 'cnryupsign15',
  upstreamToken: 'cnryuptoken16',
  upstreamAuth: 'cnryupauth17',
  buyer: 'cnrybuyer18',
  recipientPhone: '+60 11-2222 3318',
  answerEmail: 'cnry.answer19@example.my',
  cookie: 'cnrycookie20',
  configSecret: 'cnryconfigsecret21',
};
/**
 * How a canary may appear in the file: its "cnry…" core, which survives any encoding (JSON, form,
 * percent-encoding); for one without (an address, a phone number), as written, JSON-escaped,
 * percent-encoded and form-encoded.
 */
const spellings = (canary: string): string[] => {
  const marked = /cnry[a-z0-9.]*/i.exec(canary);
  if (marked !== null) return [marked[0]];
  const form = new URLSearchParams({ v: canary }).toString().slice(2);
  return [...new Set([canary, JSON.stringify(canary).slice(1, -1), encodeURIComponent(canary), form])];
};

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
const drain = async (req: IncomingMessage): Promise<void> => {
  for await (const _ of req);
};

describe('idemgate record never writes a secret or personal data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idemgate-canary-'));
  const servers: Server[] = [];
  afterAll(async () => {
    clearSecrets();
    await Promise.all(servers.map(closeServer));
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no canary in any byte of the tape: headers, JSON and form fields, query strings, the answers, the upstream calls', async () => {
    // A config secret the service happens to echo: masked like every other output of idemgate.
    registerSecrets([CANARY.configSecret]);
    // The real provider API, answering with the buyer's details.
    const providerApi = createServer((req: IncomingMessage, res: ServerResponse) => {
      void drain(req).then(() =>
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=${CANARY.cookie}` }).end(
          JSON.stringify({
            error: '',
            message: '',
            response: {
              order_sn: 'O1',
              buyer_user_name: CANARY.buyer,
              recipient_address: { name: CANARY.name, phone: CANARY.recipientPhone, full_address: CANARY.street },
              order_income: { escrow_amount: 10.5, buyer_total_amount: 11 },
            },
          }),
        ),
      );
    });
    servers.push(providerApi);
    const providerUrl = await listen(providerApi);
    let upstreamUrl = '';
    // The service: on a Stripe event it calls the provider API, then answers with the customer's email.
    const service = createServer((req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        await drain(req);
        if (req.url === '/webhooks/stripe') {
          const q = new URLSearchParams({ order_sn: 'O1', partner_id: '2001234', sign: CANARY.upstreamSign, access_token: CANARY.upstreamToken });
          const call = await request(`${upstreamUrl}/shopee/api/v2/payment/get_escrow_detail?${q}`, { headers: { authorization: `Bearer ${CANARY.upstreamAuth}` } });
          await call.body.text();
          res
            .writeHead(200, { 'content-type': 'application/json', 'set-cookie': `session=${CANARY.cookie}` })
            .end(JSON.stringify({ received: true, customer_email: CANARY.answerEmail, note: `key ${CANARY.configSecret}` }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      })();
    });
    servers.push(service);
    const out = join(dir, 'canary.jsonl');
    const recorder = await createRecorder({
      to: await listen(service),
      listen: { host: '127.0.0.1', port: 0 },
      out,
      endpoints: { stripe: '/webhooks/stripe', fpx: '/webhooks/fpx/direct-ac', billplz: '/webhooks/billplz' },
      redactor: createRedactor({
        key: randomBytes(32),
        jsonPaths: ['data.object.metadata.customer_ref'],
        formFields: ['buyer_ic'],
        headers: ['x-customer-ref'],
      }),
      upstream: { listen: { host: '127.0.0.1', port: 0 }, targets: [{ name: 'shopee', baseUrl: providerUrl, api: shopeeApi }] },
    });
    upstreamUrl = recorder.upstreamUrl!;

    const stripeEvent = {
      id: 'evt_canary_1',
      object: 'event',
      api_version: '2024-06-20',
      type: 'charge.succeeded',
      created: 1773630175,
      data: {
        object: {
          id: 'ch_canary_1',
          object: 'charge',
          amount: 1680,
          amount_refunded: 0,
          currency: 'myr',
          status: 'succeeded',
          paid: true,
          payment_intent: 'pi_canary_1',
          receipt_email: CANARY.email,
          billing_details: { name: CANARY.name, email: CANARY.email, phone: CANARY.phone, address: { line1: CANARY.street } },
          payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', fingerprint: CANARY.fingerprint } },
          metadata: { order_id: '5101', customer_ref: CANARY.configJson },
        },
      },
      livemode: false,
    };
    const fpxForm = new URLSearchParams({
      fpx_msgType: 'AC', fpx_msgToken: '01', fpx_fpxTxnId: '2603110850520969', fpx_sellerExId: 'EX00011235',
      fpx_sellerExOrderNo: 'ORD-1', fpx_fpxTxnTime: '20260311085052', fpx_sellerTxnTime: '20260311085025',
      fpx_sellerOrderNo: 'ORD-1', fpx_sellerId: 'SE00054321', fpx_txnCurrency: 'MYR', fpx_txnAmount: '20.90',
      fpx_buyerBankId: 'HLB0224', fpx_buyerBankBranch: 'HONG LEONG BANK', fpx_buyerName: CANARY.fpxName, fpx_buyerId: '',
      fpx_makerName: '', fpx_buyerIban: CANARY.fpxIban, fpx_debitAuthCode: '00', fpx_debitAuthNo: '34850886',
      fpx_creditAuthCode: '00', fpx_creditAuthNo: '8337750808', buyer_ic: CANARY.configForm, fpx_checkSum: CANARY.fpxChecksum,
    });
    const billplzForm = new URLSearchParams({
      id: 'bill1', collection_id: 'col1', amount: '10400', due_at: '2026-03-16', email: CANARY.email, mobile: CANARY.billplzMobile,
      name: CANARY.name, paid: 'true', state: 'paid', paid_amount: '10400', paid_at: '2026-03-16 09:08:24 +0800', x_signature: CANARY.billplzSignature,
    });
    const send = async (path: string, init: Parameters<typeof request>[1]): Promise<number> => {
      const answer = await request(`${recorder.url}${path}`, init);
      await answer.body.text();
      return answer.statusCode;
    };

    const statuses = [
      await send('/webhooks/stripe', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': `t=1773630175,v1=${CANARY.stripeSignature}`,
          authorization: `Bearer ${CANARY.bearer}`,
          'x-forwarded-for': CANARY.clientIp,
          'x-customer-ref': CANARY.configHeader,
        },
        body: JSON.stringify(stripeEvent, null, 2),
      }),
      await send('/webhooks/fpx/direct-ac', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fpxForm.toString() }),
      await send('/webhooks/billplz', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: billplzForm.toString() }),
      await send(`/webhooks/billplz?${new URLSearchParams({ 'billplz[id]': 'bill1', 'billplz[paid]': 'true', 'billplz[paid_at]': '2026-03-16 09:08:24 +0800', 'billplz[x_signature]': CANARY.redirectSignature })}`, { method: 'GET' }),
    ];
    const summary = await recorder.close();

    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(summary).toMatchObject({ exchanges: 4, upstreamCalls: 1 });
    // Nothing else left beside the tape (no temporary file of the header rewrite).
    expect(readdirSync(dir)).toEqual(['canary.jsonl']);
    const bytes = readFileSync(out).toString('latin1');
    for (const [name, canary] of Object.entries(CANARY)) {
      for (const spelling of spellings(canary)) expect(bytes.includes(spelling), `${name} (${spelling}) is in the tape`).toBe(false);
    }
    // Readable, the adapters read every exchange, and one person's email is one pseudonym everywhere.
    const tape = await readTape(out);
    const providers = adapterResolver();
    for (const x of tape.exchanges) expect(() => providers(x.provider).interpret(x, tape)).not.toThrow();
    const stripe = JSON.parse(tape.exchanges[0]!.body) as typeof stripeEvent;
    const billplz = new URLSearchParams(tape.exchanges[2]!.body);
    expect(stripe.data.object.billing_details.email).toMatch(/@pseudonym\.invalid$/);
    expect(billplz.get('email')).toBe(stripe.data.object.billing_details.email);
    expect(billplz.get('name')).toBe(stripe.data.object.billing_details.name);
  });
});
