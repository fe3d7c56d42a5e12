import { describe, expect, it } from 'vitest';
import { findDrizzleTables, parseDrizzleTables } from './drizzle-schema.ts';
import { parseSource } from './source-files.ts';

const JOURNAL = `
import { bigint, char, integer, pgSchema, pgTable, serial, text, uuid, varchar } from 'drizzle-orm/pg-core';

/** Journal headers. */
export const journals = pgTable('journals', {
  id: uuid('id').primaryKey(),
  memo: text('memo'),
});

/** One line per posting; amount_sen is credit-positive. */
export const journalLines = pgTable('journal_lines', {
  id: serial('id').primaryKey(),
  journalId: uuid('journal_id').notNull().references(() => journals.id),
  accountCode: varchar('account_code', { length: 32 }).notNull(),
  amountSen: bigint('amount_sen', { mode: 'number' }).notNull(),
  ccy: char('ccy', { length: 3 }).notNull(),
  externalRef: text('external_ref').notNull(),
});

export const payments = pgTable('payments', (t) => ({
  id: t.serial().primaryKey(),
  gateway: t.text('gateway').notNull(),
  externalRef: t.text('external_ref').notNull(),
  status: t.varchar('status', { length: 16 }),
}));

const billing = pgSchema('billing');
export const invoices = billing.table('invoices', { invoiceNo: text('invoice_no'), state: text() });
`;

describe('Drizzle schema parsing', () => {
  const file = parseSource('/p/src/db/schema.ts', JOURNAL, 'src/db/schema.ts');

  it('finds every table and each column SQL name, through builder chains and the callback form', () => {
    const tables = parseDrizzleTables(file);
    expect(tables.map((t) => t.name)).toEqual(['journals', 'journal_lines', 'payments', 'invoices']);
    const lines = tables[1]!;
    expect(lines).toMatchObject({ variable: 'journalLines', where: 'src/db/schema.ts:11' });
    expect(lines.columns.map((c) => [c.key, c.sqlName, c.type])).toEqual([
      ['id', 'id', 'serial'],
      ['journalId', 'journal_id', 'uuid'],
      ['accountCode', 'account_code', 'varchar'],
      ['amountSen', 'amount_sen', 'bigint'],
      ['ccy', 'ccy', 'char'],
      ['externalRef', 'external_ref', 'text'],
    ]);
    expect(lines.comment).toContain('credit-positive');
    expect(tables[2]!.columns.map((c) => c.sqlName)).toEqual(['id', 'gateway', 'external_ref', 'status']);
    // A builder without a name uses the property name.
    expect(tables[3]!.columns.map((c) => c.sqlName)).toEqual(['invoice_no', 'state']);
  });

  it('only reads files that import drizzle-orm/pg-core', () => {
    const other = parseSource('/p/src/x.ts', "const t = pgTable('not_drizzle', { a: text('a') });", 'src/x.ts');
    const found = findDrizzleTables([other, file]);
    expect(found.files).toEqual(['src/db/schema.ts']);
    expect(found.tables).toHaveLength(4);
  });
});
