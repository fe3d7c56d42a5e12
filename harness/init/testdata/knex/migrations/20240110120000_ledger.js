export async function up(knex) {
  // amount_cents is debit-positive: a debit to an account is a positive amount.
  await knex.schema.createTable('ledger_lines', (t) => {
    t.bigIncrements('id');
    t.string('transaction_id', 64).notNullable().index();
    t.string('account', 40).notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.timestamps(true, true);
  });
  await knex.schema.createTable('orders', (t) => {
    t.increments('id');
    t.string('order_no').notNullable().unique();
    t.enu('status', ['new', 'paid', 'failed']).defaultTo('new');
    t.bigInteger('total_cents');
  });
}

export async function down(knex) {
  await knex.schema.dropTable('orders');
  await knex.schema.dropTable('ledger_lines');
}
