import { resolve } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { defineConfig, type IdemgateConfig } from '../../config.ts';
import { reorderWithin, sequentialDuplicates } from '../../faults/index.ts';
import type { EntityMapping } from '../../invariants/ledger-mapping.ts';
import { runScenario } from '../../runner/run-scenario.ts';
import { defineScenario } from '../../runner/scenario.ts';
import { openSession, type Session } from '../../runner/session.ts';
import { readTape } from '../../tape/read.ts';
import { tapeOf } from '../_internals/test-tape.ts';
import { eventStream, stripeWebhookService } from './_testing/webhook-service.ts';

const rootDir = resolve(import.meta.dirname, '../../..');
const SECRET = 'whsec_subscription_state';

// Subscriptions that each end in a terminal status after going back and forth: a cancellation
// scheduled then reactivated, a failed renewal recovered, a pause and resume, then the end; an
// incomplete signup that expired. Checkout sessions and invoices come along; the service stores none.
const event = eventStream(); // each event a minute after the last
const sub = (id: string, status: string, cancelAtPeriodEnd = false) => ({
  id,
  object: 'subscription',
  customer: `cus_${id.slice(4)}`,
  status,
  cancel_at_period_end: cancelAtPeriodEnd,
});
const session = (id: string, subId: string) => ({
  id,
  object: 'checkout.session',
  amount_total: 4900,
  currency: 'myr',
  mode: 'subscription',
  payment_status: 'paid',
  status: 'complete',
  subscription: subId,
});
const invoice = (id: string, subId: string, status: string) => ({
  id,
  object: 'invoice',
  amount_due: 4900,
  amount_paid: status === 'paid' ? 4900 : 0,
  currency: 'myr',
  status,
  parent: {
    type: 'subscription_details',
    quote_details: null,
    subscription_details: { metadata: null, subscription: subId },
  },
});
const tape = tapeOf('stripe', '/billing/webhook', [
  event('evt_1', 'checkout.session.completed', session('cs_A', 'sub_A')),
  event('evt_2', 'customer.subscription.created', sub('sub_A', 'active')),
  event('evt_3', 'invoice.paid', invoice('in_A1', 'sub_A', 'paid')),
  event('evt_4', 'customer.subscription.updated', sub('sub_A', 'active', true)),
  event('evt_5', 'customer.subscription.updated', sub('sub_A', 'active')),
  event('evt_6', 'invoice.payment_failed', invoice('in_A2', 'sub_A', 'open')),
  event('evt_7', 'customer.subscription.updated', sub('sub_A', 'past_due')),
  event('evt_8', 'invoice.paid', invoice('in_A2', 'sub_A', 'paid')),
  event('evt_9', 'customer.subscription.updated', sub('sub_A', 'active')),
  event('evt_10', 'customer.subscription.deleted', sub('sub_A', 'canceled')),
  event('evt_11', 'customer.subscription.created', sub('sub_B', 'trialing')),
  event('evt_12', 'customer.subscription.updated', sub('sub_B', 'active')),
  event('evt_13', 'customer.subscription.paused', sub('sub_B', 'paused')),
  event('evt_14', 'customer.subscription.resumed', sub('sub_B', 'active')),
  event('evt_15', 'customer.subscription.deleted', sub('sub_B', 'canceled')),
  event('evt_16', 'customer.subscription.created', sub('sub_C', 'incomplete')),
  event('evt_17', 'customer.subscription.updated', sub('sub_C', 'incomplete_expired')),
]);

/**
 * A service without money: an `entitlements` row per subscription, its plan state overwritten by
 * each customer.subscription.* event. `latestByCreated: true` keeps the event time and ignores an
 * older one; without it a late retry of an old `active` brings a canceled customer back.
 */
function entitlementService(opts: { latestByCreated: boolean }): IdemgateConfig['target']['start'] {
  return {
    kind: 'in-process',
    start: async ({ database }) => {
      const guard = opts.latestByCreated ? 'where entitlements.as_of <= excluded.as_of' : '';
      return stripeWebhookService(
        SECRET,
        async (evt) => {
          if (evt.type.startsWith('customer.subscription.')) {
            const s = evt.data.object as Stripe.Subscription;
            await database.query(
              `insert into entitlements (sub_id, customer, plan_state, as_of) values ($1, $2, $3, $4)
                 on conflict (sub_id) do update set plan_state = excluded.plan_state, as_of = excluded.as_of ${guard}`,
              [s.id, String(s.customer), s.status, evt.created],
            );
          }
        },
        204,
      );
    },
  };
}

