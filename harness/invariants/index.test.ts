import { noFacts } from './facts.ts';
import { violationsOf } from './_testing/violations.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { openPglite } from '../db/pglite/pglite.ts';
import { createIsolatedDatabase } from '../db/postgres/postgres.ts';
import { truncateAll } from '../db/reset.ts';
import type { ProviderEvent } from '../providers/provider.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import {
  balancedTransactions,
  buildExpectations,
  createEntityReader,
  createLedgerReader,
  defaultInvariants,
  finalStatus,
  noResurrection,
  invariantApplies,
  ledgerMatchesCleanReplay,
  missingRequirements,
} from './index.ts';
import type { InvariantContext, LedgerRow } from './index.ts';

// The reference service's own schema (see the wire contract), mapped like a user would. The
// suite runs on PGlite, and on PostgreSQL too when DATABASE_URL is set (CI), because the
// invariants' SQL (multi-array unnest, filter, full join) must work on both.
const drivers: { name: string; open: () => Promise<Database> }[] = [
  { name: 'pglite', open: openPglite },
  ...(process.env.DATABASE_URL
    ? [{ name: 'postgres', open: () => createIsolatedDatabase(process.env.DATABASE_URL!, 'invariants') }]
    : []),
];

describe.each(drivers)('invariants on $name', ({ open }) => {
  let db: Database;
  const reset = truncateAll();
  beforeAll(async () => {
    db = await open();
    await db.exec(`
    create table ledger_entries (id serial primary key, txn_id text not null, account text not null,
      amount_minor bigint not null, currency text not null, reference text not null);
    create table orders (provider text not null, order_ref text not null, status text not null,
      primary key (provider, order_ref));`);
  });
  afterAll(() => db.close());
  beforeEach(() => reset.reset(db));

  const mapping = {
    table: 'ledger_entries',
    columns: {
      txnId: 'txn_id',
      account: 'account',
      amount: 'amount_minor',
      currency: 'currency',
      reference: 'reference',
    },
    cashAccounts: ['shopee_wallet', 'fpx_clearing', 'psp_clearing'],
  };

  const events: ProviderEvent[] = [
    { provider: 'stripe', identity: 'evt_1', entity: { entity: 'pi_1', status: 'processing', rank: 1, time: 1 } },
    {
      provider: 'stripe',
      identity: 'evt_2',
      entity: { entity: 'pi_1', status: 'succeeded', rank: 3, time: 2 },
      effect: { reference: 'pi_1', amountMinor: 15000, currency: 'MYR', direction: 'in' },
    },
    {
      provider: 'fpx',
      identity: 'FPX1:76',
      entity: { entity: 'S1', status: 'failed', rank: 2, time: 1 },
      noEffectReference: 'FPX1',
    },
  ];
  const deliveries: DeliveryOutcome[] = [0, 1, 2].map((exchange, step) => ({
    step,
    exchange,
    provider: 'stripe',
    attempt: 1,
    origin: 'schedule',
    result: 'answered',
    status: 200,
    body: '',
    acknowledged: true,
    startedAtMs: step,
    durationMs: 1,
  }));

  async function seedClean(): Promise<void> {
    await db.exec(`
    insert into ledger_entries (txn_id, account, amount_minor, currency, reference) values
      ('t1', 'psp_clearing', 15000, 'MYR', 'pi_1'), ('t1', 'sales', -15000, 'MYR', 'pi_1');
    insert into orders values ('stripe', 'pi_1', 'succeeded'), ('fpx', 'S1', 'failed');`);
  }

  async function context(baseline: LedgerRow[] | undefined): Promise<InvariantContext> {
    return {
      ledger: await createLedgerReader(db, mapping),
      entities: await createEntityReader(db, {
        table: 'orders',
        columns: { provider: 'provider', entity: 'order_ref', status: 'status' },
      }),
      expected: buildExpectations(events),
      deliveries,
      baseline,
      database: db,
      facts: noFacts,
    };
  }

  describe('defaultInvariants', () => {
    it('are the eight invariants in reporting order', () => {
      expect(defaultInvariants.map((i) => i.name)).toEqual([
        'balanced-transactions',
        'exactly-once-effect',
        'credited-amount',
        'no-effect-from-unsettled',
        'final-status',
        'no-resurrection',
        'ledger-matches-clean-replay',
        'deliveries-acknowledged',
      ]);
    });

    it('all hold on the clean books of the reference schema', async () => {
      await seedClean();
      const ctx = await context(await (await createLedgerReader(db, mapping)).rows());
      for (const invariant of defaultInvariants) expect(await violationsOf(invariant, ctx), invariant.name).toEqual([]);
    });

    it('a duplicated effect and a regressed status are caught by the invariants that should catch them', async () => {
      await seedClean();
      const baseline = await (await createLedgerReader(db, mapping)).rows();
      await db.exec(`
      insert into ledger_entries (txn_id, account, amount_minor, currency, reference) values
        ('t2', 'psp_clearing', 15000, 'MYR', 'pi_1'), ('t2', 'sales', -15000, 'MYR', 'pi_1');
      update orders set status = 'processing' where order_ref = 'pi_1';`);
      const ctx = await context(baseline);

      const failing: string[] = [];
      for (const invariant of defaultInvariants)
        if ((await violationsOf(invariant, ctx)).length > 0) failing.push(invariant.name);

      expect(failing).toEqual([
        'exactly-once-effect',
        'credited-amount',
        'final-status',
        'ledger-matches-clean-replay',
      ]);
    });
  });
});

describe('invariantApplies', () => {
  it('final-status and no-resurrection need entities, the clean-replay oracle a ledger and a baseline, the money invariants a ledger', () => {
    const entities = { rows: async () => [] };
    const ledger = { view: '(select 1)', cashAccounts: [], rows: async () => [], query: async () => [] };
    expect(invariantApplies(finalStatus, { ledger, entities: undefined, baseline: [], facts: noFacts })).toBe(false);
    expect(invariantApplies(finalStatus, { ledger: undefined, entities, baseline: undefined, facts: noFacts })).toBe(true);
    expect(invariantApplies(noResurrection, { ledger, entities: undefined, baseline: [], facts: noFacts })).toBe(false);
    expect(invariantApplies(ledgerMatchesCleanReplay, { ledger, entities, baseline: undefined, facts: noFacts })).toBe(false);
    expect(invariantApplies(ledgerMatchesCleanReplay, { ledger: undefined, entities, baseline: [], facts: noFacts })).toBe(false);
    expect(invariantApplies(ledgerMatchesCleanReplay, { ledger, entities: undefined, baseline: [], facts: noFacts })).toBe(true);
    const noLedger = { ledger: undefined, entities, baseline: [], facts: noFacts };
    expect(defaultInvariants.filter((i) => invariantApplies(i, noLedger)).map((i) => i.name)).toEqual(['final-status', 'no-resurrection', 'deliveries-acknowledged']);
    expect(missingRequirements(balancedTransactions, noLedger)).toEqual(['no ledger mapping in the config']);
  });
});
