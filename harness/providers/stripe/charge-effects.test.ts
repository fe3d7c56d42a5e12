import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineConfig, type IdemgateConfig } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { reorderWithin, sequentialDuplicates } from '../../faults/index.ts';
import { runScenario } from '../../runner/run-scenario.ts';
import { defineScenario } from '../../runner/scenario.ts';
import { openSession, type Session } from '../../runner/session.ts';
import { readTape } from '../../tape/read.ts';
import { eventStream, stripeWebhookService } from './_testing/webhook-service.ts';
import { tapeOf } from '../_internals/test-tape.ts';

const rootDir = resolve(import.meta.dirname, '../../..');
const SECRET = 'whsec_charge_effects';

// A tape a service subscribed to payment_intent.*, charge.* and refund.* receives: two partial
// refunds of one charge, a full refund of another, and an event no adapter models.
const event = eventStream(); // each event a minute after the last
const pi = (id: string, amount: number) => ({
  id,
  object: 'payment_intent',
  amount,
  amount_received: amount,
  currency: 'myr',
  status: 'succeeded',
  latest_charge: `ch_${id.slice(3)}`,
});
const charge = (id: string, pi: string, amount: number, refunded: number) => ({
  id,
  object: 'charge',
  amount,
  amount_captured: amount,
  amount_refunded: refunded,
  captured: true,
  currency: 'myr',
  payment_intent: pi,
  refunded: refunded === amount,
  status: 'succeeded',
});
const refund = (id: string, ch: string, pi: string, amount: number) => ({
  id,
  object: 'refund',
  amount,
  charge: ch,
  currency: 'myr',
  payment_intent: pi,
  status: 'succeeded',
});
const tape = tapeOf('stripe', '/hooks/stripe', [
  event('evt_1', 'payment_intent.succeeded', pi('pi_A1', 10000)),
  event('evt_2', 'charge.succeeded', charge('ch_A1', 'pi_A1', 10000, 0)),
  event('evt_3', 'refund.created', refund('re_A1a', 'ch_A1', 'pi_A1', 3000)),
  event('evt_4', 'charge.refunded', charge('ch_A1', 'pi_A1', 10000, 3000)),
  event('evt_5', 'refund.created', refund('re_A1b', 'ch_A1', 'pi_A1', 2000)),
  event('evt_6', 'charge.refunded', charge('ch_A1', 'pi_A1', 10000, 5000)),
  event('evt_7', 'payment_intent.succeeded', pi('pi_B2', 4500)),
  event('evt_8', 'refund.created', refund('re_B2', 'ch_B2', 'pi_B2', 4500)),
  event('evt_9', 'charge.refunded', charge('ch_B2', 'pi_B2', 4500, 4500)),
  event('evt_10', 'customer.created', { id: 'cus_1', object: 'customer' }),
]);

/**
 * A small service in another style than fixtures/merchant-service: raw SQL, the official SDK's
 * constructEvent, payments from payment_intent.succeeded deduped by event id, refunds as the delta
 * of charge.refunded's amount_refunded over the total it has stored per charge. `keepsTotal: false`
 * drops the refund guard: the stored total is never advanced, so a redelivery books again.
 */
function chargeBookingService(opts: { keepsTotal: boolean }): IdemgateConfig['target']['start'] {
  return {
    kind: 'in-process',
    start: async ({ database }) => {
      const book = (db: Database, txn: string, amount: number, ccy: string, ref: string) =>
        db.query(
          'insert into money_moves (move_id, pocket, sen, ccy, ext) values ($1, $2, $3, $4, $5), ($1, $6, $7, $4, $5)',
          [txn, 'till', amount, ccy, ref, 'revenue', -amount],
        );
      return stripeWebhookService(SECRET, async (evt) => {
        if (evt.type === 'payment_intent.succeeded') {
          const fresh = await database.query(
            'insert into seen_events (id) values ($1) on conflict do nothing returning id',
            [evt.id],
          );
          if (fresh.length > 0)
            await book(
              database,
              evt.id,
              evt.data.object.amount_received,
              evt.data.object.currency.toUpperCase(),
              evt.data.object.id,
            );
        } else if (evt.type === 'charge.refunded') {
          const ch = evt.data.object;
          const stored = await database.query<{ total: number }>(
            'select total from refunded_totals where charge = $1',
            [ch.id],
          );
          const delta = ch.amount_refunded - Number(stored[0]?.total ?? 0);
          if (delta > 0) {
            await book(database, evt.id, -delta, ch.currency.toUpperCase(), ch.id);
            if (opts.keepsTotal) {
              await database.query(
                'insert into refunded_totals (charge, total) values ($1, $2) on conflict (charge) do update set total = greatest(refunded_totals.total, excluded.total)',
                [ch.id, ch.amount_refunded],
              );
            }
          }
        }
      });
    },
  };
}

/**
 * Another style again: payments booked from charge.succeeded under the charge id, refunds per
 * Refund, each deduped by a primary key on the object it books (not on the event).
 */
