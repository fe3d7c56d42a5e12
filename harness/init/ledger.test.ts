import { describe, expect, it } from 'vitest';
import type { SchemaTable } from './schema-table.ts';
import { inferEntities, inferLedger } from './ledger.ts';

const table = (name: string, columns: [string, string][], comment = ''): SchemaTable => ({
  name,
  source: 'sql',
  where: `schema.ts:${name.length}`,
  comment,
  columns: columns.map(([sqlName, type]) => ({ key: sqlName, sqlName, type })),
});

const journalLines = table(
  'journal_lines',
  [['id', 'serial'], ['journal_id', 'uuid'], ['account_code', 'varchar'], ['amount_sen', 'bigint'], ['ccy', 'char'], ['external_ref', 'text']],
  '/** amount_sen is credit-positive */',
);
const payments = table('payments', [['id', 'serial'], ['gateway', 'text'], ['external_ref', 'text'], ['status', 'text'], ['amount_sen', 'bigint'], ['ccy', 'char']]);
const journals = table('journals', [['id', 'uuid'], ['memo', 'text'], ['external_ref', 'text']]);

describe('ledger and entity tables chosen by column names', () => {
  it('maps a schema with its own vocabulary: journal_lines(journal_id, account_code, amount_sen, ccy, external_ref)', () => {
    const ledger = inferLedger([journals, payments, journalLines])!;
    expect(ledger.table.name).toBe('journal_lines');
    const cols = Object.fromEntries(Object.entries(ledger.columns).map(([role, c]) => [role, c.column]));
    expect(cols).toEqual({ txnId: 'journal_id', account: 'account_code', amount: 'amount_sen', currency: 'ccy', reference: 'external_ref' });
    expect(ledger.missing).toEqual([]);
    expect(ledger).toMatchObject({ sign: 'credit-positive', signSource: 'schema comment' });
  });

  it('maps debit and credit columns, never a boolean like `credited`', () => {
    const ledger = inferLedger([
      table('postings', [['posting_id', 'integer'], ['acct', 'text'], ['debit_minor', 'bigint'], ['credit_minor', 'bigint'], ['currency', 'text'], ['ref', 'text'], ['credited', 'boolean']]),
    ])!;
    const cols = Object.fromEntries(Object.entries(ledger.columns).map(([role, c]) => [role, c.column]));
    expect(cols).toEqual({ txnId: 'posting_id', account: 'acct', debit: 'debit_minor', credit: 'credit_minor', currency: 'currency', reference: 'ref' });
  });

  it('reports what it could not match, decimals, and no ledger at all', () => {
    const partial = inferLedger([table('entries', [['id', 'serial'], ['account', 'text'], ['amount', 'numeric']])])!;
    expect(partial.missing).toEqual(['txnId', 'currency', 'reference']);
    expect(partial.nonIntegerAmount).toBe('amount');
    expect(partial.signSource).toBe('default');
    expect(inferLedger([payments, journals])).toBeUndefined();
  });

  it('picks the entity/status table, not the ledger', () => {
    const entities = inferEntities([journalLines, journals, payments], 'journal_lines')!;
    expect(entities.table.name).toBe('payments');
    expect(entities.columns).toEqual({ status: 'status', provider: 'gateway', entity: 'external_ref' });
    expect(entities.missing).toEqual([]);
    const noProvider = inferEntities([table('orders', [['order_no', 'text'], ['state', 'text']])])!;
    expect(noProvider.columns).toEqual({ status: 'state', entity: 'order_no' });
    expect(noProvider.missing).toEqual(['provider']);
  });
});
