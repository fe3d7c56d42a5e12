import { describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { mappedView } from '../recon/facts.ts';
import { createMappedView, mappedViewSql } from './table-mapping.ts';
import { useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

async function failure(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('createMappedView', () => {
  it('selects each mapped column as text under its key', async () => {
    await testDb().exec(`insert into shop_orders values ('shopee', 'O1', 'completed')`);
    const view = await createMappedView(testDb(), { table: 'shop_orders', columns: { provider: 'src', entity: 'order_no' } });

    expect(await testDb().query(`select * from ${view} as v`)).toEqual([{ provider: 'shopee', entity: 'O1' }]);
  });

  it('names a missing table in the message and the details', async () => {
    const e = await failure(createMappedView(testDb(), { table: 'recon_matches', columns: { reference: 'fpx_txn_id' } }));

    expect(isIdemgateError(e, 'LEDGER_MAPPING_INVALID')).toBe(true);
    expect(e).toMatchObject({ message: expect.stringContaining('table recon_matches does not exist'), details: { table: 'recon_matches' } });
  });

  it('names a missing column and its key, for a table and for sql', async () => {
    const fromTable = await failure(createMappedView(testDb(), { table: 'shop_orders', columns: { reference: 'fpx_txn_id' } }));
    const fromSql = await failure(createMappedView(testDb(), { sql: 'select src from shop_orders;', columns: { reference: 'state' } }));

    expect(fromTable).toMatchObject({
      code: 'LEDGER_MAPPING_INVALID',
      message: expect.stringContaining('column "fpx_txn_id" (columns.reference) is not in table shop_orders'),
      details: { table: 'shop_orders', column: 'fpx_txn_id' },
    });
    expect(fromSql).toMatchObject({
      code: 'LEDGER_MAPPING_INVALID',
      message: expect.stringContaining('column "state" (columns.reference) is not in the mapping sql'),
      details: { column: 'state' },
    });
  });

  it('wants exactly one of table or sql', async () => {
    const e = await failure(createMappedView(testDb(), { columns: { reference: 'ref' } }));
    expect(e).toMatchObject({ code: 'LEDGER_MAPPING_INVALID', message: expect.stringContaining('exactly one of `table` or `sql`') });
  });

  it('is the view the reconciliation invariants read (the same SQL, checked once)', async () => {
    const matches = { table: 'shop_orders', columns: { reference: 'order_no', settlementDate: 'state' } };
    expect(await createMappedView(testDb(), matches)).toBe(mappedView(matches));
    expect(mappedView(matches)).toBe(mappedViewSql(matches));
  });
});
