import pg from 'pg';

/** The PostgreSQL the benches compare PGlite with: DATABASE_URL, else the machine's local one. */
export const BENCH_POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL answers at `url` within 2 s (a bench then measures it too). */
export async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