function chargePaymentService(): IdemgateConfig['target']['start'] {
  return {
    kind: 'in-process',
    start: async ({ database }) => {
      const bookOnce = async (id: string, amount: number, ccy: string) => {
        const fresh = await database.query(
          'insert into booked_objects (id) values ($1) on conflict do nothing returning id',
          [id],
        );
        if (fresh.length === 0) return;
        await database.query(
          'insert into money_moves (move_id, pocket, sen, ccy, ext) values ($1, $2, $3, $4, $1), ($1, $5, $6, $4, $1)',
          [id, 'till', amount, ccy, 'revenue', -amount],
        );
      };
      return stripeWebhookService(SECRET, async (evt) => {
        if (evt.type === 'charge.succeeded' && evt.data.object.captured) {
          await bookOnce(evt.data.object.id, evt.data.object.amount_captured, evt.data.object.currency.toUpperCase());
        } else if (
          (evt.type === 'refund.created' || evt.type === 'refund.updated') &&
          evt.data.object.status === 'succeeded'
        ) {
          await bookOnce(evt.data.object.id, -evt.data.object.amount, evt.data.object.currency.toUpperCase());
        }
      });
    },
  };
}

const configOf = (
  keepsTotal: boolean,
  settings: IdemgateConfig['providerSettings'],
  start = chargeBookingService({ keepsTotal }),
): IdemgateConfig =>
  defineConfig({
    target: { start, settleMs: 0 },
    providers: { stripe: { endpointSecret: SECRET } },
    ...(settings === undefined ? {} : { providerSettings: settings }),
    database: {
      migrate: (db) =>
        db.exec(`create table money_moves (move_id text, pocket text, sen bigint, ccy text, ext text);
                 create table seen_events (id text primary key);
                 create table refunded_totals (charge text primary key, total bigint not null);
                 create table booked_objects (id text primary key);`),
    },
    ledger: {
      table: 'money_moves',
      columns: { txnId: 'move_id', account: 'pocket', amount: 'sen', currency: 'ccy', reference: 'ext' },
      cashAccounts: ['till'],
    },
  });

const scenario = defineScenario({
  name: 'books-refunds-from-charge-refunded',
  tapes: ['in-memory'],
  faults: [sequentialDuplicates({ maxGap: 3 }), reorderWithin({ window: 4 })],
  runs: 40,
});
const DELTAS = { stripe: { effects: { refunds: 'charge.refunded-delta' } } };

const sessions: Session[] = [];
const open = async (config: IdemgateConfig) => {
  const session = await openSession({ config, rootDir, tapes: [tape], databaseUrl: null });
  sessions.push(session);
  return session;
};
afterAll(async () => {
  for (const s of sessions) await s.close();
});

describe('a service that books refunds from charge.refunded', () => {
  it('passes clean with providerSettings.stripe.effects.refunds = charge.refunded-delta, and lists the unmodelled event once', async () => {
    const result = await runScenario(await open(configOf(true, DELTAS)), scenario, { seed: 7, tape });
    expect(result.status === 'failed' ? result.counterexample.violations.map((v) => v.message) : []).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.unmodelled).toEqual(['stripe event type customer.created']);
  });

  it('gets a missing re_… effect for every refund under the default model (per Refund)', async () => {
    const result = await runScenario(await open(configOf(true, undefined)), scenario, { seed: 7, tape });
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.path).toBe('');
    expect(
      // What the whole clean replay broke (the counterexample is shrunk to one refund).
      result.shrunkFrom!.violations.filter((v) => v.invariant === 'exactly-once-effect').map((v) => v.message),
    ).toEqual([
      'effect for reference re_A1a is missing: no transaction moves cash on (till)',
      'effect for reference re_A1b is missing: no transaction moves cash on (till)',
      'effect for reference re_B2 is missing: no transaction moves cash on (till)',
    ]);
  });

  it('fails when the refund guard (the stored running total) is dropped', async () => {
    const result = await runScenario(await open(configOf(false, DELTAS)), scenario, { seed: 7, tape });
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.counterexample.violations.map((v) => v.invariant)).toContain('credited-amount');
  });
});

describe('a service that books payments from charge.succeeded (the generated stripe-charges.jsonl)', () => {
  const chargesScenario = defineScenario({
    name: 'books-payments-from-charges',
    tapes: ['fixtures/tapes/stripe-charges.jsonl'],
    faults: [sequentialDuplicates({ maxGap: 3 })],
    runs: 10,
  });

  it('passes clean with providerSettings.stripe.effects.payments = charge, and is missing every pi_… effect under the default model', async () => {
    const charges = await readTape(resolve(rootDir, 'fixtures/tapes/stripe-charges.jsonl'));
    const open2 = async (settings: IdemgateConfig['providerSettings']) => {
      const session = await openSession({
        config: configOf(true, settings, chargePaymentService()),
        rootDir,
        tapes: [charges],
        databaseUrl: null,
      });
      sessions.push(session);
      return session;
    };
    const byCharge = await runScenario(await open2({ stripe: { effects: { payments: 'charge' } } }), chargesScenario, {
      seed: 3,
      tape: charges,
    });
    expect(byCharge.status === 'failed' ? byCharge.counterexample.violations.map((v) => v.message) : []).toEqual([]);
    expect(byCharge.status).toBe('passed');
    const byDefault = await runScenario(await open2(undefined), chargesScenario, { seed: 3, tape: charges });
    expect(byDefault.status).toBe('failed');
    if (byDefault.status !== 'failed') return;
    const missing = byDefault.shrunkFrom!.violations
      .filter((v) => v.invariant === 'exactly-once-effect')
      .map((v) => v.message);
    expect(missing.length).toBe(18);
    expect(missing.every((m) => /^effect for reference pi_\w+ is missing/.test(m))).toBe(true);
  }, 300_000);
});