const stored: EntityMapping = {
  sql: `select 'stripe' as src, sub_id, plan_state from entitlements`,
  columns: { provider: 'src', entity: 'sub_id', status: 'plan_state' },
  providers: { stripe: '^sub_' },
};
const configOf = (latestByCreated: boolean, entities: EntityMapping = stored): IdemgateConfig =>
  defineConfig({
    target: { start: entitlementService({ latestByCreated }), settleMs: 0 },
    providers: { stripe: { endpointSecret: SECRET } },
    database: {
      migrate: (db) =>
        db.exec(`create table entitlements (sub_id text primary key, customer text not null, plan_state text not null, as_of bigint not null);
                 create table money (txn text, acct text, minor bigint, ccy text, ref text);`),
    },
    ledger: {
      table: 'money',
      columns: { txnId: 'txn', account: 'acct', amount: 'minor', currency: 'ccy', reference: 'ref' },
      cashAccounts: ['bank'],
    },
    entities,
  });

const scenario = defineScenario({
  name: 'keeps-subscription-state',
  tapes: ['in-memory'],
  faults: [sequentialDuplicates({ maxGap: 4 }), reorderWithin({ window: 4 })],
  runs: 40,
});

const sessions: Session[] = [];
const run = async (config: IdemgateConfig) => {
  const session = await openSession({ config, rootDir, tapes: [tape], databaseUrl: null });
  sessions.push(session);
  return runScenario(session, scenario, { seed: 5, tape });
};
afterAll(async () => {
  for (const s of sessions) await s.close();
});

describe('a subscription service without money, judged by state invariants only', () => {
  it('passes clean with an entity mapping scoped to sub_…: checkout sessions and invoices it does not store are not applicable', async () => {
    const result = await run(configOf(true));
    expect(result.status === 'failed' ? result.counterexample.violations.map((v) => v.message) : []).toEqual([]);
    expect(result.status).toBe('passed');
  });

  it('without the scope, names the sessions and invoices it never stored on the clean replay', async () => {
    const { providers: _, ...unscoped } = stored;
    const result = await run(configOf(true, unscoped));
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.path).toBe('');
    expect(
      result.shrunkFrom!.violations
        .map((v) => v.message)
        .filter((m) => m.includes('has no stored status'))
        .sort(),
    ).toEqual([
      'stripe entity cs_A has no stored status, expected paid',
      'stripe entity in_A1 has no stored status, expected paid',
      'stripe entity in_A2 has no stored status, expected paid',
    ]);
  });

  it('fails no-resurrection when the latest-by-created guard is dropped: a late retry of an old event brings a canceled subscription back', async () => {
    const result = await run(configOf(false));
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    const resurrected = result.counterexample.violations
      .filter((v) => v.invariant === 'no-resurrection')
      .map((v) => v.message);
    expect(resurrected.length).toBeGreaterThan(0);
    expect(resurrected[0]).toMatch(
      /^stripe entity sub_[ABC] is stored as (active|trialing|paused|past_due|incomplete), but it ended (canceled|incomplete_expired) at .+ and no later event says \1$/,
    );
  });
});

describe('the same service on the bundled stripe-billing.jsonl', () => {
  const bundled = defineScenario({
    name: 'keeps-subscription-state-bundled',
    tapes: ['fixtures/tapes/stripe-billing.jsonl'],
    faults: [sequentialDuplicates({ maxGap: 6 }), reorderWithin({ window: 6 })],
    runs: 20,
  });
  const runBundled = async (latestByCreated: boolean) => {
    const billing = await readTape(resolve(rootDir, 'fixtures/tapes/stripe-billing.jsonl'));
    const session = await openSession({
      config: configOf(latestByCreated),
      rootDir,
      tapes: [billing],
      databaseUrl: null,
    });
    sessions.push(session);
    return runScenario(session, bundled, { seed: 5, tape: billing });
  };

  it('passes clean with its guard and fails no-resurrection without it', async () => {
    const guarded = await runBundled(true);
    expect(guarded.status === 'failed' ? guarded.counterexample.violations.map((v) => v.message) : []).toEqual([]);
    expect(guarded.status).toBe('passed');
    const unguarded = await runBundled(false);
    expect(unguarded.status).toBe('failed');
    if (unguarded.status !== 'failed') return;
    expect(unguarded.counterexample.violations.map((v) => v.invariant)).toContain('no-resurrection');
  }, 300_000);
});
