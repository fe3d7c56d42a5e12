/**
 * The schema readers on tricky inputs: SQL migrations (quoted identifiers, comments, nested
 * parentheses, constraints, ALTER/DROP in file order), Prisma (@map/@@map, relation fields),
 * Knex and Kysely migrations, and the merge that prefers an ORM declaration over its SQL.
 */
import { describe, expect, it } from 'vitest';
import { readPrismaSchemas } from './prisma-schema.ts';
import { readQueryBuilderMigrations } from './query-builder-schema.ts';
import { mergeSchemaTables } from './schema-sources.ts';
import type { SchemaTable } from './schema-table.ts';
import { parseSource } from './source-files.ts';
import { readSqlMigrations, tokenizeSql } from './sql-schema.ts';

const text = (rel: string, body: string): { path: string; rel: string; text: string } => ({ path: `/p/${rel}`, rel, text: body });
const cols = (t: SchemaTable | undefined): string[] => (t?.columns ?? []).map((c) => `${c.sqlName}:${c.type}`);
const byName = (tables: SchemaTable[], name: string): SchemaTable | undefined => tables.find((t) => t.name === name);

describe('SQL migrations', () => {
  const INIT = `-- 001: journals
/* a block comment with CREATE TABLE fake ( x int ); /* nested */ inside */
CREATE TABLE IF NOT EXISTS public."journal_lines" (
  id bigserial PRIMARY KEY,
  "journal_id" uuid NOT NULL REFERENCES journals (id) ON DELETE CASCADE,
  account_code varchar(32) NOT NULL, -- the chart-of-accounts code
  amount_sen bigint NOT NULL CHECK (amount_sen <> 0 AND (amount_sen > -100000000)),
  ccy char(3) NOT NULL DEFAULT 'MYR',
  "External Ref" text DEFAULT concat('x', ';', ')'),
  posted_at timestamp with time zone DEFAULT now(),
  CONSTRAINT journal_lines_ref_uq UNIQUE ("journal_id", account_code),
  PRIMARY KEY (id),
  FOREIGN KEY (journal_id) REFERENCES journals(id)
);
CREATE TABLE billing.invoices (invoice_no text, total numeric(12, 2), tags text[]);
CREATE TABLE scratch (a int);
CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN CREATE TABLE nope (x int); END $$ LANGUAGE plpgsql;
`;
  const LATER = `ALTER TABLE "journal_lines" ADD COLUMN IF NOT EXISTS memo text, ADD CONSTRAINT c CHECK (true);
ALTER TABLE journal_lines RENAME COLUMN "External Ref" TO external_ref;
ALTER TABLE ONLY journal_lines DROP COLUMN posted_at;
ALTER TABLE journal_lines ALTER COLUMN ccy TYPE text;
DROP TABLE IF EXISTS scratch, other CASCADE;
ALTER TABLE billing.invoices RENAME TO bills;
COMMENT ON TABLE journal_lines IS 'amount_sen is credit-positive';
`;

  it('tokenizes quoted identifiers, strings with quotes and comments', () => {
    const tokens = tokenizeSql(`SELECT "a ""b""", 'it''s', $t$x;y$t$ -- c\n/* d */ e`);
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['word', 'select'],
      ['ident', 'a "b"'],
      ['punct', ','],
      ['string', "it's"],
      ['punct', ','],
      ['string', 'x;y'],
      ['word', 'e'],
    ]);
    expect(tokens[6]!.comments).toEqual(['-- c', '/* d */']);
    expect(tokens[6]!.line).toBe(2);
  });

  it('reads CREATE TABLE columns and types, skipping constraints, nested parentheses and function bodies', () => {
    const { tables, files } = readSqlMigrations([text('db/migrations/001_init.sql', INIT)]);
    expect(tables.map((t) => t.name)).toEqual(['journal_lines', 'billing.invoices', 'scratch']);
    const lines = byName(tables, 'journal_lines')!;
    expect(lines).toMatchObject({ source: 'sql', where: 'db/migrations/001_init.sql:3' });
    expect(lines.comment).toContain('001: journals');
    expect(cols(lines)).toEqual([
      'id:bigserial',
      'journal_id:uuid',
      'account_code:varchar',
      'amount_sen:bigint',
      'ccy:char',
      'External Ref:text',
      'posted_at:timestamp with time zone',
    ]);
    expect(cols(byName(tables, 'billing.invoices'))).toEqual(['invoice_no:text', 'total:numeric', 'tags:text[]']);
    expect(files).toEqual(['db/migrations/001_init.sql']);
  });

  it('applies ALTER TABLE, DROP TABLE and COMMENT ON TABLE from later files', () => {
    const { tables, files } = readSqlMigrations([text('m/001.sql', INIT), text('m/002.sql', LATER)]);
    expect(tables.map((t) => t.name)).toEqual(['journal_lines', 'billing.bills']);
    const lines = byName(tables, 'journal_lines')!;
    expect(cols(lines)).toEqual(['id:bigserial', 'journal_id:uuid', 'account_code:varchar', 'amount_sen:bigint', 'ccy:text', 'external_ref:text', 'memo:text']);
    expect(lines.comment).toContain('credit-positive');
    expect(lines.where).toBe('m/001.sql:3');
    expect(files).toEqual(['m/001.sql', 'm/002.sql']);
  });

  it('skips rollbacks: *.down.sql files and the down half of dbmate/goose files', () => {
    const { tables } = readSqlMigrations([
      text('db/migrations/001_init.down.sql', 'DROP TABLE ledger;'),
      text('db/migrations/001_init.up.sql', 'CREATE TABLE ledger (account text, amount bigint);'),
      text('db/migrations/002_more.sql', '-- migrate:up\nALTER TABLE ledger ADD COLUMN ccy text;\n\n-- migrate:down\nDROP TABLE ledger;'),
      text('db/migrations/003_goose.sql', '-- +goose Up\nCREATE TABLE t (a int);\n-- +goose Down\nDROP TABLE ledger;'),
    ]);
    expect(tables.map((t) => `${t.name}(${cols(t).join(', ')})`)).toEqual(['ledger(account:text, amount:bigint, ccy:text)', 't(a:integer)']);
  });
});

