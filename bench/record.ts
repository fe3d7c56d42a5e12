/**
 * What `idemgate record` costs a provider's delivery: Stripe webhooks sent to the reference
 * service (in this process, on PGlite) directly and through the recorder (forwarding, redaction,
 * one tape line per delivery), in alternating blocks in one run; prints the latency of each and
 * the ratio. Every delivery is a redelivery of an event the service already booked, so both sides
 * do the same work. Absolute times vary 2–3× with machine load; the ratio is the figure. Usage:
 *   npx tsx bench/record.ts [requests per side]      # default 400
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'undici';
import config from '../idemgate.config.ts';
import { createApp } from '../fixtures/merchant-service/src/app.ts';
import { connect, migrate } from '../fixtures/merchant-service/src/db.ts';
import { SHOPEE_TEST_SECRETS } from '../harness/providers/shopee/api.ts';
import { adapterResolver } from '../harness/providers/registry.ts';
import { createRecorder } from '../harness/record/recorder.ts';
import { createRedactor } from '../harness/record/redact.ts';
import { readTape } from '../harness/tape/read.ts';

const perSide = Number(process.argv[2] ?? 400);
const BLOCK = 50;

const pglite = new PGlite();
await migrate(connect({ pglite }));
const secrets = config.providers;
const app = createApp({
  db: connect({ pglite }),
  config: {
    shopee: { ...SHOPEE_TEST_SECRETS, apiBase: 'http://127.0.0.1:9' },
    fpx: { publicKeyPem: secrets['fpx']!['publicKeyPem']! },
    stripe: { endpointSecret: secrets['stripe']!['endpointSecret']!, toleranceS: 300 },
  },
});
await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
const direct = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
const dir = mkdtempSync(join(tmpdir(), 'idemgate-bench-record-'));
const out = join(dir, 'bench.jsonl');
const recorder = await createRecorder({
  to: direct,
  listen: { host: '127.0.0.1', port: 0 },
  out,
  endpoints: config.target.endpoints!,
  redactor: createRedactor({ key: randomBytes(32) }),
});

const tape = await readTape(new URL('../fixtures/tapes/stripe.jsonl', import.meta.url).pathname);
const stripe = adapterResolver(config)('stripe');
const pools = new Map([direct, recorder.url].map((base) => [base, new Pool(base, { connections: 1 })]));

async function send(base: string, i: number): Promise<number> {
  const exchange = tape.exchanges[i % tape.exchanges.length]!;
  const url = `${base}${exchange.path}`;
  const signed = stripe.sign(exchange, { secrets: secrets['stripe']!, now: new Date(), url, attempt: 1 });
  const started = performance.now();
  const answer = await pools.get(base)!.request({ path: exchange.path, method: 'POST', headers: signed.headers, body: signed.body });
  await answer.body.text();
  if (answer.statusCode !== 200) throw new Error(`${url}: ${answer.statusCode}`);
  return performance.now() - started;
}

// Book every event once, so that both sides then do the same work (a redelivery), and warm up.
for (let i = 0; i < tape.exchanges.length; i++) await send(direct, i);
for (let i = 0; i < 20; i++) await send(recorder.url, i);

const times = new Map<string, number[]>([[direct, []], [recorder.url, []]]);
for (let done = 0; done < perSide; done += BLOCK) {
  for (const base of [direct, recorder.url]) {
    for (let i = done; i < Math.min(done + BLOCK, perSide); i++) times.get(base)!.push(await send(base, i));
  }
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const total = xs.reduce((a, b) => a + b, 0);
  return { median: at(0.5), p95: at(0.95), perSecond: (xs.length / total) * 1000 };
};
const a = stats(times.get(direct)!);
const b = stats(times.get(recorder.url)!);
const summary = await recorder.close();
const row = (label: string, s: ReturnType<typeof stats>) =>
  `${label.padEnd(18)} median ${s.median.toFixed(2)} ms   p95 ${s.p95.toFixed(2)} ms   ${s.perSecond.toFixed(0)} requests/s`;
console.log(`Stripe redeliveries to the reference service (PGlite, in-process), ${perSide} per side, sequential, alternating blocks of ${BLOCK}:`);
console.log(row('direct', a));
console.log(row('through recorder', b));
console.log(
  `ratio (recorder / direct): median latency ${(b.median / a.median).toFixed(2)}×, p95 ${(b.p95 / a.p95).toFixed(2)}×, throughput ${(b.perSecond / a.perSecond).toFixed(2)}×; ` +
    `${summary.exchanges} exchanges, ${(statSync(out).size / 1024).toFixed(0)} KiB of tape`,
);

await Promise.all([...pools.values()].map((p) => p.close()));
app.closeAllConnections();
await new Promise((resolve) => app.close(resolve));
await pglite.close();
rmSync(dir, { recursive: true, force: true });
