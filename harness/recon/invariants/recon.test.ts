import { fact, factsOf, noFacts } from '../../invariants/facts.ts';
import { RECON_FACTS } from '../facts.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import { openPglite } from '../../db/pglite/pglite.ts';
import { truncateAll } from '../../db/reset.ts';
import type { InvariantContext } from '../../invariants/invariant.ts';
import { contextFor, createTestSchemas, debitCreditJournal, failedEvent, paymentEvent, received, type Posting } from '../../invariants/_testing/ledgers.ts';
import type { DeliveredReconFile, ReconFacts, ReconMapping } from '../facts.ts';
import {
  reconExceptionsReported,
  reconMatchedExactlyOnce,
  reconReingestIdempotent,
  reconSettlementTotals,
  reconShapeEquivalence,
} from './index.ts';
import { snapshotDiff } from './reingest-idempotent.ts';

let db: Database;
const reset = truncateAll();
beforeAll(async () => {
  db = await openPglite();
  await createTestSchemas(db);
  await db.exec(`create table settled (ref text not null, sdate date not null);
                 create table exc (ref text not null, why text not null);`);
});
afterAll(() => db.close());
beforeEach(() => reset.reset(db));

// A ledger whose settlement lives in the same journal (bank is where settlements land).
const mapping: ReconMapping = {
  matches: { table: 'settled', columns: { reference: 'ref', settlementDate: 'sdate' } },
  exceptions: { table: 'exc', columns: { reference: 'ref' } },
  settlementAccount: 'bank',
  ledger: { ...debitCreditJournal.mapping, cashAccounts: ['psp_clearing', 'bank'] },
};
const settledPosting = (txn: string, ref: string, amount: number): Posting[] => [
  [txn, 'bank', amount, 'MYR', ref],
  [txn, 'psp_clearing', -amount, 'MYR', ref],
];
const row = (fpxTxnId: string, amountMinor: number, txnDate: string) => ({
  fpxTxnId,
  sellerOrderNo: `O-${fpxTxnId}`,
  buyerBankId: 'MB2U0227',
  txnTime: `${txnDate.replaceAll('-', '')}101500`,
  amountMinor,
  debitAuthCode: '00',
  txnDate,
  foreign: false,
});
const file = (over: Partial<DeliveredReconFile>): DeliveredReconFile => ({
  name: 'f.txt',
  settlementDate: '2026-03-16',
  shape: 'holiday',
  naturalShape: 'holiday',
  rows: [],
  statuses: [200],
  ...over,
});
// Friday 13 and Saturday 14 March settle on Monday 16 March.
const MONDAY = file({ name: 'FPX_20260316_H.txt', rows: [row('A', 1000, '2026-03-13'), row('B', 2500, '2026-03-14'), row('X', 700, '2026-03-14')] });
const events = [paymentEvent('A', 1000), paymentEvent('B', 2500), failedEvent('X')];
const empty = { ledger: [], matches: [], exceptions: [] };

async function ctxWith(facts: Partial<ReconFacts>, postings: Posting[], settled: [string, string][], reported: string[]): Promise<InvariantContext> {
  await debitCreditJournal.insert(db, postings);
  for (const [ref, date] of settled) await db.query('insert into settled values ($1, $2)', [ref, date]);
  for (const ref of reported) await db.query(`insert into exc values ($1, 'x')`, [ref]);
  const ctx = await contextFor(db, { ...debitCreditJournal, mapping: { ...debitCreditJournal.mapping, cashAccounts: ['psp_clearing'] } }, { events });
  return { ...ctx, facts: factsOf(fact(RECON_FACTS, { mapping, files: [MONDAY], reingest: { before: empty, after: empty }, ...facts })) };
}

const credits = [...received('T1', 'A', 1000, 'psp_clearing'), ...received('T2', 'B', 2500, 'psp_clearing')];
const good = { postings: [...credits, ...settledPosting('S1', 'A', 1000), ...settledPosting('S2', 'B', 2500)], settled: [['A', '2026-03-16'], ['B', '2026-03-16']] as [string, string][] };
const all = [reconMatchedExactlyOnce, reconSettlementTotals, reconExceptionsReported, reconReingestIdempotent, reconShapeEquivalence];

