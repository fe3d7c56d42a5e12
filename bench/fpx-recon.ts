/**
 * Reconciliation figures: rows/second the strict parser reads on an N-row file (default
 * 1,000,000; the file is built in memory, never checked in), and the time of the five
 * reconciliation invariants on a ledger of that size (PostgreSQL at DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, in a scratch schema).
 *   npx tsx bench/fpx-recon.ts [rows]
 */
import pg from 'pg';
import { openDatabase } from '../harness/db/open.ts';
import { fpxMerchantFormat } from '../harness/recon/format/merchant-file.ts';
import type { ReconFile } from '../harness/recon/format/types.ts';
import { buildExpectations } from '../harness/invariants/expectations.ts';
import { createLedgerReader } from '../harness/invariants/ledger-reader.ts';
import { reconInvariants } from '../harness/recon/invariants/index.ts';
import { RECON_FACTS, type ReconFacts } from '../harness/recon/facts.ts';
import { fact, factsOf } from '../harness/invariants/facts.ts';
import { judge } from '../harness/invariants/index.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const id = (i: number) => `26031${String(i).padStart(11, '0')}`;
const file: ReconFile = {
  shape: 'regular',
  sellerExId: 'EX00011235',
  settlementDate: '2026-03-13',
  txnDates: ['2026-03-12'],
  rows: Array.from({ length: n }, (_, i) => ({
    fpxTxnId: id(i),
    sellerOrderNo: `ORD-${i}`,
    buyerBankId: 'MB2U0227',
    txnTime: `20260312${String(Math.floor(i / 3600) % 24).padStart(2, '0')}${String(Math.floor(i / 60) % 60).padStart(2, '0')}${String(i % 60).padStart(2, '0')}`,
    amountMinor: 100 + (i % 100_000),
    debitAuthCode: '00',
  })),
};
const text = fpxMerchantFormat.write(file);
let t = performance.now();
const parsed = fpxMerchantFormat.parse(text, 'bench.txt');
const parseMs = performance.now() - t;
console.log(`parse: ${n} rows, ${(text.length / 1e6).toFixed(1)} MB in ${parseMs.toFixed(0)} ms = ${Math.round(n / (parseMs / 1000)).toLocaleString('en')} rows/s`);

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const db = await openDatabase({ kind: 'postgres', url }, { isolate: true });
try {
  await db.exec(`create table ledger_entries (txn_id text, account text, amount_minor bigint, currency text, reference text);
                 create table recon_matches (fpx_txn_id text, settlement_date text);
                 create table recon_exceptions (fpx_txn_id text);`);
  await db.exec(`insert into ledger_entries
      select 'c' || i, a.account, case a.account when 'fpx_clearing' then 100 + i % 100000 else -(100 + i % 100000) end, 'MYR', '26031' || lpad(i::text, 11, '0')
        from generate_series(0, ${n - 1}) i, (values ('fpx_clearing'), ('sales')) a(account);
    insert into ledger_entries
      select 's' || i, a.account, case a.account when 'bank' then 100 + i % 100000 else -(100 + i % 100000) end, 'MYR', '26031' || lpad(i::text, 11, '0')
        from generate_series(0, ${n - 1}) i, (values ('bank'), ('fpx_clearing')) a(account);
    insert into recon_matches select '26031' || lpad(i::text, 11, '0'), '2026-03-13' from generate_series(0, ${n - 1}) i;
    create index on ledger_entries (reference); create index on recon_matches (fpx_txn_id); analyze;`);
  const mapping = { table: 'ledger_entries', columns: { txnId: 'txn_id', account: 'account', amount: 'amount_minor', currency: 'currency', reference: 'reference' }, cashAccounts: ['fpx_clearing'] };
  const ledger = await createLedgerReader(db, mapping);
  const expected = buildExpectations(parsed.rows.map((r) => ({ provider: 'fpx', identity: r.fpxTxnId, effect: { reference: r.fpxTxnId, amountMinor: r.amountMinor, currency: 'MYR', direction: 'in' as const } })));
  const facts: ReconFacts = {
    mapping: {
      matches: { table: 'recon_matches', columns: { reference: 'fpx_txn_id', settlementDate: 'settlement_date' } },
      exceptions: { table: 'recon_exceptions', columns: { reference: 'fpx_txn_id' } },
      settlementAccount: 'bank',
    },
    files: [{ name: 'bench.txt', settlementDate: parsed.settlementDate, shape: 'regular', naturalShape: 'regular', statuses: [200], rows: parsed.rows.map((r) => ({ ...r, txnDate: '2026-03-12', foreign: false })) }],
    reingest: { before: { ledger: [], matches: [], exceptions: [] }, after: { ledger: [], matches: [], exceptions: [] } },
  };
  const ctx = { ledger, entities: undefined, expected, deliveries: [], baseline: undefined, database: db, facts: factsOf(fact(RECON_FACTS, facts)) };
  for (const inv of reconInvariants) {
    t = performance.now();
    const { violations: v } = await judge(inv, ctx);
    console.log(`${inv.name}: ${(performance.now() - t).toFixed(0)} ms on ${n} transactions (${2 * n * 2} ledger rows), ${v.length} violations`);
  }
} finally {
  await db.close();
}
void pg;
