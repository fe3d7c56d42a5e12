import { sql } from 'kysely';

export async function up(db) {
  await db.schema
    .createTable('entries')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('entry_group_id', 'text', (col) => col.notNull())
    .addColumn('account_name', 'varchar(40)', (col) => col.notNull())
    .addColumn('amount_minor', 'bigint', (col) => col.notNull())
    .addColumn('currency', sql`char(3)`, (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.defaultTo(sql`now()`).notNull())
    .execute();

  await db.schema
    .createTable('charges')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('psp', 'text', (col) => col.notNull())
    .addColumn('payment_ref', 'text', (col) => col.notNull().unique())
    .addColumn('payment_status', 'text', (col) => col.notNull())
    .addColumn('amount_minor', 'bigint')
    .execute();
}

export async function down(db) {
  await db.schema.dropTable('charges').execute();
  await db.schema.dropTable('entries').execute();
}
