import { resolve } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { defineConfig, type IdemgateConfig } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { reorderWithin, sequentialDuplicates } from '../../faults/index.ts';
import { runScenario } from '../../runner/run-scenario.ts';
import { defineScenario } from '../../runner/scenario.ts';
import { openSession, type Session } from '../../runner/session.ts';
import { readTape } from '../../tape/read.ts';
import { tapeOf } from '../_internals/test-tape.ts';
import { eventStream, stripeWebhookService } from './_testing/webhook-service.ts';

const rootDir = resolve(import.meta.dirname, '../../..');
const SECRET = 'whsec_billing_effects';

// What a SaaS backend subscribed to Checkout, subscriptions and invoices receives: a card checkout
// paid at once, an async (bank) checkout paid later, one that failed, one that expired; invoices
// that fire invoice.paid and invoice.payment_succeeded both, one after a failed attempt.
const event = eventStream(); // each event a minute after the last
const session = (
  id: string,
  amount: number,
  paymentStatus: string,
  subscription: string | null,
  status = 'complete',
) => ({
  id,
  object: 'checkout.session',
  amount_total: amount,
  currency: 'myr',
  mode: 'subscription',
  payment_status: paymentStatus,
  status,
  subscription,
});
const invoice = (id: string, sub: string, amount: number, status: string) => ({
  id,
  object: 'invoice',
  amount_due: amount,
  amount_paid: status === 'paid' ? amount : 0,
  currency: 'myr',
  status,
  parent: {
    type: 'subscription_details',
    quote_details: null,
    subscription_details: { metadata: null, subscription: sub },
  },
});
const subscription = (id: string, status: string) => ({
  id,
  object: 'subscription',
  customer: `cus_${id.slice(4)}`,
  status,
});
const tape = tapeOf('stripe', '/stripe/events', [
  event('evt_1', 'checkout.session.completed', session('cs_A', 4900, 'paid', 'sub_A')),
  event('evt_2', 'customer.subscription.created', subscription('sub_A', 'active')),
  event('evt_3', 'invoice.finalized', invoice('in_A1', 'sub_A', 4900, 'open')),
  event('evt_4', 'invoice.paid', invoice('in_A1', 'sub_A', 4900, 'paid')),
  event('evt_5', 'invoice.payment_succeeded', invoice('in_A1', 'sub_A', 4900, 'paid')),
  event('evt_6', 'checkout.session.completed', session('cs_B', 9900, 'unpaid', 'sub_B')),
  event('evt_7', 'customer.subscription.created', subscription('sub_B', 'incomplete')),
  event('evt_8', 'checkout.session.async_payment_succeeded', session('cs_B', 9900, 'paid', 'sub_B')),
  event('evt_9', 'invoice.payment_succeeded', invoice('in_B1', 'sub_B', 9900, 'paid')),
  event('evt_10', 'invoice.paid', invoice('in_B1', 'sub_B', 9900, 'paid')),
  event('evt_11', 'customer.subscription.updated', subscription('sub_B', 'active')),
  event('evt_12', 'checkout.session.completed', session('cs_C', 4900, 'unpaid', 'sub_C')),
  event('evt_13', 'checkout.session.async_payment_failed', session('cs_C', 4900, 'unpaid', 'sub_C')),
  event('evt_14', 'checkout.session.expired', session('cs_D', 4900, 'unpaid', null, 'expired')),
  event('evt_15', 'invoice.payment_failed', invoice('in_A2', 'sub_A', 4900, 'open')),
  event('evt_16', 'customer.subscription.updated', subscription('sub_A', 'past_due')),
  event('evt_17', 'invoice.paid', invoice('in_A2', 'sub_A', 4900, 'paid')),
  event('evt_18', 'invoice.payment_succeeded', invoice('in_A2', 'sub_A', 4900, 'paid')),
  event('evt_19', 'customer.subscription.updated', subscription('sub_A', 'active')),
]);

type Booker = (db: Database, evt: Stripe.Event) => Promise<void>;

/** A Stripe endpoint on port 0 that verifies with the official SDK and hands the event to `book`. */
function stripeEndpoint(book: Booker): IdemgateConfig['target']['start'] {
  return {
    kind: 'in-process',
    start: ({ database }) => stripeWebhookService(SECRET, (evt) => book(database, evt)),
  };
}

const post = (db: Database, entry: string, cents: number, cur: string, ref: string) =>
  db.query(
    `insert into billing_entries (entry, bucket, cents, cur, source_ref) values ($1, 'stripe_balance', $2, $3, $4), ($1, 'subscription_revenue', $5, $3, $4)`,
    [entry, cents, cur, ref, -cents],
  );

/**
 * Books revenue from invoice.paid only (invoice.payment_succeeded is ignored; invoices of 0 too), deduped by a
 * primary key on the invoice id. `dedupe: false` drops it: a redelivered invoice.paid books again.
 */
const invoiceService =
  (opts: { dedupe: boolean }): Booker =>
  async (db, evt) => {
    if (evt.type !== 'invoice.paid') return;
    const inv = evt.data.object;
    // A trial's invoice of 0 moves no money (the adapter expects no effect for it either).
    if (inv.amount_paid === 0) return;
    if (opts.dedupe) {
      const fresh = await db.query(
        'insert into paid_invoices (invoice_id) values ($1) on conflict do nothing returning invoice_id',
        [inv.id],
      );
      if (fresh.length === 0) return;
    }
    await post(db, `${inv.id}/${evt.id}`, inv.amount_paid, inv.currency.toUpperCase(), inv.id ?? '');
  };

