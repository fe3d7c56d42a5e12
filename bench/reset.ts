/**
 * Time per database reset (truncateAll with its table list cached) between schedules, PGlite
 * and, when reachable, PostgreSQL side by side. Prints the figures; absolute numbers vary 2–3×
 * with machine load, compare within one run. Usage:
 *   npx tsx bench/reset.ts [resets]               # default 200; PostgreSQL at DATABASE_URL or 127.0.0.1:5432/test
 * (Was a `< 50 ms per reset` assertion in harness/db/reset.test.ts.)
 */
import type { Database } from '../harness/db/database.ts';
import { openPglite } from '../harness/db/pglite/pglite.ts';
import { createIsolatedDatabase } from '../harness/db/postgres/postgres.ts';
import { truncateAll } from '../harness/db/reset.ts';

const resets = Number(process.argv[2] ?? 200);
const pgUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const SCHEMA = `
  create table orders (id serial primary key, ref text not null);
  create table ledger_entries (id serial primary key, order_id int references orders(id), amount_minor bigint not null);
  create table events (id text primary key, received_at timestamptz not null default now());`;

async function measure(name: string, db: Database): Promise<void> {
  try {
    await db.exec(SCHEMA);
    const reset = truncateAll();
    await reset.reset(db); // reads and caches the table list
    let total = 0;
    for (let i = 0; i < resets; i++) {
      await db.exec(`insert into orders (ref) values ('o${i}'); insert into ledger_entries (order_id, amount_minor) values (1, 100);`);
      const started = performance.now();
      await reset.reset(db);
      total += performance.now() - started;
    }
    console.log(`${name.padEnd(10)} ${(total / resets).toFixed(2).padStart(8)} ms per reset (${resets} resets, table list cached)`);
  } finally {
    await db.close();
  }
}

await measure('pglite', await openPglite());
const postgres = await createIsolatedDatabase(pgUrl, 'bench_reset').catch((e: unknown) => {
  console.log(`PostgreSQL at ${pgUrl} is not reachable: measured PGlite only (${(e as Error).message})`);
  return undefined;
});
if (postgres !== undefined) await measure('postgres', postgres);
