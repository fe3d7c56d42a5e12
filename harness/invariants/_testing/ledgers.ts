import { noFacts } from '../facts.ts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openPglite } from '../../db/pglite/pglite.ts';
/**
 * Test support: hand-made ledgers in two schemas that are NOT the reference service's, so the
 * invariants are exercised through the mapping. Rows are written debit-positive and each kind
 * stores them its own way.
 */
import type { Database } from '../../db/database.ts';
import { truncateAll } from '../../db/reset.ts';
import type { DeliveryOutcome } from '../../replay/outcome.ts';
import type { ProviderEvent } from '../../providers/provider.ts';
import { buildExpectations } from '../expectations.ts';
import { createLedgerReader } from '../ledger-reader.ts';
import type { EntityReader, InvariantContext, LedgerRow } from '../invariant.ts';
import type { LedgerMapping } from '../ledger-mapping.ts';

/** [txnId, account, amount (debit-positive), currency, reference ('' = none)] */
export type Posting = readonly [string, string, number, string, string];

export interface LedgerKind {
  name: string;
  mapping: LedgerMapping;
  insert(db: Database, postings: readonly Posting[]): Promise<void>;
}

export const CASH = ['bank', 'psp_clearing'];

/** journal(jid, acct, dr, cr, ccy, ext_ref): a debit/credit pair, lower-case currency, null references. */
export const debitCreditJournal: LedgerKind = {
  name: 'debit/credit journal table',
  mapping: {
    table: 'journal',
    columns: { txnId: 'jid', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: CASH,
  },
  async insert(db, postings) {
    for (const [txn, account, amount, currency, reference] of postings) {
      await db.query('insert into journal (jid, acct, dr, cr, ccy, ext_ref) values ($1, $2, $3, $4, $5, $6)', [
        txn,
        account,
        amount > 0 ? amount : 0,
        amount < 0 ? -amount : 0,
        currency.toLowerCase(),
        reference === '' ? null : reference,
      ]);
    }
  },
};

/** gl_postings: one credit-positive signed column, the reference inside a jsonb memo, read through `sql`. */
export const creditPositiveSql: LedgerKind = {
  name: 'credit-positive signed column via sql',
  mapping: {
    sql: `select batch, gl_code, amt_cr, cur, memo->>'ref' as ext from gl_postings`,
    columns: { txnId: 'batch', account: 'gl_code', amount: 'amt_cr', currency: 'cur', reference: 'ext' },
    sign: 'credit-positive',
    cashAccounts: CASH,
  },
  async insert(db, postings) {
    for (const [txn, account, amount, currency, reference] of postings) {
      await db.query('insert into gl_postings (batch, gl_code, amt_cr, cur, memo) values ($1, $2, $3, $4, $5)', [
        txn,
        account,
        -amount,
        currency,
        JSON.stringify(reference === '' ? {} : { ref: reference }),
      ]);
    }
  },
};

export const ledgerKinds = [debitCreditJournal, creditPositiveSql];

export async function createTestSchemas(db: Database): Promise<void> {
  await db.exec(`
    create table journal (line serial primary key, jid text not null, acct text not null,
      dr bigint not null default 0, cr bigint not null default 0, ccy char(3) not null, ext_ref text);
    create table gl_postings (id serial primary key, batch text not null, gl_code text not null,
      amt_cr bigint not null, cur text not null, memo jsonb not null);
    create table shop_orders (src text not null, order_no text not null, state text not null);`);
}

export const resetTestSchemas = truncateAll();

/**
 * One PGlite for a test file (it takes seconds to start) with the test ledgers created, emptied
 * before each test. Returns a getter, since the database exists only once beforeAll has run.
 */
export function useTestLedgerDb(): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openPglite();
    await createTestSchemas(db);
  });
  afterAll(() => db?.close());
  beforeEach(() => resetTestSchemas.reset(db!));
  return () => db!;
}

/** A payment received: debit the cash account, credit sales. */
export const received = (
  txn: string,
  reference: string,
  amount: number,
  cash = 'bank',
  currency = 'MYR',
): Posting[] => [
  [txn, cash, amount, currency, reference],
  [txn, 'sales', -amount, currency, reference],
];

/** A refund paid: debit sales, credit the cash account. */
export const refunded = (txn: string, reference: string, amount: number, cash = 'psp_clearing'): Posting[] => [
  [txn, 'sales', amount, 'MYR', reference],
  [txn, cash, -amount, 'MYR', reference],
];

let seq = 0;
export const paymentEvent = (
  reference: string,
  amountMinor: number,
  direction: 'in' | 'out' = 'in',
): ProviderEvent => ({
  provider: 'stripe',
  identity: `evt_${++seq}_${reference}`,
  effect: { reference, amountMinor, currency: 'MYR', direction },
});

export const failedEvent = (reference: string): ProviderEvent => ({
  provider: 'stripe',
  identity: `evt_${++seq}_${reference}_failed`,
  noEffectReference: reference,
});

export async function contextFor(
  db: Database,
  kind: LedgerKind,
  options: {
    events?: ProviderEvent[];
    deliveries?: DeliveryOutcome[];
    baseline?: LedgerRow[];
    entities?: EntityReader;
  } = {},
): Promise<InvariantContext> {
  return {
    ledger: await createLedgerReader(db, kind.mapping),
    entities: options.entities,
    expected: buildExpectations(options.events ?? []),
    deliveries: options.deliveries ?? [],
    facts: noFacts,
    baseline: options.baseline,
    database: db,
  };
}