/**
 * Books revenue from a paid checkout.session.completed or async_payment_succeeded, deduped by
 * the session id in a fulfilled-orders table. `dedupe: false` checks nothing.
 */
const checkoutService =
  (opts: { dedupe: boolean }): Booker =>
  async (db, evt) => {
    const paid =
      (evt.type === 'checkout.session.completed' && evt.data.object.payment_status === 'paid') ||
      evt.type === 'checkout.session.async_payment_succeeded';
    if (!paid) return;
    const cs = evt.data.object;
    if (opts.dedupe) {
      const fresh = await db.query(
        `insert into fulfilled_checkouts (session) values ($1) on conflict do nothing returning session`,
        [cs.id],
      );
      if (fresh.length === 0) return;
    }
    await post(db, `${cs.id}/${evt.id}`, cs.amount_total ?? 0, (cs.currency ?? '').toUpperCase(), cs.id);
  };

const configOf = (book: Booker, payments: string): IdemgateConfig =>
  defineConfig({
    target: { start: stripeEndpoint(book), settleMs: 0 },
    providers: { stripe: { endpointSecret: SECRET } },
    providerSettings: { stripe: { effects: { payments } } },
    database: {
      migrate: (db) =>
        db.exec(`create table billing_entries (entry text, bucket text, cents bigint, cur text, source_ref text);
                 create table paid_invoices (invoice_id text primary key);
                 create table fulfilled_checkouts (session text primary key);`),
    },
    ledger: {
      table: 'billing_entries',
      columns: { txnId: 'entry', account: 'bucket', amount: 'cents', currency: 'cur', reference: 'source_ref' },
      cashAccounts: ['stripe_balance'],
    },
  });

const scenario = defineScenario({
  name: 'books-billing-revenue',
  tapes: ['in-memory'],
  faults: [sequentialDuplicates({ maxGap: 3 }), reorderWithin({ window: 4 })],
  runs: 30,
});

const sessions: Session[] = [];
const run = async (config: IdemgateConfig) => {
  const session = await openSession({ config, rootDir, tapes: [tape], databaseUrl: null });
  sessions.push(session);
  return runScenario(session, scenario, { seed: 11, tape });
};
const messages = (result: Awaited<ReturnType<typeof run>>) =>
  result.status === 'failed' ? result.counterexample.violations.map((v) => v.message) : [];
afterAll(async () => {
  for (const s of sessions) await s.close();
});

describe('a service that books revenue from invoice.paid', () => {
  it("passes clean with providerSettings.stripe.effects.payments = 'invoice' alone", async () => {
    const result = await run(configOf(invoiceService({ dedupe: true }), 'invoice'));
    expect(messages(result)).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.unmodelled ?? []).toEqual([]);
  });

  it('fails when its per-invoice dedupe is dropped: a redelivered invoice.paid books twice', async () => {
    const result = await run(configOf(invoiceService({ dedupe: false }), 'invoice'));
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.counterexample.violations.find((v) => v.invariant === 'credited-amount')?.message).toMatch(
      /^reference in_(A1|A2|B1): net cash movement is (9800|19800) MYR, expected (4900|9900)$/,
    );
  });
});

describe('a service that books revenue from checkout.session.completed', () => {
  it("passes clean with providerSettings.stripe.effects.payments = 'checkout_session' alone", async () => {
    const result = await run(configOf(checkoutService({ dedupe: true }), 'checkout_session'));
    expect(messages(result)).toEqual([]);
    expect(result.status).toBe('passed');
  });

  it('fails when its per-session dedupe is dropped: a redelivered paid session books twice', async () => {
    const result = await run(configOf(checkoutService({ dedupe: false }), 'checkout_session'));
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.counterexample.violations.find((v) => v.invariant === 'credited-amount')?.message).toMatch(
      /^reference cs_(A|B): net cash movement is (9800|19800) MYR, expected (4900|9900)$/,
    );
  });

  it('is told an effect is missing for every paid session under the invoice model', async () => {
    const result = await run(configOf(checkoutService({ dedupe: true }), 'invoice'));
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.path).toBe('');
    expect(
      result.shrunkFrom!.violations
        .filter((v) => v.invariant === 'exactly-once-effect')
        .map((v) => v.message.split(' is ')[0])
        .sort(),
    ).toEqual(['effect for reference in_A1', 'effect for reference in_A2', 'effect for reference in_B1']);
  });
});

describe('both services on the bundled stripe-billing.jsonl', () => {
  const bundled = defineScenario({
    name: 'books-billing-revenue-bundled',
    tapes: ['fixtures/tapes/stripe-billing.jsonl'],
    faults: [sequentialDuplicates({ maxGap: 4 })],
    runs: 15,
  });
  const runBundled = async (config: IdemgateConfig) => {
    const billing = await readTape(resolve(rootDir, 'fixtures/tapes/stripe-billing.jsonl'));
    const session = await openSession({ config, rootDir, tapes: [billing], databaseUrl: null });
    sessions.push(session);
    return runScenario(session, bundled, { seed: 2, tape: billing });
  };

  it('pass clean with their payments model, and fail without their dedupe', async () => {
    for (const [book, drop, payments] of [
      [invoiceService({ dedupe: true }), invoiceService({ dedupe: false }), 'invoice'],
      [checkoutService({ dedupe: true }), checkoutService({ dedupe: false }), 'checkout_session'],
    ] as const) {
      const clean = await runBundled(configOf(book, payments));
      expect(messages(clean), payments).toEqual([]);
      expect(clean.status, payments).toBe('passed');
      expect((await runBundled(configOf(drop, payments))).status, payments).toBe('failed');
    }
  }, 400_000);
});
