import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../idemgate.config.ts';
import { createApp, type MerchantApp } from '../../fixtures/merchant-service/src/app.ts';
import type { MerchantConfig } from '../../fixtures/merchant-service/src/app.ts';
import { connect, migrate } from '../../fixtures/merchant-service/src/db.ts';
import { SHOPEE_TEST_SECRETS, shopeeApi, shopeeEscrowOf } from '../providers/shopee/api.ts';
import { adapterResolver } from '../providers/registry.ts';
import { createReplayer } from '../replay/replay.ts';
import { cleanSchedule } from '../schedule/schedule.ts';
import { createUpstream, type RunningUpstream } from '../simulator/serve.ts';
import { readTape } from '../tape/read.ts';
import type { Exchange, Tape } from '../tape/schema.ts';
import { createRecorder, type Recorder } from './recorder.ts';
import { deliveryFaults } from '../faults/index.ts';
import { formatResult } from '../report/console.ts';
import { runScenario } from '../runner/run-scenario.ts';
import { defineScenario } from '../runner/scenario.ts';
import { openSession } from '../runner/session.ts';
import { createRedactor } from './redact.ts';

const root = new URL('../..', import.meta.url).pathname;
const providers = adapterResolver(config);
const endpoints = config.target.endpoints!;

const listenApp = async (app: MerchantApp): Promise<string> => {
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
};
const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function merchantConfig(shopeeApiBase: string): MerchantConfig {
  const secrets = config.providers;
  return {
    shopee: { ...SHOPEE_TEST_SECRETS, apiBase: shopeeApiBase },
    fpx: { publicKeyPem: secrets['fpx']!['publicKeyPem']! },
    billplz: { xSignatureKey: secrets['billplz']!['xSignatureKey']! },
    stripe: { endpointSecret: secrets['stripe']!['endpointSecret']!, toleranceS: 300 },
    upstream: { timeoutMs: 2000, retry: { maxAttempts: 2, baseBackoffMs: 10 } },
  };
}

/** A provider delivering one recorded exchange to `base`, signed with the test secrets, as replay does. */
async function deliver(base: string, exchange: Exchange, attempt: number): Promise<{ status: number; body: string }> {
  const url = `${base}${exchange.path}`;
  const signed = providers(exchange.provider).sign(exchange, { secrets: config.providers[exchange.provider]!, now: new Date(), url, attempt });
  const answer = await request(url, { method: exchange.method, headers: signed.headers, body: signed.body });
  return { status: answer.statusCode, body: await answer.body.text() };
}