describe('Prisma schema', () => {
  const SCHEMA = `
datasource db { provider = "postgresql" url = env("DATABASE_URL") }

enum PaymentState { PENDING PAID }

/// One line per posting; debit and credit in sen.
model Posting {
  id          Int      @id @default(autoincrement())
  txnId       BigInt   @map("txn_id")
  acct        String   @db.VarChar(32) // "quoted // not a comment start"
  debitMinor  BigInt   @default(0) @map(name: "debit_minor")
  creditMinor Int      @map("credit_minor") @db.BigInt
  amount      Decimal  @db.Decimal(12, 2)
  txn         Txn      @relation(fields: [txnId], references: [id])
  createdAt   DateTime @default(now()) @map("created_at")

  @@index([txnId])
  @@map("postings")
}

model Txn {
  id       BigInt    @id
  postings Posting[]
  payment  Payment?
}

model Payment {
  id         String       @id @default(uuid())
  provider   String
  externalId String       @unique @map("external_id")
  state      PaymentState
  txnId      BigInt?      @unique @map("txn_id")
  txn        Txn?         @relation(fields: [txnId], references: [id])
  @@map(name: "payments")
}
`;

  it('names tables by @@map and columns by @map, maps scalar types and skips relation fields', () => {
    const { tables, files } = readPrismaSchemas([text('prisma/schema.prisma', SCHEMA)]);
    expect(files).toEqual(['prisma/schema.prisma']);
    expect(tables.map((t) => [t.name, t.where])).toEqual([
      ['postings', 'prisma/schema.prisma:7'],
      ['Txn', 'prisma/schema.prisma:21'],
      ['payments', 'prisma/schema.prisma:27'],
    ]);
    expect(tables[0]!.comment).toContain('debit and credit in sen');
    expect(cols(tables[0])).toEqual([
      'id:integer',
      'txn_id:bigint',
      'acct:varchar',
      'debit_minor:bigint',
      'credit_minor:bigint',
      'amount:numeric',
      'created_at:timestamp',
    ]);
    expect(cols(tables[1])).toEqual(['id:bigint']);
    expect(cols(tables[2])).toEqual(['id:text', 'provider:text', 'external_id:text', 'state:enum', 'txn_id:bigint']);
    expect(tables[0]!.columns[1]).toMatchObject({ key: 'txnId', sqlName: 'txn_id' });
  });
});

