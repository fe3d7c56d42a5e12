import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.POSTGRES_URL }) }) });
const app = new Hono();

app.get('/ping', (c) => c.text('pong'));

app.post('/hooks/stripe', async (c) => {
  const signature = c.req.header('stripe-signature');
  if (signature === undefined || process.env.STRIPE_WEBHOOK_SECRET === undefined) return c.text('unsigned', 400);
  const event = await c.req.json();
  const intent = event.data.object;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('entries')
      .values([
        { entry_group_id: event.id, account_name: 'stripe_wallet', amount_minor: intent.amount, currency: intent.currency },
        { entry_group_id: event.id, account_name: 'income', amount_minor: -intent.amount, currency: intent.currency },
      ])
      .execute();
    await trx.updateTable('charges').set({ payment_status: intent.status }).where('payment_ref', '=', intent.id).where('psp', '=', 'stripe').execute();
  });
  return c.text('ok');
});

async function migrateToLatest() {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: path.join(import.meta.dirname, 'migrations') }),
  });
  await migrator.migrateToLatest();
}

await migrateToLatest();
serve({ fetch: app.fetch, port: Number(process.env.PORT) });