describe('idemgate record in front of the reference service', () => {
  let dir: string;
  let pglite: PGlite;
  let realShopee: RunningUpstream;
  let app: MerchantApp;
  let recorder: Recorder;
  let tape: Tape;
  const sent: { exchange: Exchange; status: number }[] = [];
  const log: string[] = [];
  let shopeeOrder: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-record-'));
    pglite = new PGlite();
    await migrate(connect({ pglite }));
    const [stripe, shopee, fpx] = await Promise.all(['stripe', 'shopee', 'fpx'].map((name) => readTape(join(root, `fixtures/tapes/${name}.jsonl`))));
    // The "real" Shopee Open API: the simulated one, answering the fixture's escrow details.
    realShopee = await createUpstream({ apis: [shopeeApi], tape: shopee! });
    const merchant = merchantConfig('http://127.0.0.1:1');
    app = createApp({ db: connect({ pglite }), config: merchant });
    const appUrl = await listenApp(app);
    recorder = await createRecorder({
      to: appUrl,
      listen: { host: '127.0.0.1', port: 0 },
      out: join(dir, 'incident.jsonl'),
      endpoints,
      redactor: createRedactor({ key: randomBytes(32) }),
      upstream: { listen: { host: '127.0.0.1', port: 0 }, targets: [{ name: 'shopee', baseUrl: realShopee.env['SHOPEE_API_BASE']!, api: shopeeApi }] },
      log: (line) => log.push(line),
    });
    // The service's SHOPEE_API_BASE points at the recorder's upstream listener.
    merchant.shopee.apiBase = `${recorder.upstreamUrl}/shopee`;

    // One Shopee order's whole lifecycle (its COMPLETED push makes the service fetch escrow detail),
    // Stripe events and FPX ACs; some delivered twice, as providers redeliver.
    shopeeOrder = '260309UIS0FLF2';
    const order = shopee!.exchanges.filter((x) => x.body.includes(shopeeOrder));
    const traffic = [...stripe!.exchanges.slice(0, 6), ...order, ...fpx!.exchanges.slice(0, 4)];
    const duplicated = new Set([traffic[0], order.at(-1), fpx!.exchanges[0]]);
    for (const exchange of traffic) {
      for (let attempt = 1; attempt <= (duplicated.has(exchange) ? 2 : 1); attempt++) {
        const answer = await deliver(recorder.url, exchange, attempt);
        sent.push({ exchange, status: answer.status });
      }
    }
    // Not a delivery: forwarded, not recorded.
    await (await request(`${recorder.url}/health`)).body.text();
    const summary = await recorder.close();
    expect(summary.file).toBe(join(dir, 'incident.jsonl'));
    expect(summary.unrecognised).toEqual({ 'GET /health': 1 });
    tape = await readTape(summary.file!);
  });

  afterAll(async () => {
    await recorder?.close();
    await closeServer(app);
    await realShopee?.close();
    await pglite?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a readable tape with every delivery, duplicates included, each with its provider and the answer the service gave', () => {
    expect(tape.header.source?.kind).toBe('proxy');
    expect(tape.exchanges.map((x) => x.provider)).toEqual(sent.map((s) => s.exchange.provider));
    expect(tape.exchanges.map((x) => x.response?.status)).toEqual(sent.map((s) => s.status));
    expect(sent.every((s) => s.status === 200)).toBe(true);
    expect(tape.exchanges.map((x) => x.seq)).toEqual(sent.map((_, i) => i + 1));
    const stripeIds = tape.exchanges.filter((x) => x.provider === 'stripe').map((x) => providers('stripe').interpret(x, tape).identity);
    expect(stripeIds.length - new Set(stripeIds).size).toBe(1);
    for (const x of tape.exchanges) {
      expect(x.recordedAt).toMatch(/[+-]\d\d:\d\d$/);
      expect(x.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('masks every signature, and the adapters still read every redacted exchange', () => {
    for (const x of tape.exchanges) {
      for (const name of ['stripe-signature', 'authorization']) if (name in x.headers) expect(x.headers[name]).toBe('***');
      expect(() => providers(x.provider).interpret(x, tape)).not.toThrow();
    }
    const fpx = tape.exchanges.find((x) => x.provider === 'fpx')!;
    expect(new URLSearchParams(fpx.body).get('fpx_checkSum')).toBe('***');
    expect(new URLSearchParams(fpx.body).get('fpx_buyerName')).toMatch(/^anon-/);
  });

  it("puts what the real Shopee API answered into the header, the buyer's name pseudonymised", () => {
    const escrow = shopeeEscrowOf(tape)[shopeeOrder] as { buyer_user_name: string; order_income: { escrow_amount: number } };
    expect(escrow.order_income.escrow_amount).toBe(11.03);
    expect(escrow.buyer_user_name).toMatch(/^anon-/);
    const calls = (tape.header.upstream?.['recordedCalls'] ?? []) as { api: string; path: string; query: Record<string, string> }[];
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls[0]).toMatchObject({ api: 'shopee', path: '/api/v2/payment/get_escrow_detail', query: { sign: '***', access_token: '***' } });
  });

  it('replayed once in order against a fresh service, with no faults, gets the recorded answers', async () => {
    await pglite.exec('truncate processed_events, orders, refunds, ledger_entries, ledger_transactions restart identity');
    const simulated = await createUpstream({ apis: [shopeeApi], tape });
    const fresh = createApp({ db: connect({ pglite }), config: merchantConfig(simulated.env['SHOPEE_API_BASE']!) });
    const replayer = createReplayer({ tape, providers, baseUrl: await listenApp(fresh), secrets: config.providers, redeliveryRounds: 0 });
    try {
      const outcomes = await replayer.replay(cleanSchedule(tape.exchanges.length));

      expect(outcomes.map((o) => o.status)).toEqual(tape.exchanges.map((x) => x.response?.status));
      expect(simulated.state(shopeeApi).log.map((c) => c.status)).toEqual([200]);
    } finally {
      await replayer.close();
      await closeServer(fresh);
      await simulated.close();
    }
  });

  it('replayed --exact by the engine against the reference service, reproduces every recorded answer and its books hold', async () => {
    const scenario = defineScenario({ name: 'recorded-incident', tapes: [join(dir, 'incident.jsonl')], faults: deliveryFaults() });
    const session = await openSession({ config, rootDir: root, tapes: [tape] });
    try {
      const result = await runScenario(session, scenario, { exact: true, tape });
      expect(result.status, formatResult(result).join('\n')).toBe('passed');
      expect(result.schedules).toBe(1);
      expect(result.answers?.compared).toBe(tape.exchanges.length);
      expect(result.answers?.differences).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe('idemgate record when the service is down', () => {
  it('answers 502 so the provider redelivers, records the attempt with a note, and says so once naming the URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idemgate-record-down-'));
    // A port nothing listens on: bound, then closed.
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const to = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await closeServer(gone);
    const log: string[] = [];
    const recorder = await createRecorder({
      to,
      listen: { host: '127.0.0.1', port: 0 },
      out: join(dir, 'down.jsonl'),
      endpoints,
      redactor: createRedactor({ key: randomBytes(32) }),
      log: (line) => log.push(line),
    });
    try {
      const stripe = await readTape(join(root, 'fixtures/tapes/stripe.jsonl'));

      const first = await deliver(recorder.url, stripe.exchanges[0]!, 1);
      const again = await deliver(recorder.url, stripe.exchanges[0]!, 2);
      const summary = await recorder.close();

      expect([first.status, again.status]).toEqual([502, 502]);
      expect(log).toHaveLength(1);
      expect(log[0]).toContain(to);
      const tape = await readTape(summary.file!);
      expect(tape.exchanges.map((x) => x.response?.status)).toEqual([502, 502]);
      expect(tape.exchanges[0]!.response?.headers['x-idemgate-record']).toMatch(/^target unreachable: ECONNREFUSED/);
    } finally {
      await recorder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('idemgate record between a curl-like client and a service that compresses', () => {
  it('passes Expect: 100-continue, sends the compressed bytes on and records the answer decoded and redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idemgate-record-gzip-'));
    const service = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"received":true,"email":"ali@example.my"}')));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const recorder = await createRecorder({
      to: `http://127.0.0.1:${(service.address() as AddressInfo).port}`,
      listen: { host: '127.0.0.1', port: 0 },
      out: join(dir, 'gzip.jsonl'),
      endpoints,
      redactor: createRedactor({ key: randomBytes(32) }),
    });
    try {
      const body = JSON.stringify({ id: 'evt_gzip', object: 'event', type: 'customer.created', created: 1, data: { object: { id: 'cus_1', object: 'customer' } } });
      const answer = await new Promise<{ status: number; encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        const req = httpRequest(`${recorder.url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', expect: '100-continue', 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.on('continue', () => req.end(body));
      });
      const summary = await recorder.close();

      expect(answer).toMatchObject({ status: 200, encoding: 'gzip' });
      const tape = await readTape(summary.file!);
      const response = tape.exchanges[0]!.response!;
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(response.body)).toMatchObject({ received: true, email: expect.stringMatching(/@pseudonym\.invalid$/) as unknown });
    } finally {
      await recorder.close();
      await closeServer(service);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