describe('Knex and Kysely migrations', () => {
  const KNEX = parseSource(
    '/p/migrations/20240101_init.js',
    `export async function up(knex) {
  // amount_cents is debit-positive
  await knex.schema.createTable('ledger_lines', (t) => {
    t.increments();
    t.string('transaction_id', 64).notNullable().index();
    t.string('account').notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.specificType('currency', 'char(3)');
    t.timestamps(true, true);
    t.unique(['transaction_id', 'account']);
  });
  await knex.schema.withSchema('shop').createTableIfNotExists('orders', function (table) {
    table.uuid('id').primary();
    table.text('order_no');
    table.enu('status', ['new', 'paid']);
  });
  await knex.schema.createTable('tmp', (t) => t.integer('x'));
}`,
    'migrations/20240101_init.js',
  );
  const KNEX2 = parseSource(
    '/p/migrations/20240201_more.js',
    `export const up = async (knex) => {
  await knex.schema.alterTable('ledger_lines', (t) => {
    t.string('provider_ref');
    t.dropTimestamps();
    t.renameColumn('account', 'account_code');
  });
  await knex.schema.dropTableIfExists('tmp');
};
export const down = async (knex) => {
  await knex.schema.dropTable('ledger_lines');
};
exports.down = (knex) => knex.schema.dropTable('ledger_lines');`,
    'migrations/20240201_more.js',
  );

  it('reads Knex createTable callbacks, withSchema, alterTable and dropTable in file order, not down()', () => {
    const { tables, files } = readQueryBuilderMigrations([KNEX2, KNEX]);
    expect(files).toEqual(['migrations/20240101_init.js', 'migrations/20240201_more.js']);
    expect(tables.map((t) => [t.name, t.source, t.where])).toEqual([
      ['ledger_lines', 'knex', 'migrations/20240101_init.js:3'],
      ['shop.orders', 'knex', 'migrations/20240101_init.js:12'],
    ]);
    expect(tables[0]!.comment).toContain('debit-positive');
    expect(cols(tables[0])).toEqual(['id:serial', 'transaction_id:varchar', 'account_code:varchar', 'amount_cents:bigint', 'currency:char', 'provider_ref:varchar']);
    expect(cols(tables[1])).toEqual(['id:uuid', 'order_no:text', 'status:text']);
  });

  it('reads Kysely createTable/addColumn chains and alterTable', () => {
    const file = parseSource(
      '/p/src/migrations/001.ts',
      `import { sql, type Kysely } from 'kysely';
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('entries')
    .ifNotExists()
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('entry_group_id', 'uuid', (col) => col.notNull())
    .addColumn('account_name', 'varchar(64)')
    .addColumn('amount', sql\`numeric(12, 2)\`)
    .addColumn('old', 'text')
    .execute();
  await db.schema.alterTable('entries').addColumn('ccy', 'char(3)').dropColumn('old').renameColumn('amount', 'amount_minor').execute();
  await db.schema.alterTable('entries').alterColumn('amount_minor', (c) => c.setDataType('bigint')).execute();
}`,
      'src/migrations/001.ts',
    );
    const { tables } = readQueryBuilderMigrations([file]);
    expect(tables.map((t) => [t.name, t.source, t.where])).toEqual([['entries', 'kysely', 'src/migrations/001.ts:3']]);
    expect(cols(tables[0])).toEqual(['id:serial', 'entry_group_id:uuid', 'account_name:varchar', 'amount_minor:bigint', 'ccy:char']);
  });

  it('ignores Drizzle schema.table(…) calls and non-schema createTable look-alikes', () => {
    const file = parseSource(
      '/p/src/x.ts',
      `const schema = pgSchema('billing');
export const invoices = schema.table('invoices', { no: text('no') });
ui.createTable('grid', (t) => t.integer('x'));`,
      'src/x.ts',
    );
    expect(readQueryBuilderMigrations([file]).tables).toEqual([]);
  });
});

describe('merging sources', () => {
  const t = (name: string, source: SchemaTable['source']): SchemaTable => ({ name, source, where: `${source}:1`, comment: '', columns: [] });
  it('lists a table declared in an ORM and in its generated SQL once, from the ORM', () => {
    const merged = mergeSchemaTables([
      { files: ['drizzle/0000.sql'], tables: [t('ledger_entries', 'sql'), t('audit', 'sql')] },
      { files: ['src/schema.ts'], tables: [t('ledger_entries', 'drizzle')] },
      { files: ['prisma/schema.prisma'], tables: [t('public.Audit', 'prisma')] },
    ]);
    expect(merged.tables.map((x) => `${x.name}[${x.source}]`)).toEqual(['ledger_entries[drizzle]', 'public.Audit[prisma]']);
    expect(merged.sources).toEqual(['drizzle', 'prisma']);
  });
});
