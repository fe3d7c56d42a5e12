export async function up(knex) {
  await knex.schema.alterTable('ledger_lines', (t) => {
    t.string('provider_ref');
  });
}

export async function down(knex) {
  await knex.schema.alterTable('ledger_lines', (t) => {
    t.dropColumn('provider_ref');
  });
}
