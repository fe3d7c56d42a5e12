import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { createEntityReader, createLedgerReader } from './ledger-reader.ts';
import type { LedgerMapping } from './ledger-mapping.ts';
import { creditPositiveSql, debitCreditJournal, ledgerKinds, received, refunded, useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

async function mappingError(mapping: unknown): Promise<IdemgateError> {
  const error = await createLedgerReader(testDb(), mapping as LedgerMapping).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(IdemgateError);
  expect((error as IdemgateError).code).toBe('LEDGER_MAPPING_INVALID');
  return error as IdemgateError;
}

describe.each(ledgerKinds)('createLedgerReader over $name', (kind) => {
  it('normalises rows: debit-positive amounts, upper-case currency, empty reference for none', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500),
      ...refunded('T2', 're_1', 400),
      ['T3', 'bank', 7, 'myr', ''],
      ['T3', 'fees', -7, 'myr', ''],
    ]);
    const ledger = await createLedgerReader(testDb(), kind.mapping);

    const rows = await ledger.rows();

    expect(rows).toEqual([
      { txnId: 'T1', account: 'bank', amountMinor: 1500, currency: 'MYR', reference: 'pi_1' },
      { txnId: 'T1', account: 'sales', amountMinor: -1500, currency: 'MYR', reference: 'pi_1' },
      { txnId: 'T2', account: 'psp_clearing', amountMinor: -400, currency: 'MYR', reference: 're_1' },
      { txnId: 'T2', account: 'sales', amountMinor: 400, currency: 'MYR', reference: 're_1' },
      { txnId: 'T3', account: 'bank', amountMinor: 7, currency: 'MYR', reference: '' },
      { txnId: 'T3', account: 'fees', amountMinor: -7, currency: 'MYR', reference: '' },
    ]);
    expect(ledger.cashAccounts).toEqual(['bank', 'psp_clearing']);
  });

  it('lets SQL aggregate over the view', async () => {
    await kind.insert(testDb(), [...received('T1', 'pi_1', 1500), ...received('T2', 'pi_1', 1500)]);
    const ledger = await createLedgerReader(testDb(), kind.mapping);

    const sums = await ledger.query<{ reference: string; net: string }>(
      `select reference, sum(amount_minor) as net from ${ledger.view} as l where account = 'bank' group by reference`,
    );

    expect(sums).toEqual([{ reference: 'pi_1', net: '3000' }]);
  });
});

describe('createLedgerReader mapping checks', () => {
  const base = debitCreditJournal.mapping;

  it('wants exactly one of table or sql', async () => {
    expect((await mappingError({ ...base, sql: 'select 1' })).message).toMatch(/exactly one of `table` or `sql`/);
    expect((await mappingError({ ...base, table: undefined })).message).toMatch(/exactly one of `table` or `sql`/);
  });

  it('wants a signed amount or a debit/credit pair, not both, not half', async () => {
    const cols = base.columns;
    expect((await mappingError({ ...base, columns: { ...cols, amount: 'dr' } })).message).toMatch(/not both/);
    expect((await mappingError({ ...base, columns: { ...cols, credit: undefined } })).message).toMatch(
      /columns\.credit is missing/,
    );
    expect(
      (await mappingError({ ...base, columns: { ...cols, debit: undefined, credit: undefined } })).message,
    ).toMatch(/columns\.amount/);
  });

  it('names a missing table and the mapping', async () => {
    const error = await mappingError({ ...base, table: 'ledger_lines' });
    expect(error.message).toContain('table ledger_lines does not exist');
    expect(error.message).toContain('"table":"ledger_lines"');
  });

  it('names a missing column and which mapping key it is', async () => {
    const error = await mappingError({ ...base, columns: { ...base.columns, reference: 'external_ref' } });
    expect(error.message).toContain('column "external_ref" (columns.reference) is not in table journal');
  });

  it('names a missing column of a sql mapping', async () => {
    const error = await mappingError({
      ...creditPositiveSql.mapping,
      columns: { ...creditPositiveSql.mapping.columns, amount: 'amount' },
    });
    expect(error.message).toContain('column "amount" (columns.amount) is not in the mapping sql');
  });

  it('reports sql that does not run', async () => {
    const error = await mappingError({ ...creditPositiveSql.mapping, sql: 'select * from nowhere_at_all' });
    expect(error.message).toContain('nowhere_at_all');
  });

  it('wants cash accounts', async () => {
    expect((await mappingError({ ...base, cashAccounts: [] })).message).toContain('cashAccounts');
  });

  it('quotes identifiers, so odd names and schema-qualified tables work', async () => {
    await testDb().exec(`create schema if not exists books;
      create table if not exists books."Entries" ("Txn" text, "Account Code" text, "Amount" bigint, "Ccy" text, "Ref" text);
      delete from books."Entries";
      insert into books."Entries" values ('t', 'bank', 5, 'myr', 'x'), ('t', 'sales', -5, 'myr', 'x');`);
    const ledger = await createLedgerReader(testDb(), {
      table: 'books.Entries',
      columns: { txnId: 'Txn', account: 'Account Code', amount: 'Amount', currency: 'Ccy', reference: 'Ref' },
      cashAccounts: ['bank'],
    });
    expect((await ledger.rows()).map((r) => r.amountMinor)).toEqual([5, -5]);
  });

  it('rows() refuses amounts beyond safe integers', async () => {
    await debitCreditJournal.insert(testDb(), [['T1', 'bank', 2 ** 53, 'MYR', 'x']]);
    await testDb().query(`update journal set dr = dr + 1`);
    const ledger = await createLedgerReader(testDb(), base);
    await expect(ledger.rows()).rejects.toThrow(/not a safe integer/);
  });
});

describe('createEntityReader', () => {
  it('reads statuses through the mapping and applies the per-provider status map case-insensitively', async () => {
    await testDb().exec(
      `insert into shop_orders values ('shopee', 'O1', 'completed'), ('FPX', 'S1', 'OK'), ('fpx', 'S2', 'pending'), ('stripe', 'pi_1', 'Succeeded')`,
    );
    const entities = await createEntityReader(testDb(), {
      table: 'shop_orders',
      columns: { provider: 'src', entity: 'order_no', status: 'state' },
      statusMap: { fpx: { ok: 'approved', PENDING: 'pending' } },
    });

    const rows = await entities.rows();

    expect(rows).toEqual([
      { provider: 'FPX', entity: 'S1', status: 'approved' },
      { provider: 'fpx', entity: 'S2', status: 'pending' },
      { provider: 'shopee', entity: 'O1', status: 'completed' },
      { provider: 'stripe', entity: 'pi_1', status: 'Succeeded' },
    ]);
  });

  it('names a missing column', async () => {
    const error = await createEntityReader(testDb(), {
      sql: 'select src, order_no, state from shop_orders',
      columns: { provider: 'src', entity: 'order_ref', status: 'state' },
    }).catch((e: unknown) => e);
    expect((error as IdemgateError).code).toBe('LEDGER_MAPPING_INVALID');
    expect((error as IdemgateError).message).toContain('column "order_ref" (columns.entity)');
  });
});