describe('reconciliation invariants on hand-made books', () => {
  it('all hold when each approved row settles once under its date and the failed one is reported', async () => {
    const ctx = await ctxWith({}, good.postings, good.settled, ['X']);
    for (const inv of all) expect(await inv.check(ctx), inv.name).toEqual([]);
  });

  it('are not applicable without the extension facts', async () => {
    const ctx = { ...(await contextFor(db, debitCreditJournal, {})), facts: noFacts };
    for (const inv of all) expect(await inv.check(ctx)).toEqual([]);
  });

  it('matched-exactly-once names a transaction settled twice and one never settled', async () => {
    const ctx = await ctxWith({}, [...credits, ...settledPosting('S1', 'A', 1000), ...settledPosting('S3', 'A', 1000)], [['A', '2026-03-16'], ['A', '2026-03-16']], ['X']);
    const messages = (await reconMatchedExactlyOnce.check(ctx)).map((v) => v.message);
    expect(messages).toEqual([
      'transaction A (RM 10.00, 2026-03-13, first in FPX_20260316_H.txt) was matched 2 time(s) and settled RM 20.00 into bank, expected once and RM 10.00',
      'transaction B (RM 25.00, 2026-03-14, first in FPX_20260316_H.txt) was matched 0 time(s) and settled RM 0.00 into bank, expected once and RM 25.00',
    ]);
  });

  it('settlement-totals names a date whose ledger total differs from the files', async () => {
    const ctx = await ctxWith({}, good.postings, [['A', '2026-03-16'], ['B', '2026-03-17']], ['X']);
    expect((await reconSettlementTotals.check(ctx)).map((v) => v.message)).toEqual([
      'settlement 2026-03-16: the files settle RM 35.00, the ledger settled RM 10.00 (RM -25.00)',
      'settlement 2026-03-17: the files settle RM 0.00, the ledger settled RM 25.00 (RM 25.00)',
    ]);
  });

  it('exceptions-reported names a failed transaction that was settled and not reported', async () => {
    const ctx = await ctxWith({}, [...good.postings, ...settledPosting('S9', 'X', 700)], [...good.settled, ['X', '2026-03-16']], []);
    const [v, ...rest] = await reconExceptionsReported.check(ctx);
    expect(rest).toEqual([]);
    expect(v!.message).toBe(
      'row X (RM 7.00) in FPX_20260316_H.txt must be reported, not settled (the target saw it fail or stay pending): not reported as an exception; RM 7.00 settled into bank; RM -7.00 credited to cash accounts',
    );
  });

  it('reingest-idempotent names what a second delivery changed', async () => {
    const after = { ledger: [], matches: [], exceptions: ['A', 'B'] };
    const ctx = await ctxWith({ reingest: { before: empty, after } }, good.postings, good.settled, ['X']);
    expect((await reconReingestIdempotent.check(ctx)).map((v) => v.message)).toEqual([
      're-ingesting the same 1 file(s) changed exceptions (+2 −0)',
    ]);
    expect(snapshotDiff(['a', 'a', 'b'], ['a', 'c'])).toEqual({ added: ['c'], removed: ['a', 'b'] });
  });

  it('shape-equivalence names the transaction date a holiday file failed to settle', async () => {
    const ctx = await ctxWith({}, [...credits, ...settledPosting('S1', 'A', 1000)], [['A', '2026-03-16']], ['X', 'B']);
    expect((await reconShapeEquivalence.check(ctx)).map((v) => v.message)).toEqual([
      'settlement 2026-03-16 (delivered holiday-shaped, calendar says holiday): transactions of 2026-03-14 settle RM 25.00 in the equivalent regular file, the ledger settled RM 0.00',
    ]);
  });
});
